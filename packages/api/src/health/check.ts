import { type Probe } from "./probes";

export interface ComponentHealth {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

export type HealthComponent = "db" | "temporal" | "vault";

export interface HealthReport {
  status: "ok" | "degraded";
  checks: Record<HealthComponent, ComponentHealth>;
}

export const DEFAULT_HEALTH_TIMEOUT_MS = 2_000;

/** Drops credentials from URLs (`scheme://user:pass@host` → `scheme://host`) and keeps messages short. */
export function redactError(message: string): string {
  return message
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, "$1")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 200);
}

function describe(err: unknown, timeoutMs: number): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
    if (err.name === "TimeoutError" || err.name === "AbortError") return `no answer within ${timeoutMs} ms`;
    return redactError(`${typeof code === "string" ? `${code} ` : ""}${err.message}${cause}`);
  }
  return "unknown error";
}

async function run(probe: Probe, timeoutMs: number, now: () => number): Promise<ComponentHealth> {
  const started = now();
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(Object.assign(new Error("timed out"), { name: "TimeoutError" }));
    }, timeoutMs);
  });
  try {
    await Promise.race([probe(controller.signal), timeout]);
    return { ok: true, latencyMs: Math.round(now() - started) };
  } catch (err) {
    return { ok: false, latencyMs: Math.round(now() - started), error: describe(err, timeoutMs) };
  } finally {
    clearTimeout(timer);
  }
}

/** Probes every dependency in parallel; nothing here is cached and no address or secret is echoed. */
export async function runHealthChecks(probes: Record<HealthComponent, Probe>, opts: { timeoutMs?: number; now?: () => number } = {}): Promise<HealthReport> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS;
  const now = opts.now ?? (() => performance.now());
  const [db, temporal, vault] = await Promise.all([run(probes.db, timeoutMs, now), run(probes.temporal, timeoutMs, now), run(probes.vault, timeoutMs, now)]);
  const checks = { db, temporal, vault };
  return { status: db.ok && temporal.ok && vault.ok ? "ok" : "degraded", checks };
}

export function downComponents(report: HealthReport): HealthComponent[] {
  return (Object.keys(report.checks) as HealthComponent[]).filter((k) => !report.checks[k].ok);
}
