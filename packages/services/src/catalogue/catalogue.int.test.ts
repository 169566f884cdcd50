import { randomBytes } from "node:crypto";
import { withTenant, itemVersions, items, sql } from "@holdfast/db";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  browse,
  commitSnapshot,
  finishRun,
  listAuditEvents,
  listItemVersions,
  listUnits,
  loadSourceCredentials,
  markDeleted,
  openSnapshot,
  recordRunIssues,
  recordVersions,
  registerSource,
  resolveAsOf,
  search,
  setUnitProtection,
  signUp,
  startRun,
  syncDiscoveredUnits,
  systemContext,
  type RecordVersionInput,
  type TenantContext,
} from "../index";
import { codeOf } from "../test-support";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

let t: TestDatabase;


/** Drizzle wraps driver errors; the server's own message is the cause. */
async function serverError(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    const e = err as Error & { cause?: Error };
    return e.cause?.message ?? e.message;
  }
  throw new Error("expected the statement to be refused, but it succeeded");
}

async function newTenant(label: string) {
  const email = `${label}-${randomBytes(3).toString("hex")}@example.test`;
  const { userId, organization } = await signUp(t.app.db, { email, password: "a long enough password", organizationName: `${label} Ltd` });
  const owner: TenantContext = { db: t.app.db, tenantId: organization.id, actor: { type: "user", id: userId }, role: "owner" };
  return { owner, worker: systemContext(t.worker.db, organization.id, "worker-test"), tenantId: organization.id };
}

const SECRET = "1//refresh-token-that-must-never-be-stored-in-clear";
const T0 = new Date("2026-01-01T00:00:00Z");
const T1 = new Date("2026-01-01T08:00:00Z");
const T2 = new Date("2026-01-01T16:00:00Z");
const T3 = new Date("2026-01-02T00:00:00Z");
const justAfter = (d: Date) => new Date(d.getTime() + 1);
const sha = (c: string) => c.repeat(64);

const docs: RecordVersionInput = { externalId: "f-docs", kind: "folder", version: "1", path: "/Docs", name: "Docs" };
const fileA1: RecordVersionInput = {
  externalId: "f-a",
  kind: "file",
  version: "r1",
  path: "/Docs/quarterly-report.txt",
  name: "quarterly-report.txt",
  size: 100,
  contentSha256: sha("a"),
  vault: { snapshotId: "vs-1", path: "files/f-a" },
  metadata: { mimeType: "text/plain", owner: "bob@example.com" },
  modifiedAt: T0,
};
const fileA2: RecordVersionInput = { ...fileA1, version: "r2", path: "/Docs/annual-report.txt", name: "annual-report.txt", size: 120, contentSha256: sha("b"), vault: { snapshotId: "vs-2", path: "files/f-a" } };
const fileB: RecordVersionInput = { externalId: "f-b", kind: "file", version: "r1", path: "/Docs/budget.xlsx", name: "budget.xlsx", size: 50, contentSha256: sha("c"), metadata: { owner: "bob@example.com" } };
const mailC: RecordVersionInput = {
  externalId: "m-c",
  kind: "message",
  version: "h1",
  path: "/Invoice March",
  name: "Invoice March",
  size: 10,
  contentSha256: sha("d"),
  metadata: { subject: "Invoice March", from: "Alice Example <alice@example.com>", to: ["bob@example.com"] },
  modifiedAt: T0,
};

async function backup(worker: TenantContext, sourceId: string, unitId: string, runKey: string, at: Date, work: (snapshotId: string) => Promise<void>) {
  const run = await startRun(worker, { sourceId, trigger: "scheduled", workflowId: `backup:${sourceId}:${runKey}` }, at);
  const snap = await openSnapshot(worker, { unitId, runId: run.id }, at);
  await work(snap.id);
  const committed = await commitSnapshot(worker, snap.id, { vaultSnapshotId: `vs-${runKey}` }, at);
  const finished = await finishRun(worker, run.id, { outcome: "finished" }, at);
  return { run: finished, snapshot: committed };
}

let A: Awaited<ReturnType<typeof newTenant>>;
let B: Awaited<ReturnType<typeof newTenant>>;
let sourceId: string;
let unitId: string;
const snapshotIds: string[] = [];

