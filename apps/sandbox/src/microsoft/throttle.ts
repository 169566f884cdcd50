// Graph's Outlook service limits (https://learn.microsoft.com/graph/throttling-limits, "Outlook
// service limits"): per app ID and mailbox, 10,000 API requests in a 10-minute period and 4
// concurrent requests. Over either, Graph answers 429 with code ApplicationThrottled and a
// Retry-After header. The window here is fixed (it starts with the first request), which is
// close enough for clients that honour Retry-After.
import { z } from "zod";

export const ThrottleLimits = z.object({
  requestsPerWindow: z.number().int().min(1).default(10_000),
  windowSeconds: z.number().int().min(1).default(600),
  concurrentRequests: z.number().int().min(1).default(4),
});
export type ThrottleLimits = z.infer<typeof ThrottleLimits>;

interface Bucket {
  windowStart: number;
  count: number;
  inFlight: number;
  refusedRate: number;
  refusedConcurrency: number;
}

/** One app-and-mailbox window as it was spent, read back through the control API. */
export interface ThrottleWindowUsage {
  app: string;
  mailbox: string;
  /** Epoch ms. */
  start: number;
  /** Epoch ms: the window's scheduled end, or when a new configuration cut it short. */
  end: number;
  /** Requests admitted. */
  requests: number;
  /** 429s for the window's request budget and for the concurrency cap. */
  refused: { rate: number; concurrency: number };
  open: boolean;
}

export interface ThrottleUsage {
  limits: ThrottleLimits;
  requests: number;
  refused: { rate: number; concurrency: number };
  /** Oldest first: the last MAX_THROTTLE_WINDOWS closed windows plus the open ones. */
  windows: ThrottleWindowUsage[];
}

export const MAX_THROTTLE_WINDOWS = 20_000;

export type Admission = { ok: true; release: () => void } | { ok: false; retryAfter: number; reason: "rate" | "concurrency" };

export class Throttle {
  limits: ThrottleLimits = ThrottleLimits.parse({});
  private readonly buckets = new Map<string, Bucket>();
  private readonly closed: ThrottleWindowUsage[] = [];
  private readonly totals = { requests: 0, rate: 0, concurrency: 0 };

  constructor(private readonly now: () => number = Date.now) {}

  configure(limits: ThrottleLimits): void {
    const now = this.now();
    for (const [key, b] of this.buckets) this.close(key, b, Math.min(now, b.windowStart + this.limits.windowSeconds * 1000));
    this.limits = limits;
    this.buckets.clear();
  }

  /** What was spent, in total and per app, mailbox and window (read-only; counting never resets). */
  usage(): ThrottleUsage {
    const windowMs = this.limits.windowSeconds * 1000;
    const open = [...this.buckets].map(([key, b]) => ({ ...this.window(key, b, b.windowStart + windowMs), open: true }));
    return {
      limits: this.limits,
      requests: this.totals.requests,
      refused: { rate: this.totals.rate, concurrency: this.totals.concurrency },
      windows: [...this.closed, ...open].sort((a, b) => a.start - b.start),
    };
  }

  private window(key: string, b: Bucket, end: number): ThrottleWindowUsage {
    const [app = "", mailbox = ""] = key.split("\u0000");
    return { app, mailbox, start: b.windowStart, end, requests: b.count, refused: { rate: b.refusedRate, concurrency: b.refusedConcurrency }, open: false };
  }

  private close(key: string, b: Bucket, end: number): void {
    this.closed.push(this.window(key, b, end));
    if (this.closed.length > MAX_THROTTLE_WINDOWS) this.closed.splice(0, this.closed.length - MAX_THROTTLE_WINDOWS);
  }

  /** Admits one request of `app` against `mailbox`; the caller releases it when the response ends. */
  admit(app: string, mailbox: string): Admission {
    const key = `${app}\u0000${mailbox}`;
    const now = this.now();
    const windowMs = this.limits.windowSeconds * 1000;
    let b = this.buckets.get(key);
    if (!b || now - b.windowStart >= windowMs) {
      if (b) this.close(key, b, b.windowStart + windowMs);
      b = { windowStart: now, count: 0, inFlight: b?.inFlight ?? 0, refusedRate: 0, refusedConcurrency: 0 };
      this.buckets.set(key, b);
    }
    if (b.inFlight >= this.limits.concurrentRequests) {
      b.refusedConcurrency++;
      this.totals.concurrency++;
      return { ok: false, retryAfter: 1, reason: "concurrency" };
    }
    if (b.count >= this.limits.requestsPerWindow) {
      b.refusedRate++;
      this.totals.rate++;
      return { ok: false, retryAfter: Math.max(1, Math.ceil((b.windowStart + windowMs - now) / 1000)), reason: "rate" };
    }
    b.count++;
    this.totals.requests++;
    b.inFlight++;
    const bucket = b;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        bucket.inFlight--;
      },
    };
  }
}
