// A new API key is an intruder's favourite way to stay in (issue 7): creating one, and revoking one,
// is announced at once to every owner, admin and guardian, by email (read back through the local
// stack's mailpit, as notify/announce.int.test.ts does) and as a webhook event queued for each endpoint.
import { randomBytes } from "node:crypto";
import { eq, webhookDeliveries } from "@holdfast/db";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptInvitation, createApiKey, createWebhook, inviteMember, listAuditEvents, revokeApiKey, signUp, type TenantContext } from "../index";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");
// The endpoint below is a loopback http URL: allowed for tests only (ADR 0022).
process.env.WEBHOOK_ALLOW_HTTP = "1";
process.env.WEBHOOK_ALLOW_PRIVATE = "1";

const api = (process.env.MAIL_API_URL ?? "http://127.0.0.1:8025").replace(/\/+$/, "");

interface Message {
  ID: string;
  Subject: string;
  To: { Address: string }[];
  Text: string;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
  return (await res.json()) as T;
}

/** The one message to `recipient` (unique to this run) with exactly `subject`; waits briefly, the sink stores asynchronously. */
async function theMessage(recipient: string, subject: string): Promise<Message> {
  for (let i = 0; i < 40; i++) {
    const found = await getJson<{ messages: { ID: string }[] }>(`${api}/api/v1/search?query=${encodeURIComponent(`to:"${recipient}"`)}&limit=200`);
    const hits = (await Promise.all(found.messages.map((m) => getJson<Message>(`${api}/api/v1/message/${m.ID}`)))).filter((m) => m.Subject === subject);
    if (hits.length > 1) throw new Error(`${hits.length} messages to ${recipient} with subject "${subject}"`);
    if (hits[0]) return hits[0];
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no message to ${recipient} with subject "${subject}" in ${api}`);
}

let t: TestDatabase;
const run = randomBytes(3).toString("hex");
const org = `Keys ${run} Ltd`;
let owner: { email: string; ctx: TenantContext };
let admin: { email: string; ctx: TenantContext };
let endpointId: string;

const subjectOf = (s: string) => `[Holdfast] ${org}: ${s}`;

/** The events queued for the organisation's webhook endpoint, oldest first, with what they carry. */
async function queued(): Promise<{ eventType: string; payload: { subject: string; text: string; actor: { name: string } } }[]> {
  const rows = await t.owner.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId)).orderBy(webhookDeliveries.createdAt);
  return rows.map((r) => ({ eventType: r.eventType, payload: r.payload as { subject: string; text: string; actor: { name: string } } }));
}

beforeAll(async () => {
  t = await createTestDatabase("api-key-announce");
  const o = await signUp(t.app.db, { email: `owner-${run}@example.test`, password: "a long enough password", organizationName: org });
  owner = { email: `owner-${run}@example.test`, ctx: { db: t.app.db, tenantId: o.organization.id, actor: { type: "user", id: o.userId }, role: "owner" } };
  const a = await signUp(t.app.db, { email: `admin-${run}@example.test`, password: "a long enough password", organizationName: `Admin ${run}` });
  await acceptInvitation(t.app.db, a.userId, (await inviteMember(owner.ctx, { email: `admin-${run}@example.test`, role: "admin" })).token);
  admin = { email: `admin-${run}@example.test`, ctx: { ...owner.ctx, actor: { type: "user", id: a.userId }, role: "admin" } };
  endpointId = (await createWebhook(owner.ctx, { url: "http://127.0.0.1:9/holdfast" })).endpoint.id;
});

afterAll(async () => {
  await t?.drop();
});

describe("API keys are announced to the organisation's admins", () => {
  it("creating one tells every owner and admin, by email and webhook: its name, prefix, role and who made it, never the key", async () => {
    const created = await createApiKey(admin.ctx, { name: "nightly sync", role: "operator", expiresInDays: 30 });
    const subject = subjectOf('API key "nightly sync" created with the operator role');
    const m = await theMessage(owner.email, subject);
    expect(m.To.map((x) => x.Address).sort()).toEqual([owner.email, admin.email].sort());
    expect(m.Text).toContain(`A new API key "nightly sync" (${created.apiKey.prefix}…) was created with the operator role, valid until ${created.apiKey.expiresAt}.`);
    expect(m.Text).toContain("If nobody you trust made it, revoke it now.");
    expect(m.Text).toContain(`By: ${admin.email}`);
    expect(m.Text).not.toContain(created.key);

    const events = (await queued()).filter((e) => e.eventType === "api_key.created");
    expect(events).toHaveLength(1);
    expect(events[0]?.payload).toMatchObject({ subject, actor: { name: admin.email } });
    expect(JSON.stringify(events[0]?.payload)).not.toContain(created.key);
    expect((await listAuditEvents(owner.ctx, { action: "notification.failed" })).items).toEqual([]);
  });

  it("revoking one tells them too; a refused revocation (unknown key) tells no one", async () => {
    const created = await createApiKey(owner.ctx, { name: "old laptop", role: "viewer" });
    await revokeApiKey(owner.ctx, created.apiKey.id);
    const subject = subjectOf('API key "old laptop" revoked');
    const m = await theMessage(admin.email, subject);
    expect(m.To.map((x) => x.Address).sort()).toEqual([owner.email, admin.email].sort());
    expect(m.Text).toContain(`The API key "old laptop" (${created.apiKey.prefix}…, viewer role) was revoked: anything still using it is refused from now on.`);
    expect(m.Text).toContain(`By: ${owner.email}`);
    expect((await queued()).filter((e) => e.eventType === "api_key.revoked").map((e) => e.payload.subject)).toEqual([subject]);

    await expect(revokeApiKey(owner.ctx, created.apiKey.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await queued()).filter((e) => e.eventType === "api_key.revoked")).toHaveLength(1);
  });
});