beforeAll(async () => {
  t = await createTestDatabase("catalogue");
  A = await newTenant("cat-a");
  B = await newTenant("cat-b");
  const source = await registerSource(A.owner, { provider: "google", displayName: "example.com", credentials: { refreshToken: SECRET } });
  sourceId = source.id;
  const { added } = await syncDiscoveredUnits(A.worker, { sourceId, units: [{ kind: "drive", externalId: "u1", displayName: "Bob's Drive", owner: { externalId: "u1", email: "bob@example.com", state: "active" } }] }, T0);
  unitId = added[0]!.id;
  // Run 1: everything is new. Run 2: A edited and renamed, B deleted, C unchanged (not listed).
  // Run 3: nothing changed; C is listed again (a resync) and must cost nothing.
  const r1 = await backup(A.worker, sourceId, unitId, "1", T1, async (s) => {
    await recordVersions(A.worker, s, [docs, fileA1, fileB, mailC], T1);
  });
  const r2 = await backup(A.worker, sourceId, unitId, "2", T2, async (s) => {
    await recordVersions(A.worker, s, [fileA2], T2);
    await markDeleted(A.worker, s, ["f-b"], T2);
  });
  const r3 = await backup(A.worker, sourceId, unitId, "3", T3, async (s) => {
    expect(await recordVersions(A.worker, s, [mailC, fileA2, docs], T3)).toEqual({ created: 0, unchanged: 3 });
  });
  snapshotIds.push(r1.snapshot.id, r2.snapshot.id, r3.snapshot.id);
});

afterAll(async () => {
  await t?.drop();
});

describe("sources and units", () => {
  it("stores credentials sealed, readable only by the worker, and audits the connection without them", async () => {
    const { rows } = await t.owner.pool.query<{ credentials_enc: string }>("select credentials_enc from sources where id = $1", [sourceId]);
    expect(rows[0]?.credentials_enc).toMatch(/^v1\./);
    expect(rows[0]?.credentials_enc).not.toContain("refresh-token");
    expect(await loadSourceCredentials(A.worker, sourceId)).toEqual({ refreshToken: SECRET });
    expect(await codeOf(loadSourceCredentials(A.owner, sourceId))).toBe("FORBIDDEN");
    const events = await listAuditEvents(A.owner);
    const connected = events.items.find((e) => e.action === "source.connected");
    expect(connected?.targetId).toBe(sourceId);
    expect(JSON.stringify(events.items)).not.toContain("refresh-token");
  });

  it("refuses plaintext in the credentials column at the database", async () => {
    expect(await serverError(t.owner.pool.query("update sources set credentials_enc = $1 where id = $2", [`{"refreshToken":"${SECRET}"}`, sourceId]))).toMatch(/sources_credentials_sealed/);
  });

  it("protects new users automatically, keeps exclusions, and marks vanished units gone instead of deleting them", async () => {
    const source = await registerSource(A.owner, { provider: "microsoft", displayName: "contoso", credentials: { tenant: "x" } });
    const u = (id: string) => ({ kind: "exchange" as const, externalId: id, displayName: `mailbox ${id}` });
    const first = await syncDiscoveredUnits(A.worker, { sourceId: source.id, units: [u("1"), u("2"), u("3")] });
    expect(first.added.map((x) => [x.externalId, x.protection, x.protected])).toEqual([["1", "auto", true], ["2", "auto", true], ["3", "auto", true]]);
    const two = first.added.find((x) => x.externalId === "2")!;
    expect(await codeOf(setUnitProtection(A.worker, two.id, "excluded"))).toBe("FORBIDDEN");
    await setUnitProtection(A.owner, two.id, "excluded");
    const second = await syncDiscoveredUnits(A.worker, { sourceId: source.id, units: [u("2"), u("3"), u("4")] });
    expect(second.added.map((x) => x.externalId)).toEqual(["4"]);
    expect(second.gone).toEqual([first.added[0]!.id]);
    const listed = await listUnits(A.owner, source.id);
    expect(listed.map((x) => [x.externalId, x.state, x.protection, x.protected])).toEqual([
      ["1", "gone", "auto", false],
      ["2", "active", "excluded", false],
      ["3", "active", "auto", true],
      ["4", "active", "auto", true],
    ]);
    const actions = (await listAuditEvents(A.owner)).items.map((e) => e.action);
    expect(actions.filter((a) => a === "source.units_changed")).toHaveLength(3); // the drive source, then two here
    expect(actions).toContain("unit.protection_changed");
    expect(await codeOf(syncDiscoveredUnits(A.worker, { sourceId: source.id, units: [u("5"), u("5")] }))).toBe("VALIDATION");
  });
});

