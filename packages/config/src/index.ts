// The one place that reads process.env (CONVENTIONS.md §10). Each preset parses only what its
// consumer needs, once, and fails with a message that names every missing or malformed variable.
import { z } from "zod";

export class ConfigError extends Error {
  override name = "ConfigError";
}

type Env = Record<string, string | undefined>;

function parse<T extends z.ZodRawShape>(preset: string, shape: T, env: Env = process.env): z.infer<z.ZodObject<T>> {
  const result = z.object(shape).safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => {
    const key = i.path.join(".");
    return env[key] === undefined || env[key] === "" ? `${key} is not set` : `${key} is invalid: ${i.message}`;
  });
  throw new ConfigError(`Invalid ${preset} configuration: ${[...new Set(problems)].join("; ")}`);
}

const postgresUrl = z
  .string()
  .min(1)
  .refine((v) => /^postgres(ql)?:\/\//.test(v), "must be a postgres:// URL");

const base64Key32 = z
  .string()
  .min(1)
  .refine((v) => Buffer.from(v, "base64").length === 32, "must be 32 bytes, base64-encoded");

export const DbEnv = {
  DATABASE_URL: postgresUrl,
  DATABASE_POOL_MAX: z.coerce.number().int().positive().default(10),
};
export type DbConfig = { url: string; poolMax: number };
export function dbConfig(env?: Env): DbConfig {
  const e = parse("database", DbEnv, env);
  return { url: e.DATABASE_URL, poolMax: e.DATABASE_POOL_MAX };
}

/** The role the worker's guard connects as (docs/adr/0020-guarded-requests.md). */
export const GUARD_ROLE = "holdfast_guard";

/**
 * The guard's own database credential (docs/adr/0020-guarded-requests.md): a role that can do
 * nothing but call the guard's definer functions, held by the worker only, never by the console.
 * GUARD_DATABASE_URL; without it, DATABASE_URL with the user swapped for holdfast_guard, but only
 * when that URL carries no password (local trust auth) — a password is never reused for another role.
 */
export function guardDbConfig(env?: Env): { url: string } {
  const e = parse("guard database", { GUARD_DATABASE_URL: postgresUrl.optional(), DATABASE_URL: postgresUrl.optional() }, env);
  if (e.GUARD_DATABASE_URL) return { url: e.GUARD_DATABASE_URL };
  const base = e.DATABASE_URL ? new URL(e.DATABASE_URL) : undefined;
  if (!base || base.password) {
    throw new ConfigError(`guard database: GUARD_DATABASE_URL is required (a postgres:// URL for the ${GUARD_ROLE} role)${base ? "; it is not derived from a DATABASE_URL that has a password" : ""}`);
  }
  base.username = GUARD_ROLE;
  return { url: base.toString() };
}

/** The role the worker connects as (docs/adr/0024-worker-database-role.md). */
export const WORKER_ROLE = "holdfast_worker";

/**
 * The worker's own database credential (docs/adr/0024-worker-database-role.md): the application
 * role's grants plus the catalogue's history (snapshots, items, item versions, run issues), which
 * the console's role can only read. WORKER_DATABASE_URL; without it, DATABASE_URL with the user
 * swapped for holdfast_worker, only when that URL carries no password (local trust auth).
 */
export function workerDbConfig(env?: Env): DbConfig {
  const e = parse("worker database", { WORKER_DATABASE_URL: postgresUrl.optional(), ...DbEnv, DATABASE_URL: postgresUrl.optional() }, env);
  if (e.WORKER_DATABASE_URL) return { url: e.WORKER_DATABASE_URL, poolMax: e.DATABASE_POOL_MAX };
  const base = e.DATABASE_URL ? new URL(e.DATABASE_URL) : undefined;
  if (!base || base.password) {
    throw new ConfigError(`worker database: WORKER_DATABASE_URL is required (a postgres:// URL for the ${WORKER_ROLE} role)${base ? "; it is not derived from a DATABASE_URL that has a password" : ""}`);
  }
  base.username = WORKER_ROLE;
  return { url: base.toString(), poolMax: e.DATABASE_POOL_MAX };
}

export function migrationConfig(env?: Env): { url: string } {
  const e = parse("migration", { DATABASE_MIGRATION_URL: postgresUrl }, env);
  return { url: e.DATABASE_MIGRATION_URL };
}

export function temporalConfig(env?: Env): { address: string; namespace: string; taskQueue: string } {
  const e = parse("temporal", {
    TEMPORAL_ADDRESS: z.string().min(1).default("127.0.0.1:7233"),
    TEMPORAL_NAMESPACE: z.string().min(1).default("default"),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default("holdfast-main"),
  }, env);
  return { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE, taskQueue: e.TEMPORAL_TASK_QUEUE };
}

export function authConfig(env?: Env): { secret: string; url: string; kek: Buffer } {
  const e = parse("auth", {
    NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters"),
    NEXTAUTH_URL: z.string().url().default("http://localhost:3000"),
    HOLDFAST_KEK: base64Key32,
  }, env);
  return { secret: e.NEXTAUTH_SECRET, url: e.NEXTAUTH_URL, kek: Buffer.from(e.HOLDFAST_KEK, "base64") };
}

/** The key-encryption key that seals secrets at rest (TOTP seeds, OAuth tokens, vault keys). */
export function kekConfig(env?: Env): { kek: Buffer } {
  const e = parse("secrets", { HOLDFAST_KEK: base64Key32 }, env);
  return { kek: Buffer.from(e.HOLDFAST_KEK, "base64") };
}

export function loggerConfig(env?: Env): { level: string; pretty: boolean } {
  const e = parse("logger", {
    LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
    LOG_PRETTY: z.enum(["0", "1"]).optional(),
    NODE_ENV: z.string().default("development"),
  }, env);
  return { level: e.LOG_LEVEL, pretty: e.LOG_PRETTY ? e.LOG_PRETTY === "1" : e.NODE_ENV === "development" };
}

export function workerConfig(env?: Env): { healthPort: number } {
  const e = parse("worker", { WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(3001) }, env);
  return { healthPort: e.WORKER_HEALTH_PORT };
}

/**
 * The provider emulators (apps/sandbox). Loopback by default: its control API has no auth and
 * relies on only local callers reaching it.
 */
export function sandboxConfig(env?: Env): { host: string; port: number } {
  const e = parse("sandbox", {
    SANDBOX_HOST: z.string().min(1).default("127.0.0.1"),
    SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(4010),
  }, env);
  return { host: e.SANDBOX_HOST, port: e.SANDBOX_PORT };
}

/**
 * Where the connectors reach the providers. `real` (the default in production) uses Google's and
 * Microsoft's public endpoints; `sandbox` (the default elsewhere) points every provider at
 * apps/sandbox — Graph through its HTTPS listener (SANDBOX_PORT + 1), whose self-signed
 * certificate the worker then trusts for those calls only.
 */
export function providersConfig(env: Env = process.env): {
  mode: "real" | "sandbox";
  google: { rootUrl: string; tokenUrl: string };
  microsoft: { authorityHost: string; graphBaseUrl: string };
  /** The sandbox's base URL in sandbox mode (its control API serves the TLS certificate). */
  sandboxUrl?: string;
} {
  const e = parse("providers", {
    HOLDFAST_PROVIDERS: z.enum(["real", "sandbox"]).optional(),
    SANDBOX_URL: z.string().url().optional(),
  }, env);
  const mode = e.HOLDFAST_PROVIDERS ?? (isProduction(env) ? "real" : "sandbox");
  if (mode === "real") {
    return {
      mode,
      google: { rootUrl: "https://www.googleapis.com/", tokenUrl: "https://oauth2.googleapis.com/token" },
      microsoft: { authorityHost: "https://login.microsoftonline.com", graphBaseUrl: "https://graph.microsoft.com" },
    };
  }
  const sb = sandboxConfig(env);
  const base = (e.SANDBOX_URL ?? `http://${sb.host}:${sb.port}`).replace(/\/+$/, "");
  const u = new URL(base);
  const httpsPort = Number(u.port || "80") + 1;
  return {
    mode,
    sandboxUrl: base,
    google: { rootUrl: `${base}/`, tokenUrl: `${base}/google/token` },
    microsoft: { authorityHost: `${base}/microsoft`, graphBaseUrl: `https://${u.hostname}:${httpsPort}/microsoft/graph` },
  };
}

/** Test-only settings; integration suites create their own databases under this server. */
export function testConfig(env?: Env): { databaseUrl: string; temporalAddress: string; temporalCliPath?: string } {
  const e = parse("test", {
    TEST_DATABASE_URL: postgresUrl.default("postgres://postgres@127.0.0.1:5432/postgres"),
    TEMPORAL_ADDRESS: z.string().default("127.0.0.1:7233"),
    TEMPORAL_CLI_PATH: z.string().optional(),
  }, env);
  return { databaseUrl: e.TEST_DATABASE_URL, temporalAddress: e.TEMPORAL_ADDRESS, temporalCliPath: e.TEMPORAL_CLI_PATH };
}

/**
 * Outgoing mail (notifications to admins and guardians). SMTP_URL is required in production; elsewhere
 * it defaults to the local stack's mailpit sink, which keeps every message on this machine
 * (docs/adr/0019). Credentials and TLS ride in the URL: smtps://user:pass@host:465.
 */
export function mailConfig(env: Env = process.env): { smtpUrl: string; from: string } {
  const smtpUrl = z
    .string()
    .min(1)
    .refine((v) => /^smtps?:\/\/[^/\s]+/.test(v) && URL.canParse(v), "must be an smtp:// or smtps:// URL");
  const e = parse("mail", {
    SMTP_URL: isProduction(env) ? smtpUrl : smtpUrl.default("smtp://127.0.0.1:1025"),
    HOLDFAST_MAIL_FROM: z
      .string()
      .min(1)
      .regex(/^(?:[^<>]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/, "must be an address like Name <user@example.com>")
      .default("Holdfast <no-reply@holdfast.local>"),
  }, env);
  return { smtpUrl: e.SMTP_URL, from: e.HOLDFAST_MAIL_FROM };
}

/**
 * Webhook endpoints (ADR 0022): plain http and loopback/private receivers are for the local stack
 * and tests only; production leaves both unset, so endpoints are HTTPS on public addresses.
 */
export function webhooksConfig(env?: Env): { allowHttp: boolean; allowPrivate: boolean } {
  const flag = z.enum(["0", "1"], { error: 'must be "0" or "1"' }).optional();
  const e = parse("webhooks", { WEBHOOK_ALLOW_HTTP: flag, WEBHOOK_ALLOW_PRIVATE: flag }, env);
  return { allowHttp: e.WEBHOOK_ALLOW_HTTP === "1", allowPrivate: e.WEBHOOK_ALLOW_PRIVATE === "1" };
}

export function isProduction(env: Env = process.env): boolean {
  return env.NODE_ENV === "production";
}

/**
 * The S3-compatible vault endpoint and its credentials. The local versitygw's root credentials
 * are assumed only for a loopback endpoint; any other endpoint must come with its own.
 * VAULT_S3_ACCESS_KEY / VAULT_S3_SECRET_KEY are accepted as aliases of the AWS-style names.
 */
export function vaultConfig(env: Env = process.env): { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string } {
  const e = parse("vault", {
    VAULT_S3_ENDPOINT: z.string().url().default("http://127.0.0.1:7070"),
    VAULT_S3_REGION: z.string().min(1).default("us-east-1"),
    VAULT_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    VAULT_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    VAULT_S3_ACCESS_KEY: z.string().min(1).optional(),
    VAULT_S3_SECRET_KEY: z.string().min(1).optional(),
  }, env);
  const local = ["127.0.0.1", "localhost", "[::1]"].includes(new URL(e.VAULT_S3_ENDPOINT).hostname);
  const accessKeyId = e.VAULT_S3_ACCESS_KEY_ID ?? e.VAULT_S3_ACCESS_KEY ?? (local ? "holdfast-root" : undefined);
  const secretAccessKey = e.VAULT_S3_SECRET_ACCESS_KEY ?? e.VAULT_S3_SECRET_KEY ?? (local ? "holdfast-root-secret" : undefined);
  if (!accessKeyId || !secretAccessKey) {
    const missing = [accessKeyId ? null : "VAULT_S3_ACCESS_KEY_ID", secretAccessKey ? null : "VAULT_S3_SECRET_ACCESS_KEY"].filter((k): k is string => k !== null);
    throw new ConfigError(`Invalid vault configuration: ${missing.map((k) => `${k} is not set`).join("; ")}`);
  }
  return { endpoint: e.VAULT_S3_ENDPOINT, region: e.VAULT_S3_REGION, accessKeyId, secretAccessKey };
}

/** Everything the web app needs before it serves a request; throws one ConfigError naming each problem. */
export function webConfig(env: Env = process.env) {
  const problems: string[] = [];
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof ConfigError) problems.push(err.message);
      else throw err;
      return undefined;
    }
  };
  const db = attempt(() => dbConfig(env));
  const auth = attempt(() => authConfig(env));
  const temporal = attempt(() => temporalConfig(env));
  const vault = attempt(() => vaultConfig(env));
  if (!db || !auth || !temporal || !vault) throw new ConfigError(problems.join("\n"));
  return { db, auth, temporal, vault };
}

