// Rotating the vault's credentials end to end on the real servers (issue 7, ADR 0005): the rotation
// is asked by the owner, approved by a second admin and executed by the guardedRequest workflow on a
// real worker (Temporal dev server, the worker and holdfast_guard roles on Postgres), whose activity
// then replaces the writer, reader and gc identities at versitygw. Afterwards the old identities are
// refused and gone, the new writer backs up, and holdfast-restore — the offline tool, run as a process
// with only the new reader's credentials and the recovery key — lists what the old writer wrote. A
// rotation whose earlier attempt died before storing its identities still ends with fresh secrets.
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { createTemporalJobs, type JobsPort } from "@holdfast/api/jobs";
import { open } from "@holdfast/auth";
import { kekConfig, vaultConfig } from "@holdfast/config";
import { eq, sql, tenantVaults, withTenant, type Database, type TenantVault } from "@holdfast/db";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { approveGuardedRequest, requestVaultCredentialRotation, systemContext, type TenantContext } from "@holdfast/services";
import { openTenantVault, provisionTenantVault, rotateTenantVaultCredentials } from "@holdfast/services/vaults";
import type { Vault } from "@holdfast/vault";
import { VersityAdmin, type VaultIdentity } from "@holdfast/vault/provision";
import { S3ObjectStore, StoreError } from "@holdfast/vault/store";
import { guardedRequestWorkflowId, type GuardedRequestResult } from "@holdfast/workflows";
import type { TestWorkflowEnvironment } from "@temporalio/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { holdfastRestore } from "../test/holdfast-restore";
import { enrolledPerson } from "../test/people";
import { createTestTemporal, startSuiteWorker } from "../test/temporal";
import { createGuardPorts } from "./guard-ports";
import { type RunningWorker } from "./main";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

const taskQueue = `vault-rotation-${randomBytes(4).toString("hex")}`;
const ROLES = ["writer", "reader", "gc"] as const;
type Role = (typeof ROLES)[number];
const ROLE_TAG: Record<Role, string> = { writer: "w", reader: "r", gc: "gc" };
let t: TestDatabase;
let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let jobs: JobsPort;
let dir: string;


const versity = () => new VersityAdmin({ endpoint: vaultConfig().endpoint, region: vaultConfig().region, credentials: { accessKeyId: vaultConfig().accessKeyId, secretAccessKey: vaultConfig().secretAccessKey } });
const users = async () => new Set((await versity().listUsers()).map((u) => u.access));

async function vaultRow(tenantId: string): Promise<TenantVault> {
  const [row] = await t.owner.db.select().from(tenantVaults).where(eq(tenantVaults.tenantId, tenantId));
  if (!row) throw new Error(`tenant ${tenantId} has no vault row`);
  return row;
}

/** The three identities the catalogue holds for the tenant, unsealed as the worker does. */
async function storedIdentities(tenantId: string): Promise<Record<Role, VaultIdentity>> {
  const row = await vaultRow(tenantId);
  const enc: Record<Role, string> = { writer: row.writerEnc, reader: row.readerEnc, gc: row.gcEnc };
  return Object.fromEntries(ROLES.map((r) => [r, JSON.parse(open(kekConfig().kek, enc[r], `tenant-vault:${tenantId}:${r}`)) as VaultIdentity])) as Record<Role, VaultIdentity>;
}

/** Reads the vault's config object as this identity: "ok", or the StoreError versitygw's answer became. */
async function readConfigAs(bucket: string, credentials: { accessKeyId: string; secretAccessKey: string }): Promise<"ok" | StoreError> {
  const store = new S3ObjectStore({ endpoint: vaultConfig().endpoint, region: vaultConfig().region, forcePathStyle: true, maxAttempts: 1, bucket, credentials });
  try {
    await store.get("config");
    return "ok";
  } catch (err) {
    if (err instanceof StoreError) return err;
    throw err;
  }
}