describe("version ranges across three runs", () => {
  it("closes the edited and the deleted item's ranges and leaves the unchanged one open", async () => {
    type Row = { external_id: string; version: string; first_seq: number; last_seq: number | null; superseded_at: Date | null; end_reason: string | null; deleted_seq: number | null };
    const { rows } = await t.owner.pool.query<Row>(
      `select i.external_id, v.version, v.first_seq, v.last_seq, v.captured_at, v.superseded_at, v.end_reason, i.deleted_seq
         from item_versions v join items i on i.id = v.item_id where v.unit_id = $1 order by i.external_id, v.first_seq`,
      [unitId],
    );
    expect(rows.map((r) => [r.external_id, r.version, r.first_seq, r.last_seq, r.superseded_at?.toISOString() ?? null, r.end_reason, r.deleted_seq])).toEqual([
      ["f-a", "r1", 1, 1, T2.toISOString(), "changed", null],
      ["f-a", "r2", 2, null, null, null, null],
      ["f-b", "r1", 1, 1, T2.toISOString(), "deleted", 2],
      ["f-docs", "1", 1, null, null, null, null],
      ["m-c", "h1", 1, null, null, null, null],
    ]);
  });

  it("counts each committed snapshot's items and numbers snapshots per unit", async () => {
    const { rows } = await t.owner.pool.query<{ seq: number; item_count: string; bytes: string; status: string }>("select seq, item_count, bytes, status from snapshots where unit_id = $1 order by seq", [unitId]);
    expect(rows.map((r) => [r.seq, Number(r.item_count), Number(r.bytes), r.status])).toEqual([
      [1, 3, 160, "committed"],
      [2, 2, 130, "committed"],
      [3, 2, 130, "committed"],
    ]);
  });

  it("browses each folder as it was at each time", async () => {
    const names = async (path: string, asOf: Date) => (await browse(A.owner, { unitId, path, asOf })).entries.map((e) => e.name);
    expect(await names("/", T0)).toEqual([]);
    expect(await names("/", justAfter(T1))).toEqual(["Docs", "Invoice March"]);
    expect(await names("/Docs", justAfter(T1))).toEqual(["budget.xlsx", "quarterly-report.txt"]);
    expect(await names("/Docs/", justAfter(T2))).toEqual(["annual-report.txt"]);
    expect(await names("/Docs", T3)).toEqual(["annual-report.txt"]);
    const atT1 = await browse(A.owner, { unitId, path: "/Docs", asOf: justAfter(T1) });
    const budget = atT1.entries.find((e) => e.name === "budget.xlsx")!;
    expect(budget.itemDeletedAt).toBe(T2.toISOString());
    expect(budget.supersededAt).toBe(T2.toISOString());
    expect(atT1.entries.find((e) => e.name === "quarterly-report.txt")?.vault).toEqual({ snapshotId: "vs-1", path: "files/f-a" });
  });

  it("pages a folder with a cursor, folders first", async () => {
    const p1 = await browse(A.owner, { unitId, path: "/", asOf: T3, limit: 1 });
    expect(p1.entries.map((e) => e.name)).toEqual(["Docs"]);
    const p2 = await browse(A.owner, { unitId, path: "/", asOf: T3, limit: 1, cursor: p1.nextCursor! });
    expect(p2.entries.map((e) => e.name)).toEqual(["Invoice March"]);
    expect(p2.nextCursor).toBeNull();
    expect(await codeOf(browse(A.owner, { unitId, path: "/", cursor: "not-a-cursor" }))).toBe("VALIDATION");
  });

  it("lists an item's versions and resolves a restore selection as of a time", async () => {
    const itemId = (await browse(A.owner, { unitId, path: "/Docs", asOf: T3 })).entries[0]!.itemId;
    expect((await listItemVersions(A.owner, itemId)).map((v) => [v.version, v.firstSeq, v.lastSeq])).toEqual([["r1", 1, 1], ["r2", 2, null]]);
    const at = async (asOf: Date, sel: { paths?: string[]; itemIds?: string[] } = {}) => (await resolveAsOf(A.worker, { unitId, asOf, ...sel })).versions.map((v) => `${v.path}@${v.version}`);
    expect(await at(justAfter(T1), { paths: ["/Docs"] })).toEqual(["/Docs@1", "/Docs/budget.xlsx@r1", "/Docs/quarterly-report.txt@r1"]);
    expect(await at(T3, { paths: ["/Docs"] })).toEqual(["/Docs@1", "/Docs/annual-report.txt@r2"]);
    expect(await at(T3)).toEqual(["/Docs@1", "/Docs/annual-report.txt@r2", "/Invoice March@h1"]);
    expect(await at(justAfter(T1), { itemIds: [itemId] })).toEqual(["/Docs/quarterly-report.txt@r1"]);
    expect(await at(T0)).toEqual([]);
  });
});

