// What the sweep keeps and hides when snapshots expire (docs/adr/0018, "Sweep"; migration 0037),
// against a real database: a snapshot stays while another restore point shows a version first
// captured in it (the one at the version's last seq included), a chain of such snapshots expires
// together once its head does, and the versions no restore point holds any more are marked and
// left out of browse, search and an item's versions — the database refusing any mark that would
// hide a version a restore point still shows.
import { createHash, randomBytes } from "node:crypto";
import { sql } from "@holdfast/db";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  browse,
  commitSnapshot,
  expireSnapshots,
  finishRun,
  listItemVersions,
  markDeleted,
  openSnapshot,
  recordVersions,
  registerSource,
  search,
  signUp,
  startRun,
  syncDiscoveredUnits,
  systemContext,
  type TenantContext,
} from "../index";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

const DAY = 86_400_000;
let t: TestDatabase;
let owner: TenantContext;
let worker: TenantContext;
let sourceId: string;
let unitId: string;

beforeAll(async () => {
  t = await createTestDatabase("expired-versions");
  const { userId, organization } = await signUp(t.app.db, { email: `expiry-${randomBytes(3).toString("hex")}@example.test`, password: "a long enough password", organizationName: "Expiry Ltd" });
  owner = { db: t.app.db, tenantId: organization.id, actor: { type: "user", id: userId }, role: "owner" };
  // The backup engine and the sweep write the catalogue's history with the worker's role (ADR 0024).
  worker = systemContext(t.worker.db, organization.id, "expiry-test");
  sourceId = (await registerSource(owner, { provider: "google", displayName: "expiry.example", credentials: { refreshToken: "1//refresh" } })).id;
  const { added } = await syncDiscoveredUnits(worker, { sourceId, units: [{ kind: "drive", externalId: "drive-1", displayName: "Drive" }] });
  unitId = added[0]!.id;
});

afterAll(async () => {
  await t?.drop();
});

let runNo = 0;
/** One backup of the unit: `work` writes into the open snapshot, then it commits with `retainUntil`. */
async function backup(retainUntil: Date, work: (snapshotId: string, vaultSnapshotId: string) => Promise<unknown>): Promise<string> {
  const run = await startRun(worker, { sourceId, trigger: "scheduled", workflowId: `backup:${sourceId}:${++runNo}` });
  const snap = await openSnapshot(worker, { unitId, runId: run.id });
  const vaultSnapshotId = createHash("sha256").update(`vs-${runNo}`).digest("hex");
  await work(snap.id, vaultSnapshotId);
  await commitSnapshot(worker, snap.id, { vaultSnapshotId, retainUntil });
  await finishRun(worker, run.id, { outcome: "finished" });
  return snap.id;
}
const file = (externalId: string, version: string, vaultSnapshotId: string) => ({
  externalId,
  kind: "file" as const,
  version,
  path: `/${externalId}.txt`,
  name: `${externalId}.txt`,
  contentSha256: createHash("sha256").update(`${externalId}@${version}`).digest("hex"),
  vault: { snapshotId: vaultSnapshotId, path: `/${externalId}.txt` },
});
const past = () => new Date(Date.now() - DAY);
const future = (days = 90) => new Date(Date.now() + days * DAY);
const statusOf = async (id: string) => (await t.owner.pool.query<{ status: string }>("select status::text from snapshots where id = $1", [id])).rows[0]?.status;
const versionsOf = async () =>
  (
    await t.owner.pool.query<{ external_id: string; version: string; first_seq: number; last_seq: number | null; expired: boolean }>(
      "select i.external_id, v.version, v.first_seq, v.last_seq, v.expired_at is not null as expired from item_versions v join items i on i.id = v.item_id where v.unit_id = $1 order by i.external_id, v.first_seq",
      [unitId],
    )
  ).rows;

