import { connect } from "node:net";

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function tcpOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** True when the URL answers with a status `accept` likes (any HTTP answer by default). */
export async function httpAnswers(url: string, init: RequestInit = {}, accept = (_status: number) => true): Promise<boolean> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(2000) });
    await res.body?.cancel();
    return accept(res.status);
  } catch {
    return false;
  }
}

export interface WaitOptions {
  label: string;
  timeoutMs: number;
  intervalMs?: number;
  /** Returns a reason when waiting is pointless (the process died), so we fail fast. */
  gaveUp?: () => string | undefined;
}

export async function waitUntil(check: () => Promise<boolean>, opts: WaitOptions): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (await check()) return;
    const reason = opts.gaveUp?.();
    if (reason) throw new Error(`${opts.label} did not become ready: ${reason}`);
    if (Date.now() > deadline) throw new Error(`${opts.label} did not become ready within ${Math.round(opts.timeoutMs / 1000)}s`);
    await sleep(opts.intervalMs ?? 250);
  }
}
