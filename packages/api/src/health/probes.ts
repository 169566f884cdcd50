// One probe per dependency. Each resolves when the dependency answers and rejects otherwise;
// checkHealth() adds the timing, the timeout and the redaction.
import { Connection } from "@temporalio/client";
import { sql, type Database } from "@holdfast/db";

export type Probe = (signal: AbortSignal) => Promise<void>;

export function dbProbe(db: Database): Probe {
  return async () => {
    await db.execute(sql`select 1`);
  };
}

/** Connects, asks the frontend for its system info, and hangs up. */
export function temporalProbe(opts: { address: string; timeoutMs: number }): Probe {
  return async () => {
    const connection = await Connection.connect({ address: opts.address, connectTimeout: opts.timeoutMs });
    try {
      await connection.withDeadline(Date.now() + opts.timeoutMs, () => connection.workflowService.getSystemInfo({}));
    } finally {
      await connection.close();
    }
  };
}

/** Any HTTP answer (an unsigned request gets 403 from S3) means the endpoint is up. */
export function vaultProbe(opts: { endpoint: string }): Probe {
  return async (signal) => {
    const res = await fetch(opts.endpoint, { method: "HEAD", signal, redirect: "manual" });
    await res.body?.cancel();
  };
}
