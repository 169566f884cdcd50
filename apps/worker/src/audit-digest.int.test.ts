// Signed audit digests end to end on the stack's versitygw: the worker's ports sign finished days
// and write them into the tenant's vault under compliance lock (the writer cannot delete them),
// and `holdfast-restore verify-audit`, run as a subprocess with only the reader's credentials,
// passes on the real export and fails on a chain rewritten by someone with the database owner's
// rights, naming the seq.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import { open } from "@holdfast/auth";
import { vaultConfig } from "@holdfast/config";
import { eq, sql, tenantVaults } from "@holdfast/db";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { exportAuditEvents, signUp, type TenantContext } from "@holdfast/services";
import { provisionTenantVault } from "@holdfast/services/vaults";
import { createS3Client, S3ObjectStore } from "@holdfast/vault/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuditDigestPorts } from "./audit-digest-ports";

const CLI_DIR = resolve(import.meta.dirname, "../../cli");
const DAY_MS = 86_400_000;
const utcDay = (d: Date) => d.toISOString().slice(0, 10);

let t: TestDatabase;
let owner: TenantContext;
let tenantId: string;
let bucket: string;
let dir: string;
let identities: Record<"reader" | "writer", { accessKeyId: string; secretAccessKey: string }>;
const history = utcDay(new Date(Date.now() - 3 * DAY_MS));
const quiet = utcDay(new Date(Date.now() - 2 * DAY_MS));

/**
 * Moves the tenant's events `days` back and re-chains them, as only the database owner can: the
 * trigger stamps events with the transaction's time, and a test cannot wait for a day to pass.
 * `alter` changes one event's action on the way, i.e. a rewrite of history.
 */
async function rewriteChain(days: number, alter?: { seq: number; action: string }) {
  if (!/^[0-9a-f-]{36}$/.test(tenantId)) throw new Error("bad tenant id");
  await t.owner.db.execute(
    sql.raw(`DO $$ DECLARE r audit_events; prev text := repeat('0', 64); BEGIN
      FOR r IN SELECT * FROM audit_events WHERE tenant_id = '${tenantId}' ORDER BY seq LOOP
        r.occurred_at := r.occurred_at - interval '${days} days';
        ${alter ? `IF r.seq = ${alter.seq} THEN r.action := '${alter.action}'; END IF;` : ""}
        r.prev_hash := prev;
        r.hash := encode(sha256(convert_to(audit_event_canonical(r), 'UTF8')), 'hex');
        UPDATE audit_events SET occurred_at = r.occurred_at, action = r.action, prev_hash = r.prev_hash, hash = r.hash WHERE id = r.id;
        prev := r.hash;
      END LOOP; END $$`),
  );
}

async function exportFile(name: string): Promise<string> {
  let text = "";
  for await (const line of exportAuditEvents(owner)) text += line;
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

function verifyAudit(eventsFile: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: dir,
    AWS_ACCESS_KEY_ID: identities.reader.accessKeyId,
    AWS_SECRET_ACCESS_KEY: identities.reader.secretAccessKey,
    AWS_ENDPOINT_URL_S3: vaultConfig().endpoint,
    HOLDFAST_VAULT_BUCKET: bucket,
  };
  return new Promise((done) => {
    execFile(process.execPath, ["--import", "tsx", "src/restore/main.ts", "verify-audit", "--events", eventsFile], { cwd: CLI_DIR, env, timeout: 90_000 }, (err, stdout, stderr) =>
      done({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");
  t = await createTestDatabase("audit_digest");
  dir = await mkdtemp(join(tmpdir(), "hf-audit-digest-"));
  const { userId, organization } = await signUp(t.app.db, { email: `digest-${randomBytes(3).toString("hex")}@example.test`, password: "a long enough password", organizationName: "Digest Ltd" });
  tenantId = organization.id;
  owner = { db: t.app.db, tenantId, actor: { type: "user", id: userId }, role: "owner" };
  await provisionTenantVault(owner);
  const [row] = await t.owner.db.select().from(tenantVaults).where(eq(tenantVaults.tenantId, tenantId));
  if (!row) throw new Error("no vault row");
  bucket = row.bucket;
  const unseal = (enc: string, role: string) => JSON.parse(open(Buffer.from(process.env.HOLDFAST_KEK ?? "", "base64"), enc, `tenant-vault:${tenantId}:${role}`)) as { accessKeyId: string; secretAccessKey: string };
  identities = { reader: unseal(row.readerEnc, "reader"), writer: unseal(row.writerEnc, "writer") };
  await rewriteChain(3);
}, 120_000);

afterAll(async () => {
  await t?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("audit digests in the vault", () => {
  it("signs the finished days and writes them under a compliance lock the writer cannot lift", async () => {
    const ports = createAuditDigestPorts({ db: t.worker.db, workerId: "digest-worker" });
    expect(await ports.tenants(new Date())).toContain(tenantId);
    const days = await ports.daysDue(tenantId, new Date(), 7);
    expect(days.slice(0, 2)).toEqual([history, quiet]);

    const first = await ports.digestDays(tenantId, days, new Date());
    expect(first.keyWritten).toBe(true);
    expect(first.days.every((d) => d.created && d.written)).toBe(true);
    // A second run signs nothing and writes nothing.
    const again = await ports.digestDays(tenantId, days, new Date());
    expect(again).toEqual({ keyWritten: false, days: days.map((day) => ({ day, created: false, written: false })) });

    const writer = new S3ObjectStore({ endpoint: vaultConfig().endpoint, region: vaultConfig().region, forcePathStyle: true, bucket, credentials: identities.writer });
    const key = `audit/digests/${history}.json`;
    const retention = await writer.retention(key);
    expect(retention.mode).toBe("COMPLIANCE");
    expect(retention.retainUntil!.getTime()).toBeGreaterThan(Date.now() + 6.9 * 365 * DAY_MS);
    expect((await writer.retention("audit/signing-key.json")).retainUntil!.getTime()).toBeGreaterThanOrEqual(retention.retainUntil!.getTime());
    const stored = JSON.parse(new TextDecoder().decode(await writer.get(key))) as { payload: string; signature: string };
    expect(JSON.parse(stored.payload)).toMatchObject({ tenantId, day: history, fromSeq: 1 });

    const info = await writer.head(key);
    const client = createS3Client({ endpoint: vaultConfig().endpoint, region: vaultConfig().region, forcePathStyle: true, maxAttempts: 1 }, identities.writer);
    try {
      await expect(client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: info?.versionId }))).rejects.toMatchObject({ name: "AccessDenied" });
    } finally {
      client.destroy();
    }
    expect(await writer.head(key)).toMatchObject({ versionId: info?.versionId });
  });

  it("holdfast-restore verify-audit passes on the export and fails, naming the seq, once history is rewritten", async () => {
    const good = await verifyAudit(await exportFile("events.jsonl"));
    expect(good.stderr).toBe("");
    expect(good.stdout).toContain(`OK    ${history} seq 1..`);
    expect(good.stdout).toContain(`OK    ${quiet}`);
    expect(good.stdout).toMatch(/audit chain verified/);
    expect(good.code).toBe(0);

    // The database owner rewrites event 1 and re-chains everything: the chain is consistent, the digests are not.
    await rewriteChain(0, { seq: 1, action: "organization.nothing_to_see" });
    const bad = await verifyAudit(await exportFile("rewritten.jsonl"));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(new RegExp(`FAIL  ${history} .*seq \\d+: its hash in the events file .* differs from the signed`));
    expect(bad.stderr).toMatch(/does not match its signed digests/);
  });
});
