// The peer: what a plain googleapis script does to copy the same mailboxes under the same budget —
// messages.list pages, then messages.get format=raw for each id, N at a time per user, paced to the
// per-user budget and waiting out Retry-After on a 429. No catalogue, no vault, no hashing: bytes
// are decoded and dropped. Its items/s is the ceiling the budget allows a simple client.
import { JWT } from "google-auth-library";
import { google, type gmail_v1 } from "googleapis";

const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";
const READONLY = "https://www.googleapis.com/auth/gmail.readonly";
const COST = { list: 5, get: 5 } as const;

export interface PeerOptions {
  sandboxUrl: string;
  key: { client_email: string; private_key: string; private_key_id?: string };
  users: readonly string[];
  /** Units per user per minute the loop paces itself to. */
  unitsPerMinute: number;
  /** Fraction of the budget the pacer aims at (a plain script leaves a little headroom). */
  pace: number;
  /** Requests in flight per user. */
  concurrency: number;
}

export interface PeerResult {
  items: number;
  bytes: number;
  ms: number;
  /** 429s the peer received (and waited out). */
  throttled: number;
  perUser: { user: string; items: number; ms: number }[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function client(opts: PeerOptions, subject: string): gmail_v1.Gmail {
  const auth = new JWT({ email: opts.key.client_email, key: opts.key.private_key, keyId: opts.key.private_key_id, scopes: [READONLY], subject });
  // google-auth-library posts the grant to Google's token URL whatever the key file says.
  auth.transporter.interceptors.request.add({
    resolved: (o) => {
      if (o.url.toString() === GOOGLE_TOKEN_URL) o.url = new URL(`${opts.sandboxUrl}/google/token`);
      return Promise.resolve(o);
    },
  });
  return google.gmail({ version: "v1", auth, rootUrl: `${opts.sandboxUrl}/`, retry: false });
}

/** Spaces a user's calls so that `unitsPerMinute × pace` is never passed. */
class Pacer {
  #next = 0;
  constructor(private readonly unitsPerMs: number) {}
  async take(cost: number): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.#next);
    this.#next = at + cost / this.unitsPerMs;
    if (at > now) await sleep(at - now);
  }
}

async function copyMailbox(opts: PeerOptions, user: string, counters: { throttled: number }): Promise<{ items: number; bytes: number; ms: number }> {
  const started = performance.now();
  const gmail = client(opts, user);
  const pacer = new Pacer((opts.unitsPerMinute * opts.pace) / 60_000);
  const call = async <T>(cost: number, fn: () => Promise<T>): Promise<T> => {
    for (;;) {
      await pacer.take(cost);
      try {
        return await fn();
      } catch (e) {
        const err = e as { status?: number; response?: { headers?: Headers | Record<string, string> } };
        if (err.status !== 429) throw e;
        counters.throttled += 1;
        const h = err.response?.headers;
        const retryAfter = Number(h instanceof Headers ? h.get("retry-after") : h?.["retry-after"]) || 1;
        await sleep(retryAfter * 1000);
      }
    }
  };
  const ids: string[] = [];
  let pageToken: string | undefined;
  do {
    const res = await call(COST.list, () => gmail.users.messages.list({ userId: "me", maxResults: 500, includeSpamTrash: true, ...(pageToken ? { pageToken } : {}) }));
    for (const m of res.data.messages ?? []) if (m.id) ids.push(m.id);
    pageToken = res.data.nextPageToken ?? undefined;
  } while (pageToken);
  let bytes = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < ids.length; i = next++) {
      const id = ids[i] ?? "";
      const res = await call(COST.get, () => gmail.users.messages.get({ userId: "me", id, format: "raw" }));
      if (typeof res.data.raw !== "string") throw new Error(`peer: messages.get ${id} returned no raw body`);
      bytes += Buffer.from(res.data.raw, "base64url").length;
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  return { items: ids.length, bytes, ms: performance.now() - started };
}

export async function runPeer(opts: PeerOptions): Promise<PeerResult> {
  const counters = { throttled: 0 };
  const started = performance.now();
  const results = await Promise.all(opts.users.map(async (user) => ({ user, ...(await copyMailbox(opts, user, counters)) })));
  return {
    items: results.reduce((a, r) => a + r.items, 0),
    bytes: results.reduce((a, r) => a + r.bytes, 0),
    ms: performance.now() - started,
    throttled: counters.throttled,
    perUser: results.map((r) => ({ user: r.user, items: r.items, ms: r.ms })),
  };
}
