// versitygw over a plain directory: an S3 endpoint whose versioning directory gives us Object
// Lock (compliance/governance retention, legal hold), which the vault's immutability relies on.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { HOST, PORTS, VAULT_ROOT } from "../defaults.js";
import { httpAnswers } from "../health.js";
import { dataDir, tool } from "../paths.js";
import type { LocalService } from "./types.js";

const endpoint = `http://${HOST}:${PORTS.vault}`;
const root = join(dataDir, "s3");
const versions = join(dataDir, "s3-versions");
// The internal IAM service holds the vault's writer/reader/gc accounts (docs/adr/0005).
const iam = join(dataDir, "s3-iam");

export const vault: LocalService = {
  name: "vault",
  address: endpoint,
  // Any S3 answer counts (an unsigned request gets 403 AccessDenied).
  healthy: () => httpAnswers(`${endpoint}/`),
  prepare: () => {
    for (const dir of [root, versions, iam]) mkdirSync(dir, { recursive: true });
    return Promise.resolve();
  },
  launch: () => ({
    name: "vault",
    command: tool("versitygw"),
    args: ["--port", `${HOST}:${PORTS.vault}`, "--quiet", "--iam-dir", iam, "posix", "--versioning-dir", versions, root],
    // Through the environment rather than argv, so they do not show up in `ps`.
    env: { ROOT_ACCESS_KEY_ID: VAULT_ROOT.accessKeyId, ROOT_SECRET_ACCESS_KEY: VAULT_ROOT.secretAccessKey },
  }),
  startTimeoutMs: 20_000,
};
