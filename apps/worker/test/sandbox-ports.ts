// The worker's real backup/restore ports pointed at an in-process sandbox: every provider at its
// HTTP URL, Graph at its HTTPS listener (an in-process sandbox listens for HTTPS on a port of its
// own, not SANDBOX_PORT + 1), trusting the sandbox's self-signed certificate for Graph only.
import { providersConfig } from "@holdfast/config";
import type { Database } from "@holdfast/db";
import type { Sandbox } from "@holdfast/sandbox";
import { createBackupPorts, type BackupPortsOptions, type ClosableBackupPorts } from "../src/backup-ports";

export function sandboxBackupPorts(db: Database, sandbox: Sandbox, url: string, opts: { workerId: string } & Omit<BackupPortsOptions, "db" | "workerId" | "providers" | "graphCa">): ClosableBackupPorts {
  const httpsUrl = sandbox.httpsUrl;
  if (!httpsUrl || !sandbox.tls) throw new Error("the sandbox has no HTTPS listener (is openssl installed?)");
  const providers = providersConfig({ HOLDFAST_PROVIDERS: "sandbox", SANDBOX_URL: url });
  return createBackupPorts({
    ...opts,
    db,
    providers: { ...providers, microsoft: { ...providers.microsoft, graphBaseUrl: `${httpsUrl}/microsoft/graph` } },
    graphCa: sandbox.tls.cert,
  });
}
