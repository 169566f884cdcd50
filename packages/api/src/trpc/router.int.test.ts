import { randomBytes } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { totpCode } from "@holdfast/auth";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { createTrpcContext } from "./context";
import { createCaller } from "./router";

process.env.LOG_LEVEL ??= "silent";
process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

let t: TestDatabase;
const as = (userId: string | null) => createCaller(createTrpcContext({ db: t.app.db, userId, requestId: "int-test-request" }));
const anon = () => as(null);

async function expectCode(p: Promise<unknown>, code: TRPCError["code"]) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCError);
  expect((err as TRPCError).code).toBe(code);
  return err as TRPCError;
}

async function signUp(label: string) {
  const email = `${label}-${randomBytes(3).toString("hex")}@example.com`;
  const password = "correct horse battery";
  const { organizationId } = await anon().auth.signUp({ email, password, name: label, organizationName: `${label} Org` });
  const [row] = (await t.owner.pool.query<{ id: string }>("select id from users where email = $1", [email])).rows;
  if (!row) throw new Error("user not created");
  return { email, userId: row.id, orgId: organizationId, caller: as(row.id) };
}

beforeAll(async () => {
  t = await createTestDatabase("trpc");
});
afterAll(async () => {
  await t?.drop();
});

describe("tRPC routers", () => {
  it("requires a session for anything but sign-up", async () => {
    await expectCode(anon().me.profile(), "UNAUTHORIZED");
    await expectCode(anon().members.list({ orgId: "00000000-0000-0000-0000-000000000000" }), "UNAUTHORIZED");
  });

  it("signs up a user as the owner of a new organisation", async () => {
    const alice = await signUp("alice");
    const orgs = await alice.caller.me.organizations();
    expect(orgs).toEqual([expect.objectContaining({ id: alice.orgId, name: "alice Org", role: "owner" })]);
    expect(await alice.caller.me.profile()).toMatchObject({ email: alice.email, name: "alice", mfaEnabled: false });
    expect(await alice.caller.organization.get({ orgId: alice.orgId })).toMatchObject({ id: alice.orgId, kind: "customer" });
  });

  it("rejects a second sign-up with the same email without saying so", async () => {
    const bob = await signUp("bob");
    const err = await expectCode(anon().auth.signUp({ email: bob.email, password: "another password!", organizationName: "Dup" }), "CONFLICT");
    expect(err.message).not.toContain(bob.email);
  });

  it("answers NOT_FOUND for an organisation the caller does not belong to", async () => {
    const alice = await signUp("alice2");
    const mallory = await signUp("mallory");
    await expectCode(mallory.caller.organization.get({ orgId: alice.orgId }), "NOT_FOUND");
    await expectCode(mallory.caller.members.list({ orgId: alice.orgId }), "NOT_FOUND");
    await expectCode(mallory.caller.audit.list({ orgId: alice.orgId }), "NOT_FOUND");
    await expectCode(mallory.caller.apiKeys.create({ orgId: alice.orgId, name: "steal" }), "NOT_FOUND");
    await expectCode(mallory.caller.members.list({ orgId: "not-a-uuid" }), "NOT_FOUND");
    await expectCode(mallory.caller.members.list({ orgId: "7d0f3c3e-9a59-4f7e-8f43-7f1f7d3b1c11" }), "NOT_FOUND");
  });

  it("lets a viewer read members but not create API keys or invite", async () => {
    const owner = await signUp("owner");
    const carol = await signUp("carol");
    const { token } = await owner.caller.members.invite({ orgId: owner.orgId, email: carol.email, role: "viewer" });
    expect(await carol.caller.me.acceptInvitation({ token })).toEqual({ tenantId: owner.orgId, role: "viewer" });

    const members = await carol.caller.members.list({ orgId: owner.orgId });
    expect(members.map((m) => [m.email, m.role])).toEqual(expect.arrayContaining([[owner.email, "owner"], [carol.email, "viewer"]]));
    await expectCode(carol.caller.apiKeys.create({ orgId: owner.orgId, name: "mine" }), "FORBIDDEN");
    await expectCode(carol.caller.apiKeys.list({ orgId: owner.orgId }), "FORBIDDEN");
    await expectCode(carol.caller.members.invite({ orgId: owner.orgId, email: "x@example.com", role: "viewer" }), "FORBIDDEN");
    await expectCode(carol.caller.audit.list({ orgId: owner.orgId }), "FORBIDDEN");
    // An invitation is used once.
    await expectCode(carol.caller.me.acceptInvitation({ token }), "NOT_FOUND");
  });

  it("manages members, invitations and API keys as an owner", async () => {
    const owner = await signUp("boss");
    const dave = await signUp("dave");
    const { token, invitation } = await owner.caller.members.invite({ orgId: owner.orgId, email: dave.email, role: "operator" });
    expect((await owner.caller.members.invitations({ orgId: owner.orgId })).map((i) => i.id)).toContain(invitation.id);
    await dave.caller.me.acceptInvitation({ token });

    // Raising a role applies at once; lowering one and removing a member are guarded requests,
    // which need the job runner: without one (as here) they are refused (503) and nothing changes.
    expect(await owner.caller.members.changeRole({ orgId: owner.orgId, userId: dave.userId, role: "admin" })).toEqual({ outcome: "applied", result: { userId: dave.userId, role: "admin" } });
    await expectCode(owner.caller.members.changeRole({ orgId: owner.orgId, userId: owner.userId, role: "viewer" }), "PRECONDITION_FAILED");
    expect((await expectCode(owner.caller.members.changeRole({ orgId: owner.orgId, userId: dave.userId, role: "viewer" }), "SERVICE_UNAVAILABLE")).message).toMatch(/job runner/);
    expect((await expectCode(owner.caller.members.remove({ orgId: owner.orgId, userId: dave.userId }), "SERVICE_UNAVAILABLE")).message).toMatch(/job runner/);
    expect((await dave.caller.members.list({ orgId: owner.orgId })).find((m) => m.userId === dave.userId)).toMatchObject({ role: "admin", guardian: false });
    // The refused requests are on record, cancelled by the system, so nothing waits with nothing behind it.
    const requests = await owner.caller.guard.list({ orgId: owner.orgId, filter: "all" });
    expect(requests.map((r) => [r.kind, r.status, r.cancelledBy?.type])).toEqual([
      ["member.remove", "cancelled", "system"],
      ["member.demote", "cancelled", "system"],
    ]);
    expect(await owner.caller.guard.list({ orgId: owner.orgId })).toEqual([]);

    const pending = await owner.caller.members.invite({ orgId: owner.orgId, email: "later@example.com", role: "viewer" });
    expect(await owner.caller.members.revokeInvitation({ orgId: owner.orgId, id: pending.invitation.id })).toEqual({ revoked: true });
    await expectCode(owner.caller.members.invite({ orgId: owner.orgId, email: "not-an-email", role: "viewer" }), "BAD_REQUEST");

    const created = await owner.caller.apiKeys.create({ orgId: owner.orgId, name: "CI", role: "operator", expiresInDays: 30 });
    expect(created.key).toMatch(/^hf_/);
    const keys = await owner.caller.apiKeys.list({ orgId: owner.orgId });
    expect(keys).toEqual([expect.objectContaining({ id: created.apiKey.id, name: "CI", role: "operator", revokedAt: null })]);
    expect(JSON.stringify(keys)).not.toContain(created.key);
    expect((await owner.caller.apiKeys.revoke({ orgId: owner.orgId, id: created.apiKey.id })).revokedAt).not.toBeNull();
    await expectCode(owner.caller.apiKeys.revoke({ orgId: owner.orgId, id: created.apiKey.id }), "NOT_FOUND");
  });

  it("pages the audit log newest first and filters by action", async () => {
    const owner = await signUp("auditor");
    for (const name of ["k1", "k2", "k3"]) await owner.caller.apiKeys.create({ orgId: owner.orgId, name });
    const first = await owner.caller.audit.list({ orgId: owner.orgId, limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.items[0]?.seq).toBeGreaterThan(first.items[1]?.seq ?? Infinity);
    expect(first.nextCursor).not.toBeNull();
    const second = await owner.caller.audit.list({ orgId: owner.orgId, limit: 2, cursor: first.nextCursor ?? undefined });
    expect(second.items[0]?.seq).toBeLessThan(first.items[1]?.seq ?? 0);

    const created = await owner.caller.audit.list({ orgId: owner.orgId, action: "api_key.created" });
    expect(created.items.map((e) => e.metadata.name)).toEqual(["k3", "k2", "k1"]);
    expect(created.items.every((e) => e.requestId === "int-test-request")).toBe(true);
  });

  it("enrols TOTP with a code from the authenticator", async () => {
    const erin = await signUp("erin");
    const { secret, uri } = await erin.caller.me.totp.start();
    expect(uri).toMatch(/^otpauth:\/\/totp\//);
    await expectCode(erin.caller.me.totp.confirm({ code: "12345" }), "BAD_REQUEST");
    expect(await erin.caller.me.totp.confirm({ code: totpCode(secret) })).toEqual({ enabled: true });
    expect((await erin.caller.me.profile()).mfaEnabled).toBe(true);
    await expectCode(erin.caller.me.totp.start(), "CONFLICT");
  });
});
