// ensureStack(): make every requested service answer, reusing healthy ones, starting the rest.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { HOST, DEV_DATABASE, PORTS, VAULT_REGION, VAULT_ROOT } from "./defaults.js";
import { stackEnv } from "./env.js";
import { waitUntil } from "./health.js";
import { say } from "./log.js";
import { ensureDataDirs, logFile } from "./paths.js";
import { ensureDatabase, withDatabase } from "./pg-admin.js";
import { isAlive, isOurs, launch, readPid, removePid, stopPid, tailLog, type PidRecord } from "./proc.js";
import { mail, mailApiUrl } from "./services/mail.js";
import { pgDataDir, postgres, PRIVATE_PG_URL } from "./services/postgres.js";
import { stripe } from "./services/stripe.js";
import { ensureSystemPostgres } from "./services/system-postgres.js";
import { temporal } from "./services/temporal.js";
import { SERVICE_NAMES, type LocalService, type ServiceName } from "./services/types.js";
import { vault } from "./services/vault.js";

export const LOCAL_SERVICES: Record<ServiceName, LocalService> = { postgres, temporal, vault, stripe, mail };

export interface StackOptions {
  /** Which services must be answering; default all. */
  services?: readonly ServiceName[];
  /** Started servers die with this process (pnpm dev) instead of running on detached. */
  foreground?: boolean;
  /** "private": .data/pg on 5433 (dev). "system": Debian's cluster on 5432, else the private one. */
  postgres?: "private" | "system";
  /** Foreground output of started servers, line by line. */
  onLog?: (service: ServiceName, line: string) => void;
  /** A foreground server exited on its own after it was ready. */
  onExit?: (service: ServiceName, detail: string) => void;
}

export interface Stack {
  /** Superuser (owner) URL; the app URL is the same with user holdfast_app. */
  databaseUrl: string;
  temporalAddress: string;
  s3Endpoint: string;
  s3: { accessKeyId?: string; secretAccessKey?: string; region: string };
  stripeApiBase: string;
  /** Where apps send mail (SMTP_URL). */
  smtpUrl: string;
  /** mailpit's HTTP API, where tests read sent mail back; unset for an external SMTP without MAIL_API_URL. */
  mailApiUrl?: string;
  /** What this call started itself; stop() stops exactly these. */
  started: ServiceName[];
  stop(): Promise<void>;
}

/** The env variable that points a service elsewhere, and so switches the local one off. */
export function externalAddress(name: ServiceName): string | undefined {
  const env = stackEnv();
  return { postgres: env.DATABASE_URL, temporal: env.TEMPORAL_ADDRESS, vault: env.VAULT_S3_ENDPOINT, stripe: env.STRIPE_API_BASE, mail: env.SMTP_URL }[name];
}

/** A pid file can outlive a reboot; only trust it if that pid is still one of our servers. */
export function runningRecord(name: ServiceName): PidRecord | undefined {
  const rec = readPid(name);
  return rec && isOurs(rec) ? rec : undefined;
}

async function ensureService(svc: LocalService, opts: StackOptions): Promise<"reused" | "started"> {
  if (await svc.healthy()) return "reused";
  const running = runningRecord(svc.name);
  if (running) {
    // Someone else launched it and it is still coming up: wait rather than start a second one.
    say("stack", `${svc.name}: waiting for pid ${running.pid} to become ready`);
    await waitUntil(() => svc.healthy(), {
      label: svc.name,
      timeoutMs: svc.startTimeoutMs,
      gaveUp: () => (isAlive(running.pid) ? undefined : `pid ${running.pid} exited; ${logFile(svc.name)}:\n${tailLog(svc.name)}`),
    });
    return "reused";
  }
  removePid(svc.name);
  await svc.prepare?.();
  say("stack", `${svc.name}: starting (log: ${logFile(svc.name)})`);
  const child = launch({
    ...svc.launch(),
    foreground: opts.foreground ?? false,
    onLine: opts.onLog && ((line) => opts.onLog?.(svc.name, line)),
  });
  let exited: string | undefined;
  let ready = false;
  child.once("exit", (code, signal) => {
    exited = signal ? `killed by ${signal}` : `exited with code ${code}`;
    if (ready && !stopRequested) opts.onExit?.(svc.name, exited);
  });
  try {
    await waitUntil(() => svc.healthy(), {
      label: svc.name,
      timeoutMs: svc.startTimeoutMs,
      gaveUp: () => exited && `${exited}; last lines of ${logFile(svc.name)}:\n${tailLog(svc.name)}`,
    });
  } catch (err) {
    if (child.pid !== undefined) await stopPid(child.pid, "SIGKILL", 1000);
    removePid(svc.name);
    throw err;
  }
  ready = true;
  return "started";
}

