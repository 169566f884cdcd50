import { createTemporalJobs, type JobsPort } from "@holdfast/api/jobs";
import { temporalConfig } from "@holdfast/config";

// One Temporal client per server process, connected on first use (kept across dev reloads).
const g = globalThis as typeof globalThis & { __holdfastWebJobs?: JobsPort };

export function jobs(): JobsPort {
  const cfg = temporalConfig();
  return (g.__holdfastWebJobs ??= createTemporalJobs({ address: cfg.address, namespace: cfg.namespace, taskQueue: cfg.taskQueue }));
}
