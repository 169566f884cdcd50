// Rotating the vault's credentials against a real database and a real versitygw (issue 7, ADR 0005):
// asked as a guarded request, carried out by the worker's side (`rotateTenantVaultCredentials`)
// only once the guard executed it, and stored only through the worker's definer function. The
// guardedRequest workflow doing this on a real worker is apps/worker's vault-rotation.int.test.ts.
import { createHash, randomBytes } from "node:crypto";
import { open, seal } from "@holdfast/auth";
import { kekConfig, vaultConfig } from "@holdfast/config";
import { eq, sql, tenantVaults, withTenant, type Database } from "@holdfast/db";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { newVaultCredentials, VersityAdmin, type VaultIdentity } from "@holdfast/vault/provision";
import { S3ObjectStore, StoreError } from "@holdfast/vault/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptInvitation, approveGuardedRequest, cancelGuardedRequest, getVaultStatus, guardApply, inviteMember, listAuditEvents, requestVaultCredentialRotation, type TenantContext } from "../index";
import { codeOf, directGuardRunner, enrolledPerson } from "../test-support";
import { provisionTenantVault, rotateTenantVaultCredentials } from "./tenant-vault";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

let t: TestDatabase;
const runner = directGuardRunner(() => t.guard.db);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const roles = ["writer", "reader", "gc"] as const;

async function newOrg(label: string, opts: { vault: boolean }) {
  const o = await enrolledPerson(t.app.db, `${label}-owner`);
  const owner: TenantContext = { db: t.app.db, tenantId: o.tenantId, actor: { type: "user", id: o.userId }, role: "owner" };
  const a = await enrolledPerson(t.app.db, `${label}-admin`);
  await acceptInvitation(t.app.db, a.userId, (await inviteMember(owner, { email: a.email, role: "admin" })).token);
  const admin: TenantContext = { db: t.app.db, tenantId: o.tenantId, actor: { type: "user", id: a.userId }, role: "admin" };
  await t.owner.pool.query("update organizations set guard_delay_seconds = 1 where id = $1", [o.tenantId]);
  const bucket = opts.vault ? (await provisionTenantVault(owner, { retainDays: 1 })).bucket : null;
  return { tenantId: o.tenantId, ownerUserId: o.userId, owner, admin, viewer: { ...admin, role: "viewer" } as TenantContext, adminCode: a.code, bucket };
}
type Org = Awaited<ReturnType<typeof newOrg>>;

async function identities(tenantId: string): Promise<Record<(typeof roles)[number], VaultIdentity>> {
  const [row] = await t.owner.db.select().from(tenantVaults).where(eq(tenantVaults.tenantId, tenantId));
  if (!row) throw new Error("no vault row");
  const enc = { writer: row.writerEnc, reader: row.readerEnc, gc: row.gcEnc };
  return Object.fromEntries(roles.map((r) => [r, JSON.parse(open(kekConfig().kek, enc[r], `tenant-vault:${tenantId}:${r}`)) as VaultIdentity])) as Record<(typeof roles)[number], VaultIdentity>;
}

const versityAdmin = () =>
  new VersityAdmin({ endpoint: vaultConfig().endpoint, region: vaultConfig().region, credentials: { accessKeyId: vaultConfig().accessKeyId, secretAccessKey: vaultConfig().secretAccessKey } });

/** Lists the bucket as this identity: "ok", or the store's error code. */
async function reach(bucket: string, identity: VaultIdentity): Promise<string> {
  const store = new S3ObjectStore({ endpoint: vaultConfig().endpoint, region: vaultConfig().region, forcePathStyle: true, maxAttempts: 1, bucket, credentials: identity });
  try {
    for await (const _ of store.list("")) break;
    return "ok";
  } catch (err) {
    return err instanceof StoreError ? err.code : String(err);
  }
}

/** Asked by the owner, approved by the admin, its delay waited out, executed by the guard. */
async function executedRotation(o: Org) {
  const request = await requestVaultCredentialRotation(o.owner, { reason: "a worker's environment leaked" }, { guard: runner });
  await approveGuardedRequest(o.admin, request.id, { code: o.adminCode() }, runner);
  await sleep(1100);
  expect(await guardApply(t.guard.db, request.id)).toEqual({ status: "executed", failure: null });
  return request;
}

/** A request inserted over SQL by the application role (what an injection could do): the database makes it pending. */
async function forged(o: Org, kind: string): Promise<string> {
  const rows = await withTenant(t.app.db, o.tenantId, (tx) =>
    tx.execute<{ id: string }>(
      sql`insert into guarded_requests (tenant_id, kind, params, summary, requested_by_actor_type, requested_by_actor_id, requested_by_user_id)
          values (${o.tenantId}::uuid, ${kind}, '{}', 'forged', 'user', ${o.ownerUserId}, ${o.ownerUserId}::uuid) returning id`,
    ),
  );
  return rows.rows[0]?.id ?? "";
}

