// Helpers for specs that act as a partner's script: only HTTP, against the run's console
// (/api/v1) and the run's sandbox (its control API stands for the customer's provider admin).
import { createHash } from "node:crypto";
import { expect, type APIRequestContext } from "@playwright/test";
import { bearer } from "./tenants";

export const sha256 = (b: Uint8Array | string) => createHash("sha256").update(b).digest("hex");

export type Json = Record<string, unknown>;

/** The sandbox's control API (loopback only): seeds tenants, mutates them, answers ground truth. */
export async function control<T>(request: APIRequestContext, sandboxUrl: string, method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
  const res = await request.fetch(`${sandboxUrl}${path}`, { method, ...(body === undefined ? {} : { data: body }) });
  if (res.status() >= 300) throw new Error(`sandbox ${method} ${path}: ${res.status()} ${await res.text()}`);
  return (await res.json()) as T;
}

export interface JobView {
  id: string;
  kind: string;
  status: string;
  progress: { itemsDone: number; itemsTotal?: number | null; bytesDone: number };
  warnings: { code: string; message: string }[];
  warningCount: number;
  summary?: unknown;
}

const TERMINAL = new Set(["completed", "completed_with_warnings", "completed_with_errors", "failed", "cancelled"]);

/** Follows GET /jobs/{id} until the job ends; returns every distinct view seen on the way. */
export async function followJob(request: APIRequestContext, key: string, jobId: string, timeoutMs = 60_000): Promise<{ final: JobView; seen: JobView[] }> {
  const seen: JobView[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await request.get(`/api/v1/jobs/${jobId}`, { headers: bearer(key) });
    expect(res.status(), `GET /jobs/${jobId}: ${await res.text()}`).toBe(200);
    const job = (await res.json()) as JobView;
    const last = seen.at(-1);
    if (!last || last.status !== job.status || last.progress.itemsDone !== job.progress.itemsDone) seen.push(job);
    if (TERMINAL.has(job.status)) return { final: job, seen };
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.status} after ${timeoutMs / 1000} s: ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/**
 * The messages of an mboxrd archive (RFC 4155, as packages/exports writes it): records start at
 * `From ` lines, `>From ` quoting is undone, and the separator's blank line is dropped. A message
 * that had no final newline gained one; both forms are returned so the caller can match either.
 */
export function mboxMessages(archive: Buffer): { exact: Buffer; withoutAddedNewline: Buffer }[] {
  const text = archive.toString("latin1");
  const starts: number[] = [];
  for (let i = text.indexOf("From "); i !== -1; i = text.indexOf("\nFrom ", i + 1)) starts.push(i === 0 || text[i] !== "\n" ? i : i + 1);
  return starts.map((start, n) => {
    const end = n + 1 < starts.length ? (starts[n + 1] as number) : text.length;
    const record = text.slice(text.indexOf("\n", start) + 1, end);
    // The record ends with the message's own last newline and then the blank separator line.
    const body = record.endsWith("\n") ? record.slice(0, -1) : record;
    const unquoted = body.replace(/^>(>*From )/gm, "$1");
    const exact = Buffer.from(unquoted, "latin1");
    return { exact, withoutAddedNewline: unquoted.endsWith("\n") ? Buffer.from(unquoted.slice(0, -1), "latin1") : exact };
  });
}