/**
 * Holdfast's own provider apps, used for onboarding: the Google OAuth client an admin consents
 * to (its id token proves who approved the source) and the Microsoft app registration admins
 * grant consent to (the worker's client-credentials identity). In sandbox mode they default to
 * the sandbox's built-in development clients; in real mode every id and secret must be set.
 */
export function providerAppsConfig(env: Env = process.env): {
  google: { clientId: string; clientSecret: string; authorizeUrl: string; tokenUrl: string; certsUrl: string; issuers: string[]; rootUrl: string };
  microsoft: { clientId: string; clientSecret: string; authorityHost: string; graphBaseUrl: string };
  sandboxUrl?: string;
} {
  const providers = providersConfig(env);
  const sandbox = providers.mode === "sandbox";
  const optional = z.string().min(1).optional();
  const e = parse("provider apps", {
    HOLDFAST_GOOGLE_CLIENT_ID: sandbox ? optional : z.string().min(1),
    HOLDFAST_GOOGLE_CLIENT_SECRET: sandbox ? optional : z.string().min(1),
    HOLDFAST_MICROSOFT_CLIENT_ID: sandbox ? optional : z.string().min(1),
    HOLDFAST_MICROSOFT_CLIENT_SECRET: sandbox ? optional : z.string().min(1),
  }, env);
  const google = providers.sandboxUrl
    ? {
        authorizeUrl: `${providers.sandboxUrl}/google/o/oauth2/v2/auth`,
        certsUrl: `${providers.sandboxUrl}/google/oauth2/v1/certs`,
        issuers: [`${providers.sandboxUrl}/google`],
      }
    : { authorizeUrl: "https://accounts.google.com/o/oauth2/v2/auth", certsUrl: "https://www.googleapis.com/oauth2/v1/certs", issuers: ["accounts.google.com", "https://accounts.google.com"] };
  return {
    google: {
      clientId: e.HOLDFAST_GOOGLE_CLIENT_ID ?? "holdfast-dev.apps.googleusercontent.com",
      clientSecret: e.HOLDFAST_GOOGLE_CLIENT_SECRET ?? "sandbox-dev-secret",
      tokenUrl: providers.google.tokenUrl,
      rootUrl: providers.google.rootUrl,
      ...google,
    },
    microsoft: {
      clientId: e.HOLDFAST_MICROSOFT_CLIENT_ID ?? "5a0b1d3e-7c2f-4e6a-9b1d-0d0e5a7c3f21",
      clientSecret: e.HOLDFAST_MICROSOFT_CLIENT_SECRET ?? "sandbox-dev-secret",
      authorityHost: providers.microsoft.authorityHost,
      graphBaseUrl: providers.microsoft.graphBaseUrl,
    },
    ...(providers.sandboxUrl ? { sandboxUrl: providers.sandboxUrl } : {}),
  };
}

