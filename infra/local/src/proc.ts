// Spawning, tracking and stopping the stack's server processes. Every server gets its own
// process group (detached) so a terminal Ctrl-C reaches only the orchestrator, which then stops
// things in order, and so a stop can take down a server's helpers with it.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, createWriteStream, existsSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { createInterface } from "node:readline";
import { sleep } from "./health.js";
import { inheritedEnv } from "./env.js";
import { logFile, pidFile } from "./paths.js";

export interface PidRecord {
  pid: number;
  name: string;
  command: string;
  startedAt: string;
  /** A foreground server dies with the process that started it (pnpm dev). */
  foreground: boolean;
  stopSignal: NodeJS.Signals;
}

export interface LaunchSpec {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: Record<string, string>;
  /** Run as another user (postgres refuses to run as root). */
  uid?: number;
  gid?: number;
  stopSignal?: NodeJS.Signals;
  foreground: boolean;
  /** Foreground only: every output line, for prefixed console echo. */
  onLine?: (line: string) => void;
}

export function readPid(name: string): PidRecord | undefined {
  try {
    return JSON.parse(readFileSync(pidFile(name), "utf8")) as PidRecord;
  } catch {
    return undefined;
  }
}

export function removePid(name: string): void {
  rmSync(pidFile(name), { force: true });
}

/** Alive and not a zombie (a zombie still answers kill(pid, 0)). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return existsSync(`/proc/${pid}`);
  }
}

/** Guards against a stale pid file whose pid now belongs to something else (after a reboot). */
export function isOurs(rec: PidRecord): boolean {
  if (!isAlive(rec.pid)) return false;
  try {
    const argv0 = readFileSync(`/proc/${rec.pid}/cmdline`, "utf8").split("\0")[0] ?? "";
    return argv0 === rec.command || argv0.endsWith(`/${basename(rec.command)}`) || argv0 === basename(rec.command);
  } catch {
    return true;
  }
}

export function launch(spec: LaunchSpec): ChildProcess {
  const env = { ...inheritedEnv(), ...spec.env };
  const log = logFile(spec.name);
  let child: ChildProcess;
  if (spec.foreground) {
    child = spawn(spec.command, spec.args, { cwd: spec.cwd, env, uid: spec.uid, gid: spec.gid, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const out = createWriteStream(log, { flags: "a" });
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on("line", (line) => {
        out.write(`${line}\n`);
        spec.onLine?.(line);
      });
    }
    child.once("exit", () => out.end());
  } else {
    const fd = openSync(log, "a");
    child = spawn(spec.command, spec.args, { cwd: spec.cwd, env, uid: spec.uid, gid: spec.gid, detached: true, stdio: ["ignore", fd, fd] });
    closeSync(fd);
    child.unref();
  }
  if (child.pid === undefined) throw new Error(`could not start ${spec.command} (see ${log})`);
  const record: PidRecord = {
    pid: child.pid,
    name: spec.name,
    command: spec.command,
    startedAt: new Date().toISOString(),
    foreground: spec.foreground,
    stopSignal: spec.stopSignal ?? "SIGTERM",
  };
  writeFileSync(pidFile(spec.name), `${JSON.stringify(record)}\n`);
  return child;
}

/**
 * Polite signal first, the whole process group with SIGKILL if it does not go in time.
 * `group` signals the whole group politely too (pnpm → sh → next would not pass it on).
 */
export async function stopPid(pid: number, signal: NodeJS.Signals = "SIGTERM", graceMs = 15_000, group = false): Promise<void> {
  if (!isAlive(pid)) return;
  try {
    process.kill(group ? -pid : pid, signal);
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return;
    await sleep(100);
  }
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, "SIGKILL");
    } catch {
      // already gone, or not a group leader
    }
  }
}

export function tailLog(name: string, lines = 15): string {
  try {
    return readFileSync(logFile(name), "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
