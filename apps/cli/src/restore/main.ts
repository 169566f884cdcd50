#!/usr/bin/env -S npx tsx
// Entry point: `pnpm holdfast-restore …` from the repository root, or the `holdfast-restore` bin.
// The one file here that reads the environment: it hands run() only the variables it documents.
import { createInterface } from "node:readline";
import { readAuditObjects } from "./audit-bucket";
import { run } from "./program";
import { openVault } from "./vault";

const ENV_NAMES = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_ENDPOINT_URL",
  "AWS_ENDPOINT_URL_S3",
  "HOLDFAST_VAULT_ENDPOINT",
  "HOLDFAST_VAULT_BUCKET",
  "HOLDFAST_RECOVERY_KEY",
] as const;

/** Reads a line from the terminal without echoing it (the recovery key is a secret). */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const out = rl as unknown as { _writeToOutput: (s: string) => void };
    process.stderr.write(question);
    out._writeToOutput = () => undefined;
    rl.question("", (answer) => {
      rl.close();
      process.stderr.write("\n");
      resolve(answer);
    });
  });
}

// The SDK's notice about future Node versions is noise to someone restoring their data.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

process.exitCode = await run(process.argv.slice(2), {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  env: Object.fromEntries(ENV_NAMES.map((name) => [name, process.env[name]])),
  prompt: process.stdin.isTTY ? promptHidden : undefined,
  openVault,
  readAuditObjects,
});