/**
 * The exports store: a bucket of its own (not object-locked: archives are temporary copies) on the
 * vault's S3 server. Its endpoint and credentials are the vault's for now (docs/adr/0013);
 * HOLDFAST_EXPORTS_ACCESS_KEY_ID / _SECRET_ACCESS_KEY give it an identity of its own.
 */
export function exportsConfig(env: Env = process.env): { bucket: string; ttlDays: number; endpoint: string; region: string; accessKeyId: string; secretAccessKey: string } {
  const e = parse("exports", {
    HOLDFAST_EXPORTS_BUCKET: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name")
      .default("holdfast-exports"),
    HOLDFAST_EXPORTS_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(7),
    HOLDFAST_EXPORTS_ACCESS_KEY_ID: z.string().min(1).optional(),
    HOLDFAST_EXPORTS_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  }, env);
  const vault = vaultConfig(env);
  const own = e.HOLDFAST_EXPORTS_ACCESS_KEY_ID && e.HOLDFAST_EXPORTS_SECRET_ACCESS_KEY;
  return {
    bucket: e.HOLDFAST_EXPORTS_BUCKET,
    ttlDays: e.HOLDFAST_EXPORTS_TTL_DAYS,
    endpoint: vault.endpoint,
    region: vault.region,
    accessKeyId: own ? (e.HOLDFAST_EXPORTS_ACCESS_KEY_ID as string) : vault.accessKeyId,
    secretAccessKey: own ? (e.HOLDFAST_EXPORTS_SECRET_ACCESS_KEY as string) : vault.secretAccessKey,
  };
}