/** The identity ids a rotation carried out for `requestId` names (newVaultCredentials with the rotation's suffix). */
function rotationIds(tenantId: string, requestId: string): Record<Role, string> {
  const slug = tenantId.toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 12);
  const suffix = createHash("sha256").update(`vault-rotation:${requestId}`).digest("hex").slice(0, 12);
  return Object.fromEntries(ROLES.map((r) => [r, `hf-${slug}-${ROLE_TAG[r]}-${suffix}`])) as Record<Role, string>;
}

/** Asked by the owner, approved by the admin, executed by the workflow on the worker after its delay. */
async function rotate(owner: { ctx: TenantContext }, admin: { ctx: TenantContext; code: () => string }, beforeApproval?: (requestId: string) => Promise<void>): Promise<string> {
  const request = await requestVaultCredentialRotation(owner.ctx, { reason: "a worker's environment leaked" }, { guard: jobs });
  await beforeApproval?.(request.id);
  await approveGuardedRequest(admin.ctx, request.id, { code: admin.code() }, jobs);
  const result = (await env.client.workflow.getHandle(guardedRequestWorkflowId(request.id)).result()) as GuardedRequestResult;
  expect(result).toEqual({ requestId: request.id, status: "executed" });
  return request.id;
}

/** One committed snapshot of two small items, written through `vault`; answers its id. */
async function backUp(vault: Vault, unit: string, files: { path: string; body: string }[]): Promise<string> {
  const w = await vault.startSnapshot({ source: "source-1", unit, startedAt: new Date(), retainUntil: new Date(Date.now() + 86_400_000) });
  for (const f of files) await w.putItem(f.path, Readable.from([Buffer.from(f.body)]), { externalId: f.path, kind: "file", path: `/${f.path}`, name: f.path.split("/").pop() ?? f.path, version: "1" });
  const id = await w.commit();
  await vault.close();
  return id;
}

/** Runs `statement` in a tenant transaction on `db`: "accepted", or the database's refusal. */
async function asRole(db: Database, tenantId: string, statement: ReturnType<typeof sql>): Promise<string> {
  try {
    await withTenant(db, tenantId, (tx) => tx.execute(statement));
  } catch (err) {
    const e = err as Error & { cause?: Error };
    return e.cause?.message ?? e.message;
  }
  return "accepted";
}

