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
}

export type Admission = { ok: true; release: () => void } | { ok: false; retryAfter: number; reason: "rate" | "concurrency" };

export class Throttle {
  limits: ThrottleLimits = ThrottleLimits.parse({});
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = Date.now) {}

  configure(limits: ThrottleLimits): void {
    this.limits = limits;
    this.buckets.clear();
  }

  /** Admits one request of `app` against `mailbox`; the caller releases it when the response ends. */
  admit(app: string, mailbox: string): Admission {
    const key = `${app}\u0000${mailbox}`;
    const now = this.now();
    const windowMs = this.limits.windowSeconds * 1000;
    let b = this.buckets.get(key);
    if (!b || now - b.windowStart >= windowMs) {
      b = { windowStart: now, count: 0, inFlight: b?.inFlight ?? 0 };
      this.buckets.set(key, b);
    }
    if (b.inFlight >= this.limits.concurrentRequests) return { ok: false, retryAfter: 1, reason: "concurrency" };
    if (b.count >= this.limits.requestsPerWindow) return { ok: false, retryAfter: Math.max(1, Math.ceil((b.windowStart + windowMs - now) / 1000)), reason: "rate" };
    b.count++;
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
