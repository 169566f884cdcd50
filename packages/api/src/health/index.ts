// Liveness of what the web app depends on, for /api/health and the local stack's readiness checks.
import type { Database } from "@holdfast/db";
import { DEFAULT_HEALTH_TIMEOUT_MS, runHealthChecks, type HealthReport } from "./check";
import { dbProbe, temporalProbe, vaultProbe } from "./probes";

export { downComponents, redactError, runHealthChecks, DEFAULT_HEALTH_TIMEOUT_MS, type ComponentHealth, type HealthComponent, type HealthReport } from "./check";
export { dbProbe, temporalProbe, vaultProbe, type Probe } from "./probes";

export interface HealthDeps {
  db: Database;
  temporal: { address: string };
  vault: { endpoint: string };
  timeoutMs?: number;
}

export function checkHealth(deps: HealthDeps): Promise<HealthReport> {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS;
  return runHealthChecks(
    { db: dbProbe(deps.db), temporal: temporalProbe({ address: deps.temporal.address, timeoutMs }), vault: vaultProbe({ endpoint: deps.vault.endpoint }) },
    { timeoutMs },
  );
}