/** Set once this process starts stopping its servers, so their exits are not reported as crashes. */
let stopRequested = false;

async function stopService(name: ServiceName): Promise<void> {
  const rec = runningRecord(name);
  if (rec) await stopPid(rec.pid, rec.stopSignal);
  else if (name === "postgres") await stopOrphanPostmaster();
  removePid(name);
}

/** Our private cluster can outlive its pid file; Postgres's own postmaster.pid still names it. */
async function stopOrphanPostmaster(): Promise<void> {
  try {
    const pid = Number(readFileSync(join(pgDataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    if (pid > 0 && isAlive(pid)) await stopPid(pid, "SIGINT");
  } catch {
    // no cluster running
  }
}

export async function ensureStack(opts: StackOptions = {}): Promise<Stack> {
  const env = stackEnv();
  const wanted = new Set(opts.services ?? SERVICE_NAMES);
  ensureDataDirs();

  let databaseUrl = env.DATABASE_URL ?? withDatabase(PRIVATE_PG_URL, DEV_DATABASE);
  let usePrivatePg = !env.DATABASE_URL;
  if (wanted.has("postgres") && !env.DATABASE_URL && opts.postgres === "system") {
    const system = await ensureSystemPostgres();
    if (system) {
      databaseUrl = system;
      usePrivatePg = false;
      say("stack", `postgres: using the system cluster on :${PORTS.systemPostgres}`);
    } else {
      say("stack", `postgres: system cluster on :${PORTS.systemPostgres} not reachable as postgres@${HOST}; using the private cluster on :${PORTS.postgres}`);
    }
  }

  const toEnsure = SERVICE_NAMES.filter((n) => wanted.has(n) && (n === "postgres" ? usePrivatePg : !externalAddress(n)));
  for (const n of SERVICE_NAMES) if (wanted.has(n) && externalAddress(n)) say("stack", `${n}: external (${n === "postgres" ? "DATABASE_URL" : externalAddress(n)})`);

  const started: ServiceName[] = [];
  const results = await Promise.allSettled(
    toEnsure.map(async (name) => {
      const outcome = await ensureService(LOCAL_SERVICES[name], opts);
      if (outcome === "started") started.push(name);
      say("stack", `${name}: ${outcome === "started" ? "ready" : "already running"} at ${LOCAL_SERVICES[name].address}`);
    }),
  );
  const failures = results.flatMap((r) => (r.status === "rejected" ? [r.reason as Error] : []));
  const stop = async () => {
    stopRequested = true;
    await Promise.all(started.map(stopService));
  };
  if (failures.length) {
    await stop();
    throw new Error(failures.map((e) => e.message).join("\n"));
  }
  if (toEnsure.includes("postgres")) await ensureDatabase(PRIVATE_PG_URL, DEV_DATABASE);

  const localVault = !env.VAULT_S3_ENDPOINT;
  return {
    databaseUrl,
    temporalAddress: env.TEMPORAL_ADDRESS ?? temporal.address,
    s3Endpoint: env.VAULT_S3_ENDPOINT ?? vault.address,
    s3: {
      accessKeyId: env.VAULT_S3_ACCESS_KEY_ID ?? env.VAULT_S3_ACCESS_KEY ?? (localVault ? VAULT_ROOT.accessKeyId : undefined),
      secretAccessKey: env.VAULT_S3_SECRET_ACCESS_KEY ?? env.VAULT_S3_SECRET_KEY ?? (localVault ? VAULT_ROOT.secretAccessKey : undefined),
      region: env.VAULT_S3_REGION ?? VAULT_REGION,
    },
    stripeApiBase: env.STRIPE_API_BASE ?? stripe.address,
    smtpUrl: env.SMTP_URL ?? mail.address,
    mailApiUrl: env.MAIL_API_URL ?? (env.SMTP_URL ? undefined : mailApiUrl),
    started,
    stop,
  };
}

/** `pnpm stack down`: stop every local server that has a live pid file, whoever started it. */
export async function stopStack(): Promise<ServiceName[]> {
  const stopped = SERVICE_NAMES.filter((n) => runningRecord(n));
  await Promise.all(SERVICE_NAMES.map(stopService));
  return stopped;
}