describe("sub-folders that are not items (labels, calendars, mail folders known from their messages)", () => {
  it("are listed from the paths below, as of each time, byte-wise ordered, without repeating folder items", async () => {
    const C = await newTenant("cat-folders");
    const src = await registerSource(C.owner, { provider: "google", displayName: "folders.example", credentials: { refreshToken: SECRET } });
    const { added } = await syncDiscoveredUnits(C.worker, { sourceId: src.id, units: [{ kind: "gmail", externalId: "m1", displayName: "Mail", owner: { externalId: "m1", email: "m@example.com", state: "active" } }] }, T0);
    const mailbox = added[0]!.id;
    const msg = (id: string, path: string): RecordVersionInput => ({ externalId: id, kind: "message", version: "1", path, name: path.split("/").at(-1)!, size: 1, contentSha256: sha("e") });
    // "Inbox old" and "Work-2" sort between "Inbox" and "Inbox/…" in a locale that ignores
    // punctuation and spaces, and before it byte-wise: the walk must find each exactly once.
    await backup(C.worker, src.id, mailbox, "f1", T1, async (s) => {
      await recordVersions(C.worker, s, [
        msg("a", "/INBOX/Hello"),
        msg("b", "/Work/Project/Plan"),
        msg("c", "/Work/Project/Budget"),
        msg("d", "/Inbox old/Old news"),
        msg("e", "/Work-2/Other"),
        msg("f", "/Top level message"),
        { externalId: "folder-docs", kind: "folder", version: "1", path: "/Docs", name: "Docs" },
        msg("g", "/Docs/Inside a folder item"),
      ], T1);
    });
    await backup(C.worker, src.id, mailbox, "f2", T2, async (s) => {
      await markDeleted(C.worker, s, ["e"], T2);
    });
    const folders = async (path: string, asOf: Date) => (await browse(C.owner, { unitId: mailbox, path, asOf })).folders.map((f) => `${f.name}=${f.path}`);
    expect(await folders("/", T0)).toEqual([]);
    expect(await folders("/", justAfter(T1))).toEqual(["INBOX=/INBOX", "Inbox old=/Inbox old", "Work=/Work", "Work-2=/Work-2"]);
    // Deleted at T2: its folder holds nothing as of then.
    expect(await folders("/", T3)).toEqual(["INBOX=/INBOX", "Inbox old=/Inbox old", "Work=/Work"]);
    expect(await folders("/Work", T3)).toEqual(["Project=/Work/Project"]);
    expect(await folders("/Work/Project", T3)).toEqual([]);
    const root = await browse(C.owner, { unitId: mailbox, path: "/", asOf: T3 });
    expect(root.foldersComplete).toBe(true);
    expect(root.entries.map((e) => e.name)).toEqual(["Docs", "Top level message"]);
    // A later page lists only entries.
    const p1 = await browse(C.owner, { unitId: mailbox, path: "/", asOf: T3, limit: 1 });
    expect((await browse(C.owner, { unitId: mailbox, path: "/", asOf: T3, limit: 1, cursor: p1.nextCursor! })).folders).toEqual([]);
    // Another tenant sees none of it.
    expect(await codeOf(browse(B.owner, { unitId: mailbox, path: "/" }))).toBe("NOT_FOUND");
  });
});