beforeAll(async () => {
  [t, env] = await Promise.all([createTestDatabase("vault_rotation"), createTestTemporal()]);
  await t.owner.pool.query("update holdfast_platform_settings set min_guard_delay_seconds = 0");
  worker = await startSuiteWorker(env, { db: t.worker.db, taskQueue, guard: createGuardPorts({ db: t.worker.db, guardDb: t.guard.db, workerId: "vault-rotation-test" }) });
  jobs = createTemporalJobs({ address: "unused", namespace: env.namespace ?? "default", taskQueue, client: env.client });
  dir = await mkdtemp(join(tmpdir(), "hf-vault-rotation-"));
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await worker?.done;
  await jobs?.close();
  await env?.teardown();
  await t?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("rotating the vault's credentials through the guard and the worker", () => {
  it("replaces the three identities: the old ones are refused and deleted, the new ones back up and restore", async () => {
    const owner = await enrolledPerson(t.app.db, null, "rotation-owner");
    const admin = await enrolledPerson(t.app.db, owner.ctx, "rotation-admin");
    const tenantId = owner.ctx.tenantId;
    await t.owner.pool.query("update organizations set guard_delay_seconds = 1 where id = $1", [tenantId]);
    const { bucket, recoveryKey } = await provisionTenantVault(owner.ctx, { retainDays: 1 });

    // A backup written with the identities provisioned with the vault.
    const system = systemContext(t.worker.db, tenantId, "vault-rotation-test");
    const files = [
      { path: "HR/handbook.pdf~1", body: "the staff handbook" },
      { path: "HR/rota.xlsx~1", body: "who is on call" },
    ];
    const firstSnapshot = await backUp(await openTenantVault(system, "writer"), "unit-1", files);
    const old = await storedIdentities(tenantId);
    for (const r of ROLES) expect(await readConfigAs(bucket, old[r])).toBe("ok");

    const requestId = await rotate(owner, admin);

    // The catalogue holds three new identities, named after the request, and which ones they retired.
    const row = await vaultRow(tenantId);
    const fresh = await storedIdentities(tenantId);
    const ids = rotationIds(tenantId, requestId);
    for (const r of ROLES) {
      expect(fresh[r].accessKeyId).toBe(ids[r]);
      expect(fresh[r].secretAccessKey).not.toBe(old[r].secretAccessKey);
    }
    expect(row.credentialsRotatedByRequestId).toBe(requestId);
    expect(row.credentialsRotatedAt).toBeInstanceOf(Date);
    expect(row.retiredAccessKeyIds).toEqual(ROLES.map((r) => old[r].accessKeyId));

    // The old identities: refused by the gateway, and no longer accounts there at all.
    for (const r of ROLES) {
      const refused = await readConfigAs(bucket, old[r]);
      expect(refused, `the old ${r} still reads the vault`).toBeInstanceOf(StoreError);
      // Not only denied by the bucket's policy: the gateway no longer knows the key at all.
      expect(refused).toMatchObject({ code: "access_denied", details: { op: "get", bucket, key: "config", status: 403, s3Code: "InvalidAccessKeyId" } });
    }
    const accounts = await users();
    for (const r of ROLES) {
      expect(accounts.has(old[r].accessKeyId), `${old[r].accessKeyId} is still an account at versitygw`).toBe(false);
      expect(accounts.has(fresh[r].accessKeyId)).toBe(true);
    }

    // The new writer backs up (the worker opens the vault from the catalogue as always)...
    const secondSnapshot = await backUp(await openTenantVault(system, "writer"), "unit-2", [{ path: "Finance/budget.xlsx~1", body: "next year's budget" }]);
    expect(secondSnapshot).not.toBe(firstSnapshot);
    // ...and the new reader, offline, lists what the old writer wrote.
    const ls = await holdfastRestore(["ls", firstSnapshot, "--json"], { bucket, reader: fresh.reader, recoveryKey }, dir);
    expect(ls.stderr).toBe("");
    expect(ls.code).toBe(0);
    const listed = JSON.parse(ls.stdout) as { items: { path: string }[] };
    expect(listed.items.map((i) => i.path).sort()).toEqual(files.map((f) => f.path).sort());
    // The old reader cannot do the same any more.
    const oldLs = await holdfastRestore(["ls", firstSnapshot, "--json"], { bucket, reader: old.reader, recoveryKey }, dir);
    expect(oldLs.code).not.toBe(0);
    expect(oldLs.stdout).toBe("");

    // Audited: the guard's execution, and the worker storing the new identities (access key ids only).
    const { rows: audit } = await t.owner.pool.query<{ action: string; actor_id: string; target_id: string; metadata: Record<string, unknown> }>(
      "select action, actor_id, target_id, metadata from audit_events where tenant_id = $1 and action in ('guarded_request.executed', 'vault.credentials_rotated') order by occurred_at",
      [tenantId],
    );
    expect(audit).toEqual([
      { action: "guarded_request.executed", actor_id: "guard", target_id: requestId, metadata: { kind: "vault.rotate_credentials", params: {} } },
      { action: "vault.credentials_rotated", actor_id: "worker", target_id: bucket, metadata: { requestId, retiredAccessKeyIds: ROLES.map((r) => old[r].accessKeyId) } },
    ]);
    for (const r of ROLES) expect(JSON.stringify(audit)).not.toContain(fresh[r].secretAccessKey);

    // Carried out again (a retried activity): nothing stored, nothing deleted, nothing changed.
    expect(await rotateTenantVaultCredentials(t.worker.db, tenantId, requestId, "vault-rotation-test")).toEqual({ rotated: false, deleted: [] });
    expect(await vaultRow(tenantId)).toEqual(row);
    expect(await users()).toEqual(accounts);
    for (const r of ROLES) expect(await readConfigAs(bucket, fresh[r])).toBe("ok");
    const ports = createGuardPorts({ db: t.worker.db, guardDb: t.guard.db, workerId: "vault-rotation-test" });
    expect(await ports.rotateVaultCredentials?.(tenantId, requestId)).toEqual({ rotated: false, deleted: 0 });

    // Only the worker's role stores a rotation, and only an executed one.
    const sealedArgs = (id: string) => sql`select holdfast_vault_store_rotation(${id}::uuid, ${row.writerEnc}, ${row.readerEnc}, ${row.gcEnc}, ${sql.param(["x"])}::text[])`;
    expect(await asRole(t.app.db, tenantId, sealedArgs(requestId))).toBe("permission denied for function holdfast_vault_store_rotation");
    expect(await asRole(t.app.db, tenantId, sql`update tenant_vaults set writer_enc = ${row.readerEnc} where tenant_id = ${tenantId}`)).toBe("permission denied for table tenant_vaults");
    const pending = await requestVaultCredentialRotation(owner.ctx, {}, { guard: jobs });
    expect(await asRole(t.worker.db, tenantId, sealedArgs(pending.id))).toBe("this rotation is pending, not executed");
    expect(await asRole(t.worker.db, tenantId, sealedArgs(tenantId))).toBe(`there is no guarded request ${tenantId} in this organisation`);
    expect(await vaultRow(tenantId)).toEqual(row);
  }, 240_000);

  it("finishes a rotation whose earlier attempt created its identities and died before storing them", async () => {
    const owner = await enrolledPerson(t.app.db, null, "crash-owner");
    const admin = await enrolledPerson(t.app.db, owner.ctx, "crash-admin");
    const tenantId = owner.ctx.tenantId;
    await t.owner.pool.query("update organizations set guard_delay_seconds = 1 where id = $1", [tenantId]);
    const { bucket } = await provisionTenantVault(owner.ctx, { retainDays: 1 });
    const old = await storedIdentities(tenantId);

    // What a dead attempt leaves: the rotation's identities exist at the gateway, with secrets nobody stored.
    const leftSecret = randomBytes(32).toString("base64url");
    let ids: Record<Role, string> | undefined;
    const requestId = await rotate(owner, admin, async (id) => {
      ids = rotationIds(tenantId, id);
      for (const r of ROLES) await versity().createIdentity(ids[r], leftSecret);
      for (const r of ROLES) expect((await users()).has(ids[r])).toBe(true);
    });
    if (!ids) throw new Error("the rotation's identities were not pre-created");

    const fresh = await storedIdentities(tenantId);
    const accounts = await users();
    for (const r of ROLES) {
      expect(fresh[r].accessKeyId).toBe(ids[r]);
      expect(fresh[r].secretAccessKey).not.toBe(leftSecret);
      expect(await readConfigAs(bucket, fresh[r])).toBe("ok");
      // The left-over secret opens nothing: the identity was made again with a fresh one.
      expect(await readConfigAs(bucket, { accessKeyId: ids[r], secretAccessKey: leftSecret })).toMatchObject({ code: "access_denied", details: { status: 403, s3Code: "SignatureDoesNotMatch" } });
      expect(await readConfigAs(bucket, old[r])).toMatchObject({ code: "access_denied", details: { status: 403, s3Code: "InvalidAccessKeyId" } });
      expect(accounts.has(old[r].accessKeyId)).toBe(false);
    }
    expect((await vaultRow(tenantId)).credentialsRotatedByRequestId).toBe(requestId);
  }, 240_000);
});