describe("expiring snapshots and the versions only they held", () => {
  const snaps: string[] = [];

  it("keep a snapshot while another restore point shows a version first captured in it, up to and including the version's last seq", async () => {
    // seq 1: a@1 and b@1.  seq 2: a@2, b unchanged.  seq 3: a@3, b deleted.  seq 4: nothing new (the latest).
    snaps.push(await backup(past(), (s, vs) => recordVersions(worker, s, [file("a", "1", vs), file("b", "1", vs)])));
    snaps.push(await backup(future(), (s, vs) => recordVersions(worker, s, [file("a", "2", vs), file("b", "1", vs)])));
    snaps.push(
      await backup(past(), async (s, vs) => {
        await recordVersions(worker, s, [file("a", "3", vs)]);
        await markDeleted(worker, s, ["b"]);
      }),
    );
    snaps.push(await backup(future(), () => Promise.resolve()));
    expect(await versionsOf()).toEqual([
      { external_id: "a", version: "1", first_seq: 1, last_seq: 1, expired: false },
      { external_id: "a", version: "2", first_seq: 2, last_seq: 2, expired: false },
      { external_id: "a", version: "3", first_seq: 3, last_seq: null, expired: false },
      { external_id: "b", version: "1", first_seq: 1, last_seq: 2, expired: false },
    ]);

    // seq 1 is past its date, but seq 2 shows b@1 (its last seq), read from seq 1's manifest; seq 3
    // is past its date, but the latest shows a@3, captured in it.
    expect(await expireSnapshots(worker)).toBe(0);
    expect(await Promise.all(snaps.map(statusOf))).toEqual(["committed", "committed", "committed", "committed"]);
    expect((await versionsOf()).filter((v) => v.expired)).toEqual([]);
  });

  it("expire a chain together once its head expires, and hide the versions no restore point holds", async () => {
    // seq 2's date passes (the owner stands in for time here; no application role may move it earlier).
    const c = await t.owner.pool.connect();
    try {
      await c.query("begin");
      await c.query("set local session_replication_role = replica");
      await c.query("update snapshots set retain_until = now() - interval '1 hour' where id = $1", [snaps[1]]);
      await c.query("commit");
    } finally {
      c.release();
    }
    // seq 2 holds nothing anyone else shows (a@2 lived in it alone), so it goes, and with it the
    // only thing keeping seq 1; seq 3 stays for the latest.
    expect(await expireSnapshots(worker)).toBe(2);
    expect(await Promise.all(snaps.map(statusOf))).toEqual(["expired", "expired", "committed", "committed"]);
    expect(await versionsOf()).toEqual([
      { external_id: "a", version: "1", first_seq: 1, last_seq: 1, expired: true },
      { external_id: "a", version: "2", first_seq: 2, last_seq: 2, expired: true },
      { external_id: "a", version: "3", first_seq: 3, last_seq: null, expired: false },
      { external_id: "b", version: "1", first_seq: 1, last_seq: 2, expired: true },
    ]);

    // Readers no longer offer them: every version of the unit, deleted items, an item's versions.
    expect((await search(owner, { unitIds: [unitId] })).items.map((v) => `${v.name}@${v.version}`)).toEqual(["a.txt@3"]);
    expect((await search(owner, { deletedOnly: true })).items).toEqual([]);
    const [a, b] = (await t.owner.pool.query<{ id: string }>("select id from items where unit_id = $1 order by external_id", [unitId])).rows.map((r) => r.id);
    expect((await listItemVersions(owner, a!)).map((v) => v.version)).toEqual(["3"]);
    expect(await listItemVersions(owner, b!)).toEqual([]);
    expect((await browse(owner, { unitId, path: "/" })).entries.map((e) => e.name)).toEqual(["a.txt"]);
  });

  it("are checked by the database: no role of ours hides a version a restore point shows, or brings one back", async () => {
    const refused = async (db: TestDatabase["worker"], statement: string, params: unknown[]) => {
      const c = await db.pool.connect();
      try {
        await c.query("begin");
        await c.query("select set_config('app.tenant_id', $1, true)", [owner.tenantId]);
        await c.query(statement, params);
        await c.query("commit");
        return "accepted";
      } catch (err) {
        await c.query("rollback");
        return (err as Error).message;
      } finally {
        c.release();
      }
    };
    const aVersion = (v: string) => sql`select v.id from item_versions v join items i on i.id = v.item_id where i.external_id = 'a' and v.version = ${v}`;
    const [current, old] = await Promise.all(["3", "1"].map(async (v) => (await t.owner.db.execute<{ id: string }>(aVersion(v))).rows[0]?.id));
    expect(await refused(t.worker, "update item_versions set expired_at = now() where id = $1", [current])).toMatch(/expires only when every snapshot that held it has expired/);
    expect(await refused(t.worker, "update item_versions set expired_at = null where id = $1", [old])).toMatch(/stays expired/);
    expect(await refused(t.app, "update item_versions set expired_at = now() where id = $1", [current])).toMatch(/permission denied for table item_versions/);
    expect((await versionsOf()).filter((v) => !v.expired).map((v) => `${v.external_id}@${v.version}`)).toEqual(["a@3"]);
  });
});