describe("a folder that moves", () => {
  it("takes everything below it to the new path as of the move, keeping content and the old paths as of before", async () => {
    const C = await newTenant("cat-move");
    const src = await registerSource(C.owner, { provider: "google", displayName: "move.example", credentials: { refreshToken: SECRET } });
    const { added } = await syncDiscoveredUnits(C.worker, { sourceId: src.id, units: [{ kind: "drive", externalId: "d1", displayName: "Drive", owner: { externalId: "d1", email: "d@example.com", state: "active" } }] }, T0);
    const drive = added[0]!.id;
    const folder = (id: string, path: string): RecordVersionInput => ({ externalId: id, kind: "folder", version: "1", path, name: path.split("/").at(-1)! });
    const file = (id: string, path: string, c: string): RecordVersionInput => ({ externalId: id, kind: "file", version: "1", path, name: path.split("/").at(-1)!, size: 3, contentSha256: sha(c), vault: { snapshotId: "vs-m", path: `files/${id}` } });
    await backup(C.worker, src.id, drive, "m1", T1, async (s) => {
      await recordVersions(C.worker, s, [folder("p", "/Projects"), file("a", "/Projects/a.txt", "a"), folder("q", "/Projects/Q1"), file("b", "/Projects/Q1/b.txt", "b"), file("c", "/Projects-old/c.txt", "c")], T1);
    });
    const moved = await backup(C.worker, src.id, drive, "m2", T2, async (s) => {
      // The provider reports the folder alone, at its new place.
      expect(await recordVersions(C.worker, s, [folder("p", "/Archive/Projects")], T2)).toEqual({ created: 1, unchanged: 0 });
    });
    const names = async (path: string, asOf: Date) => (await browse(C.owner, { unitId: drive, path, asOf })).entries.map((e) => e.path);
    expect(await names("/Archive/Projects", T3)).toEqual(["/Archive/Projects/Q1", "/Archive/Projects/a.txt"]);
    expect(await names("/Archive/Projects/Q1", T3)).toEqual(["/Archive/Projects/Q1/b.txt"]);
    expect(await names("/Projects", T3)).toEqual([]);
    // A sibling whose name only starts like the folder's stays where it was.
    expect(await names("/Projects-old", T3)).toEqual(["/Projects-old/c.txt"]);
    expect(await names("/Projects", justAfter(T1))).toEqual(["/Projects/Q1", "/Projects/a.txt"]);
    // Same bytes, same vault reference, a new range; the run counted only the folder's new version (folders are not counted).
    const b = (await browse(C.owner, { unitId: drive, path: "/Archive/Projects/Q1", asOf: T3 })).entries[0]!;
    const versions = await listItemVersions(C.owner, b.itemId);
    expect(versions.map((v) => [v.path, v.contentSha256, v.vault?.path])).toEqual([
      ["/Projects/Q1/b.txt", sha("b"), "files/b"],
      ["/Archive/Projects/Q1/b.txt", sha("b"), "files/b"],
    ]);
    expect(moved.run.itemsDone ?? 0).toBe(0);
    // Listing the moved folder again changes nothing.
    await backup(C.worker, src.id, drive, "m3", T3, async (s) => {
      expect(await recordVersions(C.worker, s, [folder("p", "/Archive/Projects")], T3)).toEqual({ created: 0, unchanged: 1 });
    });
    expect(await names("/Archive/Projects", T3)).toEqual(["/Archive/Projects/Q1", "/Archive/Projects/a.txt"]);
  });
});

