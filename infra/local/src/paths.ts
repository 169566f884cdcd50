import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// src/ → infra/local → infra → repo root; independent of the caller's cwd.
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url)).replace(/\/$/, "");
export const dataDir = join(repoRoot, ".data");
export const logDir = join(dataDir, "logs");
export const runDir = join(dataDir, "run");
export const toolsBin = join(repoRoot, ".tools", "bin");

export const logFile = (name: string) => join(logDir, `${name}.log`);
export const pidFile = (name: string) => join(runDir, `${name}.pid.json`);
export const tool = (name: string) => join(toolsBin, name);

export function ensureDataDirs(): void {
  for (const dir of [dataDir, logDir, runDir]) mkdirSync(dir, { recursive: true });
}