/**
 * "Sign in with Google / Microsoft": the OpenID Connect discovery documents and Holdfast's apps
 * there, the same apps the onboarding consent uses (providerAppsConfig). Microsoft signs people in
 * through the `organizations` endpoint (work accounts of any tenant, never personal ones). In
 * sandbox mode both point at apps/sandbox and its development clients; in real mode a provider is
 * offered only when its client id and secret are set, so a deployment without one still signs
 * people in with a password.
 */
export function signInProvidersConfig(env: Env = process.env): {
  google?: { wellKnown: string; clientId: string; clientSecret: string };
  microsoft?: { wellKnown: string; clientId: string; clientSecret: string };
} {
  const providers = providersConfig(env);
  if (providers.sandboxUrl) {
    const apps = providerAppsConfig(env);
    return {
      google: { wellKnown: `${providers.sandboxUrl}/google/.well-known/openid-configuration`, clientId: apps.google.clientId, clientSecret: apps.google.clientSecret },
      microsoft: { wellKnown: `${providers.sandboxUrl}/microsoft/organizations/v2.0/.well-known/openid-configuration`, clientId: apps.microsoft.clientId, clientSecret: apps.microsoft.clientSecret },
    };
  }
  const optional = z.string().min(1).optional();
  const e = parse("sign-in providers", {
    HOLDFAST_GOOGLE_CLIENT_ID: optional,
    HOLDFAST_GOOGLE_CLIENT_SECRET: optional,
    HOLDFAST_MICROSOFT_CLIENT_ID: optional,
    HOLDFAST_MICROSOFT_CLIENT_SECRET: optional,
  }, env);
  const pair = (idKey: string, id: string | undefined, secretKey: string, secret: string | undefined) => {
    if (id && secret) return { clientId: id, clientSecret: secret };
    if (id || secret) throw new ConfigError(`Invalid sign-in providers configuration: ${id ? secretKey : idKey} is not set`);
    return undefined;
  };
  const google = pair("HOLDFAST_GOOGLE_CLIENT_ID", e.HOLDFAST_GOOGLE_CLIENT_ID, "HOLDFAST_GOOGLE_CLIENT_SECRET", e.HOLDFAST_GOOGLE_CLIENT_SECRET);
  const microsoft = pair("HOLDFAST_MICROSOFT_CLIENT_ID", e.HOLDFAST_MICROSOFT_CLIENT_ID, "HOLDFAST_MICROSOFT_CLIENT_SECRET", e.HOLDFAST_MICROSOFT_CLIENT_SECRET);
  return {
    ...(google ? { google: { wellKnown: "https://accounts.google.com/.well-known/openid-configuration", ...google } } : {}),
    // openid-client recognises this discovery URL and checks each ID token's issuer against its own tenant.
    ...(microsoft ? { microsoft: { wellKnown: "https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration", ...microsoft } } : {}),
  };
}