describe("idempotent writes", () => {
  it("recording the same batch and the same deletion twice writes nothing the second time", async () => {
    const run = await startRun(A.worker, { sourceId, trigger: "on_demand", unitId, workflowId: "backup:retry" }, T3);
    expect((await startRun(A.worker, { sourceId, trigger: "on_demand", unitId, workflowId: "backup:retry" }, T3)).id).toBe(run.id);
    const snap = await openSnapshot(A.worker, { unitId, runId: run.id }, T3);
    expect((await openSnapshot(A.worker, { unitId, runId: run.id }, T3)).seq).toBe(4);
    const at = new Date("2026-01-02T01:00:00Z");
    const edited = { ...mailC, version: "h2", metadata: { ...mailC.metadata, subject: "Invoice March (paid)" } };
    const count = async () => Number((await t.owner.pool.query<{ count: string }>("select count(*) from item_versions where unit_id = $1", [unitId])).rows[0]?.count);
    const before = await count();
    expect(await recordVersions(A.worker, snap.id, [edited], at)).toEqual({ created: 1, unchanged: 0 });
    expect(await recordVersions(A.worker, snap.id, [edited], at)).toEqual({ created: 0, unchanged: 1 });
    expect(await markDeleted(A.worker, snap.id, ["f-docs"], at)).toEqual({ deleted: 1, notCurrent: 0 });
    expect(await markDeleted(A.worker, snap.id, ["f-docs", "never-seen"], at)).toEqual({ deleted: 0, notCurrent: 2 });
    expect(await count()).toBe(before + 1);
    await recordRunIssues(A.worker, run.id, [{ unitId, itemExternalId: "big", path: "/big.iso", reason: "too_large", message: "over the 5 GiB limit" }]);
    await commitSnapshot(A.worker, snap.id, { vaultSnapshotId: "vs-retry" }, at);
    expect(await codeOf(recordVersions(A.worker, snap.id, [edited], at))).toBe("CONFLICT");
    // A run with a recorded issue cannot report plain success.
    expect((await finishRun(A.worker, run.id, { outcome: "finished" }, at)).status).toBe("completed_with_warnings");
    expect(await codeOf(recordVersions(A.worker, snap.id, [{ ...edited, contentSha256: "XYZ" }], at))).toBe("VALIDATION");
  });

  it("only operators and the worker write the catalogue", async () => {
    const viewer: TenantContext = { ...A.owner, role: "viewer" };
    expect(await codeOf(recordVersions(viewer, snapshotIds[0]!, [docs]))).toBe("FORBIDDEN");
    expect(await codeOf(startRun(viewer, { sourceId, trigger: "on_demand", workflowId: "x" }))).toBe("FORBIDDEN");
  });

  it("the console's role is refused writing the catalogue's history; only the worker's role may", async () => {
    // A running run, as the worker starts it; the console's role may not open a snapshot in it.
    const run = await startRun(A.worker, { sourceId, trigger: "on_demand", unitId, workflowId: "backup:console-role" }, T3);
    const consoleAsWorker = systemContext(t.app.db, A.tenantId, "not-the-worker");
    expect(await serverError(openSnapshot(consoleAsWorker, { unitId, runId: run.id }, T3))).toMatch(/permission denied for table snapshots/);
    expect(await serverError(openSnapshot(A.owner, { unitId, runId: run.id }, T3))).toMatch(/permission denied for table snapshots/);
    expect(await serverError(recordRunIssues(consoleAsWorker, run.id, [{ unitId, itemExternalId: "x", path: "/x", reason: "too_large", message: "x" }]))).toMatch(
      /permission denied for table run_issues/,
    );
    await finishRun(A.worker, run.id, { outcome: "failed", errorSummary: "console-role test" }, T3);
  });
});

