// Admins (and guardians) hear at once when retention changes or someone asks to weaken it (issue 7), against a
// real database and the local stack's mailpit (SMTP_URL / MAIL_API_URL, else its fixed ports):
// what the verbs send is read back through mailpit's search API, by this run's unique addresses.
import { randomBytes } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  acceptInvitation,
  announceGuardedRequest,
  DEFAULT_RETENTION_POLICY,
  getRetention,
  inviteMember,
  listAuditEvents,
  placeLegalHold,
  releaseLegalHold,
  setRetentionPolicy,
  signUp,
  type GuardedRequestView,
  type GuardRunner,
  type TenantContext,
} from "../index";
import { closedPort } from "../test-support";

/** Starts nothing: the announcement a request's workflow makes is called directly below. */
const idleRunner: GuardRunner = {
  startGuardedRequest: () => Promise.resolve(),
  approveGuardedRequest: () => Promise.resolve({ approved: true }),
  signalGuardedRequestCancelled: () => Promise.resolve(),
};

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

const api = (process.env.MAIL_API_URL ?? "http://127.0.0.1:8025").replace(/\/+$/, "");
const CONSOLE = "https://console.example.test";
const notify = { publicUrl: CONSOLE };

interface Address {
  Address: string;
}
interface Message {
  ID: string;
  Subject: string;
  To: Address[];
  Text: string;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
  return (await res.json()) as T;
}

/** Every message to `recipient` (unique to this run, so parallel tests and dev mail never collide). */
async function mailTo(recipient: string): Promise<Message[]> {
  const found = await getJson<{ messages: { ID: string }[] }>(`${api}/api/v1/search?query=${encodeURIComponent(`to:"${recipient}"`)}&limit=200`);
  return Promise.all(found.messages.map((m) => getJson<Message>(`${api}/api/v1/message/${m.ID}`)));
}

