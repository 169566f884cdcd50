// Workspace commands run by dev.ts / test.ts: `pnpm --filter <pkg> <script>` with prefixed output.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { inheritedEnv } from "./env.js";
import { say } from "./log.js";
import { repoRoot } from "./paths.js";

/** Whether a workspace package (by folder) defines a script: it may not be written yet. */
export function hasScript(dir: string, script: string): boolean {
  try {
    const pkg = JSON.parse(readFileSync(join(repoRoot, dir, "package.json"), "utf8")) as { scripts?: Record<string, string> };
    return typeof pkg.scripts?.[script] === "string";
  } catch {
    return false;
  }
}

export interface RunOptions {
  name: string;
  args: string[];
  env: Record<string, string>;
  /** Own process group so a stop reaches pnpm's grandchildren (next, tsx). */
  detached?: boolean;
}

export function spawnPrefixed({ name, args, env, detached = false }: RunOptions): ChildProcess {
  const child = spawn("pnpm", args, { cwd: repoRoot, env: { ...inheritedEnv(), ...env }, detached, stdio: ["ignore", "pipe", "pipe"] });
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on("line", (line) => say(name, line));
  }
  return child;
}

export function exitCode(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once("error", () => resolve(127));
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
