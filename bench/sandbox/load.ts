// A small closed-loop HTTP load generator: `concurrency` keep-alive connections, each sending its
// next request as soon as the previous response has been read, for a fixed duration. node:http
// rather than a package so the benchmark needs nothing beyond Node. https targets (the sandbox's
// HTTPS listener) trust the certificate given in `ca`; keep-alive reuses each TLS session.
import { Agent, request } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

export interface LoadTarget {
  url: string;
  headers?: Record<string, string>;
  /** PEM certificate to trust for an https URL (the sandbox's self-signed one). */
  ca?: string;
}

function agentFor(target: LoadTarget, opts: { keepAlive: boolean; maxSockets?: number }): Agent {
  return target.url.startsWith("https:") ? new HttpsAgent({ ...opts, ca: target.ca }) : new Agent(opts);
}

export interface LoadResult {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  bytes: number;
  statuses: Record<string, number>;
  errors: number;
  latenciesMs: number[];
}

function once(agent: Agent, target: LoadTarget): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const send = target.url.startsWith("https:") ? httpsRequest : request;
    const req = send(target.url, { agent, headers: target.headers }, (res) => {
      let bytes = 0;
      res.on("data", (b: Buffer) => (bytes += b.length));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

export async function runLoad(target: LoadTarget, opts: { concurrency: number; durationMs: number; warmupMs?: number }): Promise<LoadResult> {
  const agent = agentFor(target, { keepAlive: true, maxSockets: opts.concurrency });
  const statuses: Record<string, number> = {};
  const latenciesMs: number[] = [];
  let bytes = 0;
  let errors = 0;
  let recording = false;
  let stopAt = Date.now() + (opts.warmupMs ?? 0) + opts.durationMs;
  const worker = async () => {
    while (Date.now() < stopAt) {
      const t0 = performance.now();
      try {
        const r = await once(agent, target);
        if (!recording) continue;
        latenciesMs.push(performance.now() - t0);
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        bytes += r.bytes;
      } catch {
        if (recording) errors++;
      }
    }
  };
  const workers = Array.from({ length: opts.concurrency }, worker);
  await new Promise((r) => setTimeout(r, opts.warmupMs ?? 0));
  recording = true;
  const started = performance.now();
  stopAt = Date.now() + opts.durationMs;
  await Promise.all(workers);
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { requests: latenciesMs.length, seconds, requestsPerSecond: latenciesMs.length / seconds, bytes, statuses, errors, latenciesMs };
}

/** One download, streamed and discarded; bytes and seconds. */
export async function download(target: LoadTarget): Promise<{ status: number; bytes: number; seconds: number }> {
  const agent = agentFor(target, { keepAlive: false });
  const t0 = performance.now();
  const r = await once(agent, target);
  return { ...r, seconds: (performance.now() - t0) / 1000 };
}