describe("search", () => {
  const paths = async (q: Parameters<typeof search>[1]) => (await search(A.owner, q)).items.map((v) => `${v.path}@${v.version}`);

  it("finds superseded versions by their old name, the last word by prefix", async () => {
    expect(await paths({ text: "quarterly" })).toEqual(["/Docs/quarterly-report.txt@r1"]);
    expect(await paths({ text: "quarterly rep" })).toEqual(["/Docs/quarterly-report.txt@r1"]);
    expect(await paths({ text: "quart" })).toEqual(["/Docs/quarterly-report.txt@r1"]);
    expect(await paths({ text: "quart report" })).toEqual([]);
    expect(await paths({ text: "report" })).toEqual(["/Docs/annual-report.txt@r2", "/Docs/quarterly-report.txt@r1"]);
  });

  it("matches subjects and senders across versions, newest first", async () => {
    expect(await paths({ text: "paid" })).toEqual(["/Invoice March@h2"]);
    expect(await paths({ text: "invoice" })).toEqual(["/Invoice March@h2", "/Invoice March@h1"]);
    expect(await paths({ sender: "Alice@Example.com" })).toEqual(["/Invoice March@h2", "/Invoice March@h1"]);
    expect(await paths({ sender: "alice@example.co" })).toEqual([]);
    expect(await paths({ text: "report", sender: "alice" })).toEqual([]);
    const bobs = await paths({ sender: "bob@", kinds: ["file"], folder: "/Docs", unitIds: [unitId] });
    // r2 was captured last; the two run-1 captures tie on time and follow in id order.
    expect([bobs[0], ...bobs.slice(1).sort()]).toEqual(["/Docs/annual-report.txt@r2", "/Docs/budget.xlsx@r1", "/Docs/quarterly-report.txt@r1"]);
  });

  it("finds deleted items and filters by item date", async () => {
    // Newest capture first: the folder's only version (run 1) ties with budget's; order by id then.
    expect((await paths({ deletedOnly: true })).sort()).toEqual(["/Docs/budget.xlsx@r1", "/Docs@1"]);
    // Both versions carry the same item date; the range is on modified_at, not capture time.
    expect((await paths({ text: "report", from: T0, to: T1 })).sort()).toEqual(["/Docs/annual-report.txt@r2", "/Docs/quarterly-report.txt@r1"]);
    expect(await paths({ text: "report", from: T1 })).toEqual([]);
  });

  it("pages with a cursor and rejects an empty query", async () => {
    const p1 = await search(A.owner, { text: "invoice", limit: 1 });
    const p2 = await search(A.owner, { text: "invoice", limit: 1, cursor: p1.nextCursor! });
    expect([...p1.items, ...p2.items].map((v) => v.version)).toEqual(["h2", "h1"]);
    expect(p2.nextCursor).toBeNull();
    expect(await codeOf(search(A.owner, { text: "  " }))).toBe("VALIDATION");
    expect(await codeOf(search(A.owner, { text: "invoice", cursor: Buffer.from(JSON.stringify(["drop table", p1.items[0]?.id])).toString("base64url") }))).toBe("VALIDATION");
  });
});

describe("tenant isolation (application role, RLS)", () => {
  it("another tenant's services see nothing of this catalogue", async () => {
    expect(await codeOf(browse(B.owner, { unitId, path: "/" }))).toBe("NOT_FOUND");
    expect(await codeOf(listUnits(B.owner, sourceId))).toBe("NOT_FOUND");
    expect((await search(B.owner, { text: "invoice" })).items).toEqual([]);
    expect(await codeOf(loadSourceCredentials(B.worker, sourceId))).toBe("NOT_FOUND");
    expect(await codeOf(startRun(B.worker, { sourceId, trigger: "scheduled", workflowId: "evil" }))).toBe("NOT_FOUND");
    expect(await codeOf(recordVersions(B.worker, snapshotIds[0]!, [docs]))).toBe("NOT_FOUND");
  });

  it("a query with no filter in another tenant's transaction sees no rows and cannot write or delete them", async () => {
    const seen = await withTenant(t.app.db, B.tenantId, async (tx) => ({
      versions: await tx.select().from(itemVersions),
      items: await tx.select().from(items),
      sources: (await tx.execute(sql`select count(*)::int as n from sources`)).rows[0],
    }));
    expect(seen).toEqual({ versions: [], items: [], sources: { n: 0 } });
    const [anItem] = await withTenant(t.app.db, A.tenantId, (tx) => tx.select().from(items).limit(1));
    // Only the worker's role writes item versions; the tenant policies bind it too.
    expect(
      await serverError(
        withTenant(t.worker.db, B.tenantId, (tx) =>
          tx.insert(itemVersions).values({ tenantId: A.tenantId, itemId: anItem!.id, unitId, kind: "file", version: "evil", path: "/evil", name: "evil", parentPath: "/", firstSeq: 1 }),
        ),
      ),
    ).toMatch(/row-level security/);
    const updated = await withTenant(t.worker.db, B.tenantId, (tx) => tx.update(itemVersions).set({ name: "pwned" }).where(sql`true`).returning());
    expect(updated).toEqual([]);
    expect(await serverError(withTenant(t.app.db, A.tenantId, (tx) => tx.update(itemVersions).set({ name: "pwned" }).where(sql`true`)))).toMatch(/permission denied/);
    expect(await serverError(withTenant(t.app.db, A.tenantId, (tx) => tx.delete(itemVersions).where(sql`true`)))).toMatch(/permission denied/);
  });

  it("the search function behind search() refuses to run outside a tenant transaction", async () => {
    expect(await serverError(t.app.db.execute(sql`select * from holdfast_catalogue_search('invoice:*', null, false, null, null, null, null, null, false, null, null, 10)`))).toMatch(
      /needs a tenant transaction/,
    );
  });
});
