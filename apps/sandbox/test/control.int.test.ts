// The control API itself: validation, determinism of the ground truth, scale without memory,
// and the MIME parser against the whole SpamAssassin corpus.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { corpusMessage, corpusSize } from "../src/data/corpus";
import { parseMime } from "../src/data/mime";
import { formatMessage } from "../src/google/gmail/format";
import type { TenantSummary } from "../src/index";
import { adminConsent, appToken, collectPages, createMicrosoftTenant, graphClient, registerMsApp } from "./graph-harness";
import { gmail, startSandbox, userToken, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startSandbox();
});
afterAll(() => h.close());

describe("tenants", () => {
  it("validates input", async () => {
    expect((await h.control("POST", "/_control/tenants", { provider: "google", seed: 1, users: 0, itemsPerUser: 1 })).status).toBe(400);
    expect((await h.control("POST", "/_control/tenants", { provider: "yahoo", seed: 1, users: 1, itemsPerUser: 1 })).status).toBe(400);
    expect((await h.control("POST", "/_control/tenants", { provider: "salesforce", seed: 1, users: 1, itemsPerUser: 1 })).status).toBe(201);
    expect((await h.control("POST", "/_control/tenants", { provider: "aws", seed: 1, users: 1, itemsPerUser: 1, trustedPrincipal: "not-an-arn" })).status).toBe(400);
    expect((await h.control("POST", "/_control/tenants", { provider: "microsoft", seed: 1, users: 1, itemsPerUser: 1 })).status).toBe(201);
    expect((await h.control("GET", "/_control/tenants/nope/manifest")).status).toBe(404);
  });

  it("gives the same seed the same ground truth in another sandbox", async () => {
    const other = await startSandbox();
    try {
      const a = await h.createTenant({ seed: 77, users: 3, itemsPerUser: 25 });
      const b = await other.createTenant({ seed: 77, users: 3, itemsPerUser: 25 });
      expect(b.domain).toBe(a.domain);
      const ma = await h.control("GET", `/_control/tenants/${a.id}/manifest`);
      const mb = await other.control("GET", `/_control/tenants/${b.id}/manifest`);
      expect(mb.body).toEqual(ma.body);
      // Mutations with the same seed touch the same items the same way.
      const ta = await h.control("POST", `/_control/tenants/${a.id}/mutations`, { kind: "move", fraction: 0.2, seed: 3 });
      const tb = await other.control("POST", `/_control/tenants/${b.id}/mutations`, { kind: "move", fraction: 0.2, seed: 3 });
      expect(tb.body).toEqual(ta.body);
      expect((await other.control("GET", `/_control/tenants/${b.id}/manifest`)).body).toEqual((await h.control("GET", `/_control/tenants/${a.id}/manifest`)).body);
      // A second tenant with the same seed in one sandbox gets its own domain.
      const c = await h.createTenant({ seed: 77, users: 1, itemsPerUser: 1 });
      expect(c.domain).not.toBe(a.domain);
    } finally {
      await other.close();
    }
  });

  it("gives a Microsoft tenant the same ground truth for the same seed, mutations included", async () => {
    const other = await startSandbox();
    try {
      const create = (x: Harness) => x.control<TenantSummary & { tenantId: string }>("POST", "/_control/tenants", { provider: "microsoft", seed: 78, users: 2, itemsPerUser: 30 });
      const [a, b] = [(await create(h)).body, (await create(other)).body];
      expect(b.tenantId).toBe(a.tenantId);
      expect(a.domain).toMatch(/\.onmicrosoft\.com$/);
      for (const kind of ["move", "edit", "create", "ransomware", "delete"]) {
        const ta = await h.control("POST", `/_control/tenants/${a.id}/mutations`, { kind, fraction: 0.2, seed: 4 });
        const tb = await other.control("POST", `/_control/tenants/${b.id}/mutations`, { kind, fraction: 0.2, seed: 4 });
        expect(tb.body).toEqual(ta.body);
      }
      // Tenant ids (microsoft-000n) count per sandbox; everything else must match.
      const ma = await h.control<{ id: string; units: { items: { sha256: string }[] }[] }>("GET", `/_control/tenants/${a.id}/manifest`);
      const mb = await other.control<{ id: string }>("GET", `/_control/tenants/${b.id}/manifest`);
      expect({ ...mb.body, id: "" }).toEqual({ ...ma.body, id: "" });
      expect(ma.body.units[0]?.items.every((i) => /^[0-9a-f]{64}$/.test(i.sha256))).toBe(true);
    } finally {
      await other.close();
    }
  });

  it("creates the largest scale (200 × 20,000) without materializing it", async () => {
    const before = process.memoryUsage().heapUsed;
    const big = await h.createTenant({ seed: 5, users: 200, itemsPerUser: 20_000 });
    expect(big.units).toHaveLength(200);
    expect(big.units.every((u) => u.items === 20_000)).toBe(true);
    const last = big.units[199]?.email ?? "";
    const api = gmail(h.url, await userToken(h, last, ["https://mail.google.com/"]));
    const page = await api.users.messages.list({ userId: "me", maxResults: 500, includeSpamTrash: true });
    expect(page.data.messages).toHaveLength(500);
    const oldest = await api.users.messages.list({ userId: "me", maxResults: 1, includeSpamTrash: true, q: "before:2023/01/15" });
    expect(oldest.data.messages).toHaveLength(1);
    expect((await api.users.getProfile({ userId: "me" })).data.messagesTotal).toBe(20_000);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);
    const summary = (await h.control<TenantSummary>("DELETE", `/_control/tenants/${big.id}`)).status;
    expect(summary).toBe(204);
  });

  it("serves a 200 × 20,000 Microsoft tenant without materializing it", async () => {
    const before = process.memoryUsage().heapUsed;
    const big = await createMicrosoftTenant(h, { seed: 6, users: 200, itemsPerUser: 20_000 });
    const app = await registerMsApp(h);
    await adminConsent(h, big.tenantId, app);
    const client = graphClient(h, await appToken(h, big.tenantId, app));
    const last = big.units[199]?.email ?? "";
    const first = (await client.api(`/users/${last}/mailFolders/inbox/messages/delta`).header("Prefer", "odata.maxpagesize=200").get()) as { value: unknown[]; "@odata.nextLink"?: string };
    expect(first.value).toHaveLength(200);
    expect(first["@odata.nextLink"]).toBeDefined();
    const users = await collectPages<{ id: string }>(client, "/users?$top=999");
    expect(users.items).toHaveLength(200);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);
    expect((await h.control("DELETE", `/_control/tenants/${big.id}`)).status).toBe(204);
  });

  it("is for loopback callers only", async () => {
    const { isLoopback } = await import("../src/control/routes");
    expect(isLoopback("127.0.0.1")).toBe(true);
    expect(isLoopback("::ffff:127.0.0.1")).toBe(true);
    expect(isLoopback("::1")).toBe(true);
    expect(isLoopback("10.0.0.5")).toBe(false);
    expect(isLoopback(undefined)).toBe(false);
  });
});

describe("the corpus", () => {
  it("parses every SpamAssassin message into a Gmail part tree", async () => {
    const n = corpusSize();
    expect(n).toBe(6046);
    let multipart = 0;
    let attachments = 0;
    for (let i = 0; i < n; i++) {
      const raw = await corpusMessage(i);
      expect(raw.subarray(0, 5).toString()).not.toBe("From ");
      const root = parseMime(raw);
      if (root.children.length) multipart++;
      const msg = formatMessage({ id: "0123456789abcdef", threadId: "0123456789abcdef", labelIds: [], internalDate: 0, historyId: 1 }, raw, "full");
      const walk = (p: typeof msg.payload): void => {
        if (p?.body?.attachmentId) attachments++;
        p?.parts?.forEach(walk);
      };
      walk(msg.payload);
    }
    // Real MIME variety: hundreds of multiparts, some attachments.
    expect(multipart).toBeGreaterThan(300);
    expect(attachments).toBeGreaterThan(20);
  });
});
