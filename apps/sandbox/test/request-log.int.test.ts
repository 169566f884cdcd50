// The request log (`/_control/requests`): off until started, then every provider request with
// its arrival time, user, status and the Retry-After / fault rule that answered it; control
// calls and query strings are never kept.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantSummary } from "../src/index";
import { gmail, startSandbox, userToken, type Harness } from "./harness";

const READONLY = "https://www.googleapis.com/auth/gmail.readonly";

interface Logged {
  seq: number;
  method: string;
  path: string;
  provider?: string;
  tenant?: string;
  user?: string;
  at: number;
  end: number;
  status: number;
  retryAfter?: string;
  fault?: string;
}

let h: Harness;
let tenant: TenantSummary;

beforeAll(async () => {
  h = await startSandbox();
  tenant = await h.createTenant({ seed: 91, users: 2, itemsPerUser: 5 });
});
afterAll(() => h.close());

describe("request log", () => {
  it("records nothing until started, then each request with its user, status, Retry-After and fault rule", async () => {
    const alice = tenant.units[0]?.email ?? "";
    const api = gmail(h.url, await userToken(h, alice, [READONLY]));
    await api.users.getProfile({ userId: "me" });
    expect((await h.control<{ recording: boolean; requests: Logged[] }>("GET", "/_control/requests")).body).toMatchObject({ recording: false, requests: [] });

    expect((await h.control("POST", "/_control/requests", { capacity: 0 })).status).toBe(400);
    expect((await h.control("POST", "/_control/requests", {})).status).toBe(201);
    const rule = (await h.control<{ rules: { id: string }[] }>("POST", "/_control/faults", { provider: "google", path: "/gmail/v1/users/*/labels", status: 429, retryAfter: 3, times: 1 })).body.rules[0]?.id;
    const before = Date.now();
    await api.users.getProfile({ userId: "me" });
    const failed = await api.users.labels.list({ userId: "me" }, { retry: false }).catch((e: unknown) => e);
    expect((failed as { status?: number }).status).toBe(429);
    await api.users.labels.list({ userId: "me" }, { retry: false });

    const log = (await h.control<{ recording: boolean; dropped: number; requests: Logged[] }>("GET", "/_control/requests")).body;
    expect(log.recording).toBe(true);
    expect(log.dropped).toBe(0);
    // Only provider requests: the control calls above are not in it.
    expect(log.requests.map((r) => [r.method, r.path, r.status])).toEqual([
      ["GET", "/gmail/v1/users/me/profile", 200],
      ["GET", "/gmail/v1/users/me/labels", 429],
      ["GET", "/gmail/v1/users/me/labels", 200],
    ]);
    const [profile, limited, retried] = log.requests;
    expect(profile).toMatchObject({ seq: 1, provider: "google", tenant: tenant.id, user: alice.toLowerCase() });
    expect(profile?.retryAfter).toBeUndefined();
    expect(limited).toMatchObject({ seq: 2, retryAfter: "3", fault: rule });
    expect(retried?.fault).toBeUndefined();
    for (const r of log.requests) {
      expect(r.at).toBeGreaterThanOrEqual(before);
      expect(r.end).toBeGreaterThanOrEqual(r.at);
    }

    // A bounded ring: the oldest go first, and say how many.
    await h.control("POST", "/_control/requests", { capacity: 2 });
    for (let i = 0; i < 3; i++) await api.users.getProfile({ userId: "me" });
    const ring = (await h.control<{ dropped: number; requests: Logged[] }>("GET", "/_control/requests")).body;
    expect(ring.dropped).toBe(1);
    expect(ring.requests.map((r) => r.seq)).toEqual([2, 3]);

    expect((await h.control("DELETE", "/_control/requests")).body).toEqual({ recording: false, removed: 2 });
    await api.users.getProfile({ userId: "me" });
    expect((await h.control<{ requests: Logged[] }>("GET", "/_control/requests")).body.requests).toEqual([]);
  });
});
