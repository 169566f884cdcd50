// The config boundary of @holdfast/local-stack: the only file that reads process.env.
// Every variable here *overrides* a local service; unset (or empty) means "start our own".
import { z } from "zod";

const unsetIfEmpty = (v: unknown) => (v === "" ? undefined : v);
const optional = <T extends z.ZodType>(t: T) => z.preprocess(unsetIfEmpty, t.optional());
const postgresUrl = z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL");
const flag = z.preprocess(unsetIfEmpty, z.string().optional()).transform((v) => v !== undefined && v !== "0" && v !== "false");

export const StackEnv = z.object({
  DATABASE_URL: optional(postgresUrl),
  TEMPORAL_ADDRESS: optional(z.string().regex(/^[^:/\s]+:\d+$/, "must be host:port")),
  VAULT_S3_ENDPOINT: optional(z.string().url()),
  VAULT_S3_ACCESS_KEY_ID: optional(z.string()),
  VAULT_S3_SECRET_ACCESS_KEY: optional(z.string()),
  // Short aliases @holdfast/config also accepts.
  VAULT_S3_ACCESS_KEY: optional(z.string()),
  VAULT_S3_SECRET_KEY: optional(z.string()),
  VAULT_S3_REGION: optional(z.string()),
  STRIPE_API_BASE: optional(z.string().url()),
  STRIPE_SECRET_KEY: optional(z.string()),
  // An SMTP server of your own replaces mailpit; MAIL_API_URL is then wherever tests can read
  // the mail back (a mailpit-compatible API), if anywhere.
  SMTP_URL: optional(z.string().regex(/^smtps?:\/\/[^/\s]+/, "must be an smtp:// or smtps:// URL")),
  MAIL_API_URL: optional(z.string().url()),
  // App secrets: dev.ts fills dev-only values for whichever of these is unset.
  AUTH_SECRET: optional(z.string().min(32)),
  NEXTAUTH_SECRET: optional(z.string().min(32)),
  NEXTAUTH_URL: optional(z.string().url()),
  HOLDFAST_KEK: optional(z.string()),
  CI: flag,
  NO_COLOR: flag,
});
export type StackEnv = z.infer<typeof StackEnv>;

let cached: StackEnv | undefined;

export function parseStackEnv(env: Record<string, string | undefined>): StackEnv {
  const result = StackEnv.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid local stack configuration: ${problems}`);
  }
  return result.data;
}

/** Parsed once; a malformed override fails with a message naming the variable. */
export function stackEnv(): StackEnv {
  // eslint-disable-next-line no-restricted-properties -- this file is the package's config boundary
  cached ??= parseStackEnv(process.env);
  return cached;
}

/** The environment child processes inherit (PATH, HOME, …) before we add our own variables. */
export function inheritedEnv(): Record<string, string | undefined> {
  // eslint-disable-next-line no-restricted-properties -- children need the caller's PATH etc.
  return { ...process.env };
}