/** The one message to `recipient` with exactly `subject` (waits briefly: the sink stores asynchronously). */
async function theMessage(recipient: string, subject: string): Promise<Message> {
  for (let i = 0; i < 40; i++) {
    const hits = (await mailTo(recipient)).filter((m) => m.Subject === subject);
    if (hits.length > 1) throw new Error(`${hits.length} messages to ${recipient} with subject "${subject}"`);
    if (hits[0]) return hits[0];
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no message to ${recipient} with subject "${subject}" in ${api}`);
}


let t: TestDatabase;
const run = randomBytes(3).toString("hex");
const org = `Announce ${run} Ltd`;
let owner: { email: string; ctx: TenantContext };
let admin: { email: string; ctx: TenantContext };
let viewer: { email: string; userId: string };

async function person(label: string) {
  const email = `${label}-${run}@example.test`;
  const { userId, organization } = await signUp(t.app.db, { email, password: "a long enough password", organizationName: label === "owner" ? org : `${label} ${run}` });
  return { email, userId, organization };
}

const sortedTo = (m: Message) => m.To.map((a) => a.Address).sort();
const subjectOf = (s: string) => `[Holdfast] ${org}: ${s}`;

beforeAll(async () => {
  t = await createTestDatabase("announce");
  const o = await person("owner");
  const tenantId = o.organization.id;
  owner = { email: o.email, ctx: { db: t.app.db, tenantId, actor: { type: "user", id: o.userId }, role: "owner" } };
  for (const [label, role] of [["admin", "admin"], ["viewer", "viewer"]] as const) {
    const p = await person(label);
    const { token } = await inviteMember(owner.ctx, { email: p.email, role });
    await acceptInvitation(t.app.db, p.userId, token);
    if (role === "admin") admin = { email: p.email, ctx: { db: t.app.db, tenantId, actor: { type: "user", id: p.userId }, role: "admin" } };
    else viewer = { email: p.email, userId: p.userId };
  }
});

afterAll(async () => {
  await t?.drop();
});

describe("announcements to an organisation's owners and admins", () => {
  it("lengthening retention emails the owner and admins, not the viewer: what, who, when, and where to look", async () => {
    const before = new Date();
    await setRetentionPolicy(admin.ctx, { scope: "organization", policy: { ...DEFAULT_RETENTION_POLICY, keepAllDays: 60 } }, notify);
    const m = await theMessage(owner.email, subjectOf("retention was lengthened"));
    expect(sortedTo(m)).toEqual([owner.email, admin.email].sort());
    expect(m.Text).toContain("Retention for the whole organisation was lengthened.");
    expect(m.Text).toContain("Before: every backup kept 30 days, daily points 90 days, weekly points 26 weeks, monthly points 12 months, yearly points 7 years, leavers' backups at least 365 days (Holdfast's default).");
    expect(m.Text).toContain("After: every backup kept 60 days,");
    expect(m.Text).toContain(`By: ${admin.email}`);
    const when = /When: (\S+) \(UTC\)/.exec(m.Text)?.[1];
    expect(when).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(new Date(when!).getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
    expect(m.Text).toContain(`If this was not you or someone you trust`);
    expect(m.Text).toContain(`review the audit log at ${CONSOLE}/o/${owner.ctx.tenantId}/audit`);
    expect(await mailTo(viewer.email)).toEqual([]);
  });

  it("a requested shortening is announced to every owner, admin and guardian: what, when it can run, where to cancel; nothing changes", async () => {
    // The viewer is made a guardian as the database owner would (a guardian is otherwise itself a guarded request).
    await t.owner.pool.query("update memberships set guardian = true where user_id = $1", [viewer.userId]);
    try {
      const res = await setRetentionPolicy(admin.ctx, { scope: "organization", policy: { ...DEFAULT_RETENTION_POLICY, keepAllDays: 7 } }, notify, { guard: idleRunner });
      expect(res.outcome).toBe("requested");
      const request = (res as { request: GuardedRequestView }).request;
      await announceGuardedRequest(t.app.db, owner.ctx.tenantId, request.id, "requested", notify);
      const m = await theMessage(viewer.email, subjectOf("requested: shorten retention (needs a second person's approval)"));
      expect(sortedTo(m)).toEqual([owner.email, admin.email, viewer.email].sort());
      expect(m.Text).toContain(`${admin.email} asked to: Shorten retention for the whole organisation (keepAllDays): from every backup kept 60 days`);
      expect(m.Text).toContain("to every backup kept 7 days");
      expect(m.Text).toContain(`no earlier than ${request.notBefore.slice(0, 16).replace("T", " ")} UTC`);
      expect(m.Text).toContain(`cancel it at ${CONSOLE}/o/${owner.ctx.tenantId}/requests`);
      expect(m.Text).toContain(`By: ${admin.email}`);
      expect(m.Text).toContain("Every owner, administrator and guardian");
      expect((await getRetention(owner.ctx)).effective.keepAllDays).toBe(60);
    } finally {
      await t.owner.pool.query("update memberships set guardian = false where user_id = $1", [viewer.userId]);
    }
  });

  it("placing a legal hold is announced, and so is the request to release it", async () => {
    const hold = await placeLegalHold(owner.ctx, { reason: `Litigation ${run}` }, notify);
    const placed = await theMessage(admin.email, subjectOf("a legal hold was placed"));
    expect(sortedTo(placed)).toEqual([owner.email, admin.email].sort());
    expect(placed.Text).toContain("A legal hold was placed on the whole organisation");
    expect(placed.Text).toContain(`Reason given: Litigation ${run}`);
    expect(placed.Text).toContain(`By: ${owner.email}`);

    const request = await releaseLegalHold(admin.ctx, hold.id, { guard: idleRunner });
    await announceGuardedRequest(t.app.db, owner.ctx.tenantId, request.id, "requested", notify);
    const asked = await theMessage(owner.email, subjectOf("requested: release a legal hold (needs a second person's approval)"));
    expect(sortedTo(asked)).toEqual([owner.email, admin.email].sort());
    expect(asked.Text).toContain(`asked to: Release the legal hold on the whole organisation`);
    expect(asked.Text).toContain(`By: ${admin.email}`);
    expect(await mailTo(viewer.email)).not.toContainEqual(expect.objectContaining({ Subject: subjectOf("a legal hold was placed") }));
  });

  it("with the SMTP server unreachable the change still commits, and notification.failed is audited", async () => {
    const port = await closedPort();
    const saved = process.env.SMTP_URL;
    process.env.SMTP_URL = `smtp://127.0.0.1:${port}`;
    try {
      const res = await setRetentionPolicy({ ...admin.ctx, requestId: `req-${run}` }, { scope: "organization", policy: { ...DEFAULT_RETENTION_POLICY, keepAllDays: 90 } }, notify);
      expect(res).toMatchObject({ outcome: "applied", comparison: "longer" });
    } finally {
      if (saved === undefined) delete process.env.SMTP_URL;
      else process.env.SMTP_URL = saved;
    }
    expect((await getRetention(owner.ctx)).effective.keepAllDays).toBe(90);
    const [failed, ...more] = (await listAuditEvents(owner.ctx, { action: "notification.failed" })).items;
    expect(more).toEqual([]);
    expect(failed).toMatchObject({ actorType: "system", actorId: "notifications", requestId: `req-${run}`, metadata: { about: "retention.policy_changed" } });
    expect((failed!.metadata as { error: string }).error).toMatch(new RegExp(`smtp://127\\.0\\.0\\.1:${port}.*ECONNREFUSED`));
    // The mail never went out: the admins' inboxes hold no "lengthened" message beyond the first test's.
    expect((await mailTo(owner.email)).filter((m) => m.Subject === subjectOf("retention was lengthened"))).toHaveLength(1);
  });
});
