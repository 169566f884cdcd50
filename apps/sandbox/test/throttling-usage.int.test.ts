// GET /_control/tenants/{id}/throttling/usage: what googleapis calls cost, as the sandbox charged
// them — per method, per user window, refusals counted apart — read-only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantSummary } from "../src/index";
import { gmail, startSandbox, userToken, type Harness } from "./harness";

const READONLY = "https://www.googleapis.com/auth/gmail.readonly";

interface Usage {
  provider: string;
  gmail: {
    limits: { unitsPerUserPerMinute: number; windowSeconds: number };
    methods: Record<string, { calls: number; units: number; refused: number }>;
    windows: { user: string; start: number; end: number; units: number; calls: number; refused: number; open: boolean }[];
  };
}

let h: Harness;
let tenant: TenantSummary;

beforeAll(async () => {
  h = await startSandbox();
  tenant = await h.createTenant({ seed: 43, users: 2, itemsPerUser: 10 });
});
afterAll(() => h.close());

describe("Gmail usage through the control API", () => {
  it("reports the units each method spent, each user's window, and the 429s", async () => {
    await h.control("PUT", `/_control/tenants/${tenant.id}/throttling`, { unitsPerUserPerMinute: 12 });
    const [alice] = tenant.units.map((u) => u.email ?? "");
    const api = gmail(h.url, await userToken(h, alice ?? "", [READONLY]));
    const listed = await api.users.messages.list({ userId: "me", maxResults: 1 }, { retry: false });
    await api.users.messages.get({ userId: "me", id: listed.data.messages?.[0]?.id ?? "", format: "raw" }, { retry: false });
    await expect(api.users.messages.get({ userId: "me", id: listed.data.messages?.[0]?.id ?? "" }, { retry: false })).rejects.toMatchObject({ status: 429 });

    const { status, body } = await h.control<Usage>("GET", `/_control/tenants/${tenant.id}/throttling/usage`);
    expect(status).toBe(200);
    expect(body.provider).toBe("google");
    expect(body.gmail.limits).toEqual({ unitsPerUserPerMinute: 12, windowSeconds: 60 });
    expect(body.gmail.methods).toEqual({ "messages.list": { calls: 1, units: 5, refused: 0 }, "messages.get": { calls: 1, units: 5, refused: 1 } });
    const open = body.gmail.windows.filter((w) => w.open);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ units: 10, calls: 2, refused: 1 });
    expect((open[0]?.end ?? 0) - (open[0]?.start ?? 0)).toBe(60_000);
  });

  it("is read-only and answers 404 for an unknown tenant", async () => {
    expect((await h.control("PUT", `/_control/tenants/${tenant.id}/throttling/usage`, {})).status).toBe(404);
    expect((await h.control("GET", `/_control/tenants/nope/throttling/usage`)).status).toBe(404);
  });
});