/** A statement's outcome: "accepted", or the database's message. */
async function answer(db: Database, tenantId: string, statement: ReturnType<typeof sql>): Promise<string> {
  try {
    await withTenant(db, tenantId, (tx) => tx.execute(statement));
    return "accepted";
  } catch (err) {
    const e = err as Error & { cause?: Error };
    return e.cause?.message ?? e.message;
  }
}

beforeAll(async () => {
  t = await createTestDatabase("vault_rotation");
  await t.owner.pool.query("update holdfast_platform_settings set min_guard_delay_seconds = 0");
}, 60_000);

afterAll(async () => {
  await t?.drop();
});

describe("rotating the vault's credentials", () => {
  it("is a guarded request of an admin, refused without a vault, once at a time, and changes nothing until carried out", async () => {
    const bare = await newOrg("rot-bare", { vault: false });
    const none = await codeOf(requestVaultCredentialRotation(bare.admin, {}, { guard: runner }));
    expect(none).toBe("PRECONDITION_FAILED");

    const o = await newOrg("rot-ask", { vault: true });
    expect(await codeOf(requestVaultCredentialRotation(o.viewer, {}, { guard: runner }))).toBe("FORBIDDEN");
    expect(await codeOf(requestVaultCredentialRotation(o.admin, { reason: "" }, { guard: runner }))).toBe("VALIDATION");
    expect(await codeOf(requestVaultCredentialRotation(o.admin, { why: "x" } as never, { guard: runner }))).toBe("VALIDATION");
    const before = await identities(o.tenantId);
    const request = await requestVaultCredentialRotation(o.admin, { reason: "routine" }, { guard: runner });
    expect(request).toMatchObject({ kind: "vault.rotate_credentials", label: "Rotate the vault's credentials", status: "pending", params: {} });
    expect(request.summary).toBe(
      `Rotate the vault's credentials (bucket ${o.bucket}): new writer, reader and garbage-collector identities; the current ones stop working and are deleted. Reason given: routine`,
    );
    expect(await codeOf(requestVaultCredentialRotation(o.owner, {}, { guard: runner }))).toBe("CONFLICT");
    // Not executed: the worker's side does nothing, and the definer function refuses.
    expect(await rotateTenantVaultCredentials(t.worker.db, o.tenantId, request.id)).toBeNull();
    expect(await answer(t.worker.db, o.tenantId, sql`select holdfast_vault_store_rotation(${request.id}::uuid, 'v1.a', 'v1.b', 'v1.c', '{}')`)).toBe("this rotation is pending, not executed");
    await cancelGuardedRequest(o.owner, request.id, { reason: "not now" }, runner);
    expect(await identities(o.tenantId)).toEqual(before);
    expect((await getVaultStatus(o.viewer)).credentialsRotatedAt).toBeNull();
  });

  it("once executed, the worker's side replaces all three identities: the old ones are refused and deleted, the new ones reach the vault; a retry changes nothing", async () => {
    const o = await newOrg("rot-run", { vault: true });
    const bucket = o.bucket ?? "";
    const old = await identities(o.tenantId);
    for (const r of roles) expect(await reach(bucket, old[r])).toBe("ok");
    const request = await executedRotation(o);

    const outcome = await rotateTenantVaultCredentials(t.worker.db, o.tenantId, request.id, "rotation-test");
    expect(outcome).toEqual({ rotated: true, deleted: roles.map((r) => old[r].accessKeyId) });
    const fresh = await identities(o.tenantId);
    for (const r of roles) {
      expect(fresh[r].accessKeyId).not.toBe(old[r].accessKeyId);
      expect(await reach(bucket, fresh[r])).toBe("ok");
      expect(await reach(bucket, old[r])).toBe("access_denied");
    }
    const admin = versityAdmin();
    const users = new Set((await admin.listUsers()).map((u) => u.access));
    for (const r of roles) {
      expect(users.has(old[r].accessKeyId)).toBe(false);
      expect(users.has(fresh[r].accessKeyId)).toBe(true);
    }
    const [row] = await t.owner.db.select().from(tenantVaults).where(eq(tenantVaults.tenantId, o.tenantId));
    expect(row).toMatchObject({ credentialsRotatedByRequestId: request.id, retiredAccessKeyIds: roles.map((r) => old[r].accessKeyId) });
    expect((await getVaultStatus(o.viewer)).credentialsRotatedAt).toBe(row?.credentialsRotatedAt?.toISOString());
    const audited = (await listAuditEvents(o.owner, { action: "vault.credentials_rotated" })).items;
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ actorType: "system", targetType: "vault", targetId: bucket, metadata: { requestId: request.id, retiredAccessKeyIds: roles.map((r) => old[r].accessKeyId) } });
    // No secret in the audit row.
    for (const r of roles) expect(JSON.stringify(audited[0])).not.toContain(fresh[r].secretAccessKey);

    // A retried activity: nothing stored again, nothing deleted, the same identities work.
    expect(await rotateTenantVaultCredentials(t.worker.db, o.tenantId, request.id, "rotation-test")).toEqual({ rotated: false, deleted: [] });
    expect(await identities(o.tenantId)).toEqual(fresh);
    for (const r of roles) expect(await reach(bucket, fresh[r])).toBe("ok");
    expect((await listAuditEvents(o.owner, { action: "vault.credentials_rotated" })).items).toHaveLength(1);
  });

  it("a rotation stored but overtaken before it deleted the old identities hands them to the next one, which deletes them", async () => {
    const o = await newOrg("rot-overtaken", { vault: true });
    const original = await identities(o.tenantId);
    const a = await executedRotation(o);
    // Rotation A's attempt got as far as storing its identities, then died (no final policy, no deletion).
    const suffix = createHash("sha256").update(`vault-rotation:${a.id}`).digest("hex").slice(0, 12);
    const admin = versityAdmin();
    const made = Object.fromEntries(
      await Promise.all(roles.map(async (r) => { const c = newVaultCredentials(o.tenantId, r, suffix); return [r, await admin.createIdentity(c.accessKeyId, c.secretAccessKey)] as const; })),
    ) as Record<(typeof roles)[number], VaultIdentity>;
    const sealed = (r: (typeof roles)[number]) => seal(kekConfig().kek, JSON.stringify(made[r]), `tenant-vault:${o.tenantId}:${r}`);
    const stored = await answer(
      t.worker.db,
      o.tenantId,
      sql`select holdfast_vault_store_rotation(${a.id}::uuid, ${sealed("writer")}, ${sealed("reader")}, ${sealed("gc")}, ${sql.param(roles.map((r) => original[r].accessKeyId))}::text[])`,
    );
    expect(stored).toBe("accepted");
    // Rotation B runs to the end before A's retry: it deletes A's identities and the original ones.
    const b = await executedRotation(o);
    const outcome = await rotateTenantVaultCredentials(t.worker.db, o.tenantId, b.id);
    expect(outcome?.rotated).toBe(true);
    expect([...(outcome?.deleted ?? [])].sort()).toEqual([...roles.map((r) => made[r].accessKeyId), ...roles.map((r) => original[r].accessKeyId)].sort());
    const users = new Set((await admin.listUsers()).map((u) => u.access));
    for (const r of roles) expect([users.has(original[r].accessKeyId), users.has(made[r].accessKeyId)]).toEqual([false, false]);
    // A's retry finds itself overtaken: nothing stored, nothing left to delete.
    expect(await rotateTenantVaultCredentials(t.worker.db, o.tenantId, a.id)).toEqual({ rotated: false, deleted: [] });
    const now = await identities(o.tenantId);
    for (const r of roles) expect(await reach(o.bucket ?? "", now[r])).toBe("ok");
  });

  it("stores credentials only through the worker's definer function, and only for its own executed rotation", async () => {
    const o = await newOrg("rot-sql", { vault: true });
    const other = await newOrg("rot-sql-other", { vault: true });
    const before = await identities(o.tenantId);
    // The console's role has no UPDATE on the table and may not call the function.
    expect(await answer(t.app.db, o.tenantId, sql`update tenant_vaults set writer_enc = reader_enc`)).toBe("permission denied for table tenant_vaults");
    const request = await executedRotation(o);
    expect(await answer(t.app.db, o.tenantId, sql`select holdfast_vault_store_rotation(${request.id}::uuid, 'v1.a', 'v1.b', 'v1.c', '{}')`)).toBe(
      "permission denied for function holdfast_vault_store_rotation",
    );
    // The worker's role: not from another tenant's transaction, not for another kind of request.
    expect(await answer(t.worker.db, other.tenantId, sql`select holdfast_vault_store_rotation(${request.id}::uuid, 'v1.a', 'v1.b', 'v1.c', '{}')`)).toBe(
      `there is no guarded request ${request.id} in this organisation`,
    );
    const close = await forged(o, "organization.close");
    expect(await answer(t.worker.db, o.tenantId, sql`select holdfast_vault_store_rotation(${close}::uuid, 'v1.a', 'v1.b', 'v1.c', '{}')`)).toBe(
      `request ${close} is organization.close, not a rotation of the vault's credentials`,
    );
    expect(await identities(o.tenantId)).toEqual(before);
    // The other tenant's worker-side call for this request id does nothing.
    expect(await rotateTenantVaultCredentials(t.worker.db, other.tenantId, request.id)).toBeNull();
  });

  it("the guard fails a rotation when the organisation has no vault", async () => {
    const o = await newOrg("rot-novault", { vault: false });
    // Asked over SQL, as a forged row would be (the request layer refuses it without a vault).
    const id = await forged(o, "vault.rotate_credentials");
    await approveGuardedRequest(o.admin, id, { code: o.adminCode() }, runner);
    await sleep(1100);
    expect(await guardApply(t.guard.db, id)).toEqual({ status: "failed", failure: "the organisation has no vault" });
  });
});
