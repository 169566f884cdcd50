// Runs the offline holdfast-restore CLI as its own process, as a customer would: with only a vault
// identity's credentials (normally the reader's), the bucket and the recovery key in its environment,
// and a HOME of the test's own (nothing of the worker's environment leaks in).
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { vaultConfig } from "@holdfast/config";

const CLI_DIR = resolve(import.meta.dirname, "../../cli");

export interface RestoreConnection {
  bucket: string;
  reader: { accessKeyId: string; secretAccessKey: string };
  recoveryKey: string;
}

export function holdfastRestore(args: string[], conn: RestoreConnection, home: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const cliEnv = {
    PATH: process.env.PATH ?? "",
    HOME: home,
    AWS_ACCESS_KEY_ID: conn.reader.accessKeyId,
    AWS_SECRET_ACCESS_KEY: conn.reader.secretAccessKey,
    AWS_ENDPOINT_URL_S3: vaultConfig().endpoint,
    AWS_REGION: vaultConfig().region,
    HOLDFAST_VAULT_BUCKET: conn.bucket,
    HOLDFAST_RECOVERY_KEY: conn.recoveryKey,
  };
  return new Promise((done) => {
    execFile(process.execPath, ["--import", "tsx", "src/restore/main.ts", ...args], { cwd: CLI_DIR, env: cliEnv, timeout: 90_000 }, (err, stdout, stderr) =>
      done({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}
