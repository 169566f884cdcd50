import { randomBytes } from "node:crypto";
import { totpCode } from "@holdfast/auth";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  acceptInvitation,
  authenticateApiKey,
  changeMemberRole,
  confirmTotpEnrolment,
  createApiKey,
  getOrganization,
  inviteMember,
  listAuditEvents,
  listMembers,
  listMyOrganizations,
  removeMember,
  resolveUserRole,
  revokeApiKey,
  signUp,
  startTotpEnrolment,
  verifyCredentials,
  type DomainError,
  type TenantContext,
} from "./index";
import { codeOf } from "./test-support";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

let t: TestDatabase;
const password = "a long enough password";


async function newTenant(label: string) {
  const email = `${label}-${randomBytes(3).toString("hex")}@example.test`;
  const { userId, organization } = await signUp(t.app.db, { email, password, organizationName: `${label} Ltd` });
  const ctx: TenantContext = { db: t.app.db, tenantId: organization.id, actor: { type: "user", id: userId }, role: "owner" };
  return { email, userId, org: organization, ctx };
}

beforeAll(async () => {
  t = await createTestDatabase("services");
});
afterAll(async () => {
  await t?.drop();
});

describe("sign-up and sign-in", () => {
  it("creates a user who owns a new organisation, and records it", async () => {
    const a = await newTenant("acme");
    expect(await resolveUserRole(t.app.db, a.userId, a.org.id)).toBe("owner");
    expect((await listMyOrganizations(t.app.db, a.userId)).map((o) => o.id)).toEqual([a.org.id]);
    const events = await listAuditEvents(a.ctx);
    expect(events.items.map((e) => e.action).reverse()).toEqual(["organization.created", "member.added"]);
  });

  it("refuses a second account for the same email without saying it exists", async () => {
    const a = await newTenant("dupe");
    const err = await signUp(t.app.db, { email: a.email.toUpperCase(), password, organizationName: "x" }).catch((e: unknown) => e as DomainError);
    expect(err).toMatchObject({ code: "CONFLICT" });
    expect((err as Error).message).not.toMatch(/exists|registered/i);
  });

  it("gives the same answer for an unknown email and a wrong password, then rate-limits", async () => {
    const a = await newTenant("rl");
    const unknown = await verifyCredentials(t.app.db, { email: `nobody-${a.email}`, password }).catch((e: Error) => e.message);
    const wrong = await verifyCredentials(t.app.db, { email: a.email, password: "wrong password!" }).catch((e: Error) => e.message);
    expect(unknown).toBe(wrong);
    for (let i = 0; i < 4; i++) await verifyCredentials(t.app.db, { email: a.email, password: "wrong password!" }).catch(() => undefined);
    expect(await codeOf(verifyCredentials(t.app.db, { email: a.email, password }))).toBe("RATE_LIMITED");
  });

  it("requires the TOTP code once enrolled, and audits enrolment and sign-in", async () => {
    const a = await newTenant("mfa");
    const { secret, uri } = await startTotpEnrolment(t.app.db, a.userId);
    expect(uri).toMatch(/^otpauth:\/\/totp\//);
    expect(await codeOf(confirmTotpEnrolment(t.app.db, a.userId, "000000"))).toBe("VALIDATION");
    await confirmTotpEnrolment(t.app.db, a.userId, totpCode(secret));
    const needsCode = await verifyCredentials(t.app.db, { email: a.email, password }).catch((e: DomainError) => e);
    expect(needsCode).toMatchObject({ code: "UNAUTHORIZED", details: { mfaRequired: true } });
    expect(await codeOf(verifyCredentials(t.app.db, { email: a.email, password, totp: "123456" }))).toBe("UNAUTHORIZED");
    const user = await verifyCredentials(t.app.db, { email: a.email, password, totp: totpCode(secret) });
    expect(user.id).toBe(a.userId);
    const actions = (await listAuditEvents(a.ctx)).items.map((e) => e.action);
    expect(actions).toContain("user.mfa_enabled");
    expect(actions[0]).toBe("user.signed_in");
    // The TOTP secret is stored sealed, never in the clear.
    const { rows } = await t.owner.pool.query<{ totp_secret_enc: string }>("select totp_secret_enc from users where id = $1", [a.userId]);
    expect(rows[0]?.totp_secret_enc).not.toContain(secret);
  });
});

describe("API keys", () => {
  it("authenticates a new key, stamps its use, and refuses it once revoked", async () => {
    const a = await newTenant("keys");
    const created = await createApiKey(a.ctx, { name: "partner sync", role: "admin" });
    expect(created.key).toMatch(/^hf_/);
    const principal = await authenticateApiKey(t.app.db, created.key);
    expect(principal).toEqual({ keyId: created.apiKey.id, tenantId: a.org.id, role: "admin" });
    await revokeApiKey(a.ctx, created.apiKey.id);
    expect(await codeOf(authenticateApiKey(t.app.db, created.key))).toBe("UNAUTHORIZED");
    expect(await codeOf(authenticateApiKey(t.app.db, created.key.slice(0, -1) + "A"))).toBe("UNAUTHORIZED");
    expect(await codeOf(authenticateApiKey(t.app.db, "Bearer nonsense"))).toBe("UNAUTHORIZED");
  });

  it("never issues a key above the creator's role, and viewers cannot create keys", async () => {
    const a = await newTenant("roles");
    expect(await codeOf(createApiKey({ ...a.ctx, role: "admin" }, { name: "x", role: "owner" }))).toBe("FORBIDDEN");
    expect(await codeOf(createApiKey({ ...a.ctx, role: "viewer" }, { name: "x", role: "viewer" }))).toBe("FORBIDDEN");
  });

  it("cannot revoke another tenant's key", async () => {
    const a = await newTenant("ka");
    const b = await newTenant("kb");
    const bKey = await createApiKey(b.ctx, { name: "b", role: "viewer" });
    expect(await codeOf(revokeApiKey(a.ctx, bKey.apiKey.id))).toBe("NOT_FOUND");
    expect((await authenticateApiKey(t.app.db, bKey.key)).tenantId).toBe(b.org.id);
  });
});

describe("members", () => {
  it("invites, accepts, changes role, and keeps the last owner", async () => {
    const a = await newTenant("team");
    const bob = await newTenant("bob");
    const { token } = await inviteMember(a.ctx, { email: bob.email, role: "operator" });
    expect(await codeOf(acceptInvitation(t.app.db, a.userId, token))).toBe("NOT_FOUND"); // someone else's invitation
    expect(await acceptInvitation(t.app.db, bob.userId, token)).toEqual({ tenantId: a.org.id, role: "operator" });
    expect(await codeOf(acceptInvitation(t.app.db, bob.userId, token))).toBe("NOT_FOUND"); // single use
    expect((await listMembers(a.ctx)).map((m) => [m.email, m.role])).toEqual([[a.email, "owner"], [bob.email, "operator"]]);
    expect(await codeOf(changeMemberRole({ ...a.ctx, role: "admin" }, { userId: bob.userId, role: "owner" }))).toBe("FORBIDDEN");
    expect(await codeOf(removeMember(a.ctx, a.userId))).toBe("PRECONDITION_FAILED");
    expect(await changeMemberRole(a.ctx, { userId: bob.userId, role: "admin" })).toEqual({ outcome: "applied", result: { userId: bob.userId, role: "admin" } });
    // Removing a member is a guarded request (guard/guard.int.test.ts); without a job runner it is
    // not taken, and the member stays.
    expect(await codeOf(removeMember(a.ctx, bob.userId))).toBe("UNAVAILABLE");
    expect(await resolveUserRole(t.app.db, bob.userId, a.org.id)).toBe("admin");
    const actions = (await listAuditEvents(a.ctx)).items.map((e) => e.action).filter((x) => x !== "notification.failed");
    expect(actions.slice(0, 5)).toEqual(["guarded_request.start_failed", "guarded_request.created", "member.role_changed", "member.joined", "member.invited"]);
  });

  it("another tenant's organisation is not found, whatever the caller's role", async () => {
    const a = await newTenant("oa");
    const b = await newTenant("ob");
    expect(await codeOf(getOrganization(a.ctx, b.org.id))).toBe("NOT_FOUND");
    expect((await getOrganization(a.ctx, a.org.id)).name).toBe("oa Ltd");
  });
});

describe("audit pagination", () => {
  it("walks every event exactly once across pages", async () => {
    const a = await newTenant("pages");
    for (let i = 0; i < 7; i++) await createApiKey(a.ctx, { name: `k${i}`, role: "viewer" });
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await listAuditEvents(a.ctx, { limit: 3, cursor });
      seen.push(...page.items.map((e) => e.seq));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
  });
});
