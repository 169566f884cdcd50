// Erasing items from backups against a real database (issue 7, e.g. a GDPR erasure request): a
// guarded request like any other destructive action (docs/adr/0020-guarded-requests.md), carried out
// by the guard's own credential (`holdfast_guard_apply`), after which every reader skips the items.
// The runner records approvals as the workflow's activity does (see sources/remove.int.test.ts).
import { randomBytes, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { sql, withTenant } from "@holdfast/db";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import type { SQL } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  acceptInvitation,
  approveGuardedRequest,
  browse,
  cancelGuardedRequest,
  commitSnapshot,
  completeExportJob,
  ExportExpiredError,
  findItems,
  finishRun,
  guardApply,
  inviteMember,
  listItemVersions,
  nextRestoreBatch,
  openExportDownload,
  openSnapshot,
  recordRestoreOutcomes,
  recordRunIssues,
  recordVersions,
  registerSource,
  requestErasure,
  requestExport,
  requestItemContent,
  requestRestore,
  resolveAsOf,
  resolveExportSelection,
  search,
  startRun,
  syncDiscoveredUnits,
  systemContext,
  type ExportsStore,
  type RecordVersionInput,
  type TenantContext,
} from "../index";
import { codeOf, directGuardRunner, enrolledPerson } from "../test-support";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

let t: TestDatabase;

/** Approvals go straight to the guard's definer function (no Temporal). */
const runner = directGuardRunner(() => t.guard.db);

const enrolled = (label: string) => enrolledPerson(t.app.db, label);

const T1 = new Date("2026-01-01T08:00:00Z");
const T2 = new Date("2026-01-02T08:00:00Z");
const justAfter = (d: Date) => new Date(d.getTime() + 1);
const sha = (c: string) => c.repeat(64);

const payroll1: RecordVersionInput = {
  externalId: "f-pay",
  kind: "file",
  version: "r1",
  path: "/HR/Q3 payroll.xlsx",
  name: "Q3 payroll.xlsx",
  size: 100,
  contentSha256: sha("a"),
  vault: { snapshotId: "vs-1", path: "HR/Q3 payroll.xlsx~r1" },
  metadata: { owner: "Carol Example <carol@example.com>" },
};
const payroll2: RecordVersionInput = { ...payroll1, version: "r2", size: 120, contentSha256: sha("b"), vault: { snapshotId: "vs-2", path: "HR/Q3 payroll.xlsx~r2" } };
const salary: RecordVersionInput = {
  externalId: "m-sal",
  kind: "message",
  version: "h1",
  path: "/Inbox/Re: salary",
  name: "Re: salary",
  size: 10,
  contentSha256: sha("c"),
  vault: { snapshotId: "vs-1", path: "Inbox/Re: salary~h1.eml" },
  metadata: { subject: "Re: salary", from: "Dave Example <dave@example.com>", to: ["carol@example.com"] },
};
const diary: RecordVersionInput = { externalId: "f-diary", kind: "file", version: "1", path: "/Private/diary.txt", name: "diary.txt", size: 5, contentSha256: sha("d"), vault: { snapshotId: "vs-1", path: "Private/diary.txt~1" } };
const handbook: RecordVersionInput = { externalId: "f-hb", kind: "file", version: "1", path: "/HR/handbook.pdf", name: "handbook.pdf", size: 50, contentSha256: sha("e"), vault: { snapshotId: "vs-1", path: "files/f-hb" } };
const longName = `${"Very long file name ".repeat(6)}.docx`;
const long: RecordVersionInput = { externalId: "f-long", kind: "file", version: "1", path: `/HR/${longName}`, name: longName, size: 1, contentSha256: sha("f"), vault: { snapshotId: "vs-1", path: "files/f-long" } };

/** An organisation (owner + second admin, both with TOTP) with one drive backed up twice. */
async function newOrg(label: string) {
  const o = await enrolled(`${label}-owner`);
  const owner: TenantContext = { db: t.app.db, tenantId: o.tenantId, actor: { type: "user", id: o.userId }, role: "owner" };
  const a = await enrolled(`${label}-admin`);
  await acceptInvitation(t.app.db, a.userId, (await inviteMember(owner, { email: a.email, role: "admin" })).token);
  const admin: TenantContext = { db: t.app.db, tenantId: o.tenantId, actor: { type: "user", id: a.userId }, role: "admin" };
  const worker = systemContext(t.worker.db, o.tenantId, "erasure-test");
  const source = await registerSource(owner, { provider: "google", displayName: `${label}.example`, credentials: { refreshToken: "1//refresh" } });
  const { added } = await syncDiscoveredUnits(worker, { sourceId: source.id, units: [{ kind: "drive", externalId: "d-1", displayName: "Carol's Drive" }] }, T1);
  const unitId = added[0]!.id;
  const backup = async (key: string, at: Date, batch: RecordVersionInput[]) => {
    const run = await startRun(worker, { sourceId: source.id, trigger: "scheduled", workflowId: `backup:${source.id}:${key}` }, at);
    const snap = await openSnapshot(worker, { unitId, runId: run.id }, at);
    await recordVersions(worker, snap.id, batch, at);
    await commitSnapshot(worker, snap.id, { vaultSnapshotId: `vs-${key}`, retainUntil: new Date(Date.now() + 30 * 86_400_000) }, at);
    await finishRun(worker, run.id, { outcome: "finished" }, at);
  };
  await backup("1", T1, [payroll1, salary, diary, handbook, long]);
  await backup("2", T2, [payroll2]);
  const { rows } = await t.owner.pool.query<{ id: string; external_id: string }>("select id, external_id from items where unit_id = $1", [unitId]);
  const id = Object.fromEntries(rows.map((r) => [r.external_id, r.id])) as Record<string, string>;
  await t.owner.pool.query("update organizations set guard_delay_seconds = 2 where id = $1", [o.tenantId]);
  return {
    tenantId: o.tenantId,
    owner,
    admin,
    adminCode: a.code,
    operator: { ...admin, role: "operator" } as TenantContext,
    viewer: { ...admin, role: "viewer" } as TenantContext,
    worker,
    sourceId: source.id,
    unitId,
    items: { payroll: id["f-pay"]!, salary: id["m-sal"]!, diary: id["f-diary"]!, handbook: id["f-hb"]!, long: id["f-long"]! },
  };
}
type Org = Awaited<ReturnType<typeof newOrg>>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const REASON = "GDPR request #1234";

/** Asked by the owner, approved by the second admin, its delay waited out, then carried out by the guard. */
async function eraseThroughGuard(o: Org, itemIds: string[]) {
  const request = await requestErasure(o.owner, { itemIds, reason: REASON }, { guard: runner });
  await approveGuardedRequest(o.admin, request.id, { code: o.adminCode() }, runner);
  await sleep(2100);
  expect(await guardApply(t.guard.db, request.id)).toEqual({ status: "executed", failure: null });
  return request;
}

/** SQL as the application role (or `db`'s, e.g. the worker's) in the tenant (what a bug or an injection could run): the database's answer. */
async function asApp(o: Org, statement: SQL, db = t.app.db): Promise<string> {
  try {
    await withTenant(db, o.tenantId, (tx) => tx.execute(statement));
  } catch (err) {
    const e = err as Error & { cause?: Error };
    return e.cause?.message ?? e.message;
  }
  return "accepted";
}

/** The erased items' names, subjects, vault paths and people, in any case. */
const ERASED_WORDS = ["payroll", "salary", "diary", "dave", "carol"];
/** How many rows of `table` in the tenant hold one of `words` anywhere in their text. */
async function rowsNaming(table: "item_versions" | "restore_job_items" | "run_issues", tenantId: string, words = ERASED_WORDS): Promise<number> {
  const { rows } = await t.owner.pool.query<{ n: number }>(
    `select count(*)::int as n from ${table} x where x.tenant_id = $1 and exists (select 1 from unnest($2::text[]) w where row_to_json(x)::text ilike '%' || w || '%')`,
    [tenantId, words],
  );
  return rows[0]!.n;
}

type JobItemRow = { item_id: string | null; vault_path: string; path: string | null; external_id: string | null; new_external_id: string | null; reason: string | null; outcome: string; erased_by_request_id: string | null };
async function jobItems(restoreId: string): Promise<JobItemRow[]> {
  const { rows } = await t.owner.pool.query<JobItemRow>(
    "select item_id, vault_path, path, external_id, new_external_id, reason, outcome, erased_by_request_id from restore_job_items where restore_id = $1 order by at, id",
    [restoreId],
  );
  return rows;
}

type VersionRow = { item_id: string; name: string; path: string; parent_path: string; metadata: Record<string, unknown>; sender: string | null; tsv: string; erased_at: Date | null };
async function versionRows(itemIds: string[]): Promise<VersionRow[]> {
  const { rows } = await t.owner.pool.query<VersionRow>(
    "select item_id, name, path, parent_path, metadata, sender, search_tsv::text as tsv, erased_at from item_versions where item_id = any($1::uuid[]) order by item_id, first_seq",
    [itemIds],
  );
  return rows;
}

const browseNames = async (o: Org, path: string, asOf?: Date) => {
  const page = await browse(o.owner, { unitId: o.unitId, path, ...(asOf ? { asOf } : {}) });
  // Sorted here: the order itself is the catalogue tests' concern.
  return { entries: page.entries.map((e) => e.name).sort(), folders: page.folders.map((f) => f.name).sort() };
};
const searchPaths = async (o: Org, input: Parameters<typeof search>[1]) => (await search(o.owner, input)).items.map((v) => v.path);

beforeAll(async () => {
  t = await createTestDatabase("erasure");
  await t.owner.pool.query("update holdfast_platform_settings set min_guard_delay_seconds = 0");
});

afterAll(async () => {
  await t?.drop();
});

describe("asking for an erasure", () => {
  it("is a guarded request by an owner or admin naming how many and the reason (never the items' names); nothing changes until carried out", async () => {
    const o = await newOrg("er-ask");
    const request = await requestErasure(o.owner, { itemIds: [o.items.payroll, o.items.salary], reason: `  ${REASON} ` }, { guard: runner });
    expect(request).toMatchObject({ kind: "items.erase", label: "Erase items from backups", status: "pending", params: { itemIds: [o.items.payroll, o.items.salary], reason: REASON } });
    expect(request.params).not.toHaveProperty("names");
    expect(request.summary).toBe(`Erase 2 items from backups — reason: GDPR request #1234`);
    // Pending (and even approved, before its delay): every reader still shows the items.
    await approveGuardedRequest(o.admin, request.id, { code: o.adminCode() }, runner);
    expect(await browseNames(o, "/HR")).toEqual({ entries: ["handbook.pdf", "Q3 payroll.xlsx", longName].sort(), folders: [] });
    expect(await searchPaths(o, { text: "payroll" })).toEqual(["/HR/Q3 payroll.xlsx", "/HR/Q3 payroll.xlsx"]);
    expect((await listItemVersions(o.owner, o.items.payroll)).map((v) => v.version)).toEqual(["r1", "r2"]);
    expect((await versionRows([o.items.payroll, o.items.salary])).every((r) => r.erased_at === null && r.name !== "(erased)")).toBe(true);
    // Asking twice for the same thing is refused while the first waits; cancelled, nothing happened.
    expect(await codeOf(requestErasure(o.admin, { itemIds: [o.items.payroll, o.items.salary], reason: REASON }, { guard: runner }))).toBe("CONFLICT");
    await cancelGuardedRequest(o.owner, request.id, { reason: "wrong person" }, runner);
    expect((await browseNames(o, "/HR")).entries).toContain("Q3 payroll.xlsx");
  });

  it("names duplicates once and keeps no item name anywhere in the request", async () => {
    const o = await newOrg("er-names");
    const ids = [o.items.long, o.items.diary, o.items.salary, o.items.handbook, o.items.long];
    const request = await requestErasure(o.admin, { itemIds: ids, reason: "Ticket 7" }, { guard: runner });
    expect(request.params["itemIds"]).toEqual([o.items.long, o.items.diary, o.items.salary, o.items.handbook]);
    expect(request.summary).toBe("Erase 4 items from backups — reason: Ticket 7");
    expect(JSON.stringify(request)).not.toMatch(/diary|salary|handbook/i);
  });

  it("is refused to viewers and operators, for unknown or another organisation's items, and without a reason", async () => {
    const o = await newOrg("er-refuse");
    const other = await newOrg("er-other");
    const ask = (ctx: TenantContext, itemIds: string[], reason = REASON) => requestErasure(ctx, { itemIds, reason }, { guard: runner });
    expect(await codeOf(ask(o.viewer, [o.items.payroll]))).toBe("FORBIDDEN");
    expect(await codeOf(ask(o.operator, [o.items.payroll]))).toBe("FORBIDDEN");
    const unknown = randomUUID();
    await expect(ask(o.owner, [o.items.payroll, unknown])).rejects.toMatchObject({ code: "NOT_FOUND", message: `Item not found: ${unknown}` });
    await expect(ask(o.owner, [other.items.payroll])).rejects.toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining(other.items.payroll) as unknown });
    expect(await codeOf(ask(o.owner, []))).toBe("VALIDATION");
    expect(await codeOf(ask(o.owner, ["not-a-uuid"]))).toBe("VALIDATION");
    expect(await codeOf(ask(o.owner, [o.items.payroll], "   "))).toBe("VALIDATION");
    // Nothing was asked for by any of these.
    const { rows } = await t.owner.pool.query("select 1 from guarded_requests where tenant_id = $1", [o.tenantId]);
    expect(rows).toEqual([]);
  });
});

describe("once carried out", () => {
  let o: Org;
  let requestId: string;
  let oldExportId: string;
  let cleanExportId: string;
  let restoreId: string;

  beforeAll(async () => {
    o = await newOrg("er-run");
    // A restore reported before the erasure (outcomes written before migration 0039 carry no item id),
    // and a backup's issues naming the items.
    const restore = await requestRestore(o.owner, { unitId: o.unitId, paths: ["/"], asOf: new Date(), conflict: "copy" });
    restoreId = restore.id;
    await recordRestoreOutcomes(o.worker, restoreId, [
      { vaultSnapshotId: "vs-2", vaultPath: "HR/Q3 payroll.xlsx~r2", externalId: "f-pay", path: "/HR/Q3 payroll.xlsx", outcome: "failed", reason: "could not write HR/Q3 payroll.xlsx~r2: quota" },
      { vaultSnapshotId: "vs-1", vaultPath: "Inbox/Re: salary~h1.eml", externalId: "m-sal", path: "/Inbox/Re: salary", outcome: "copied", newExternalId: "Re: salary (restored)" },
      { vaultSnapshotId: "vs-1", vaultPath: "files/f-hb", itemId: o.items.handbook, externalId: "f-hb", path: "/HR/handbook.pdf", outcome: "created", newExternalId: "hb-2" },
    ]);
    const run = await startRun(o.worker, { sourceId: o.sourceId, trigger: "scheduled", workflowId: `backup:${o.sourceId}:issues` });
    await recordRunIssues(o.worker, run.id, [
      { unitId: o.unitId, itemExternalId: "m-sal", path: "/Inbox/Re: salary", reason: "too_large", message: "Inbox/Re: salary~h1.eml is over the size limit" },
      { unitId: o.unitId, itemExternalId: "f-hb", path: "/HR/handbook.pdf", reason: "failed", message: "handbook.pdf could not be read" },
    ]);
    await finishRun(o.worker, run.id, { outcome: "finished" });
    // Two exports made before the erasure, one of which holds the payroll file.
    const made = async (refs: { vaultSnapshotId: string; vaultPath: string; path: string }[]) => {
      const e = await requestExport(o.owner, { unitId: o.unitId, asOf: new Date().toISOString(), format: "zip" });
      await completeExportJob(o.worker, e.id, {
        objectKey: `${o.tenantId}/${e.id}/export.zip`,
        bytes: 10,
        expiresAt: new Date(Date.now() + 86_400_000),
        outcomes: refs.map((r) => ({ ...r, externalId: null, outcome: "exported" as const })),
      });
      return e.id;
    };
    oldExportId = await made([{ vaultSnapshotId: "vs-2", vaultPath: "HR/Q3 payroll.xlsx~r2", path: "/HR/Q3 payroll.xlsx" }, { vaultSnapshotId: "vs-1", vaultPath: "files/f-hb", path: "/HR/handbook.pdf" }]);
    cleanExportId = await made([{ vaultSnapshotId: "vs-1", vaultPath: "files/f-hb", path: "/HR/handbook.pdf" }]);
    requestId = (await eraseThroughGuard(o, [o.items.payroll, o.items.salary, o.items.diary])).id;
  });

  it("scrubs every version's name, path and metadata (so sender and search words too) and marks the items erased by the request", async () => {
    const rows = await versionRows([o.items.payroll, o.items.salary, o.items.diary]);
    expect(rows).toHaveLength(4);
    for (const r of rows) {
      expect(r).toMatchObject({ name: "(erased)", path: `${r.parent_path === "/" ? "" : r.parent_path}/(erased)`, metadata: {}, sender: null });
      expect(r.erased_at).not.toBeNull();
      expect(r.tsv).not.toMatch(/payroll|salary|dave|carol|diary/);
    }
    const { rows: marks } = await t.owner.pool.query<{ id: string; erased_by_request_id: string; erased_at: Date | null }>("select id, erased_at, erased_by_request_id from items where id = any($1::uuid[])", [
      [o.items.payroll, o.items.salary, o.items.diary, o.items.handbook],
    ]);
    const by = new Map(marks.map((m) => [m.id, m]));
    expect(by.get(o.items.payroll)?.erased_by_request_id).toBe(requestId);
    expect(by.get(o.items.salary)?.erased_at).not.toBeNull();
    expect(by.get(o.items.handbook)).toMatchObject({ erased_at: null, erased_by_request_id: null });
  });

  it("leaves their names nowhere: not in a version's vault path, a restore's or export's report, nor a backup's issues", async () => {
    for (const table of ["item_versions", "restore_job_items", "run_issues"] as const) expect(await rowsNaming(table, o.tenantId), table).toBe(0);
    // What was not erased keeps its names (the search above does find names).
    for (const table of ["item_versions", "restore_job_items", "run_issues"] as const) expect(await rowsNaming(table, o.tenantId, ["handbook"]), table).toBeGreaterThan(0);
    const { rows: paths } = await t.owner.pool.query<{ id: string; vault_path: string }>("select id, vault_path from item_versions where item_id = any($1::uuid[])", [[o.items.payroll, o.items.salary, o.items.diary]]);
    expect(paths.every((v) => v.vault_path === `(erased)/${v.id}`)).toBe(true);
    const items = await jobItems(restoreId);
    const order = [o.items.payroll, o.items.salary, o.items.handbook];
    items.sort((x, y) => order.indexOf(x.item_id ?? "") - order.indexOf(y.item_id ?? ""));
    expect(items.slice(0, 2)).toEqual([
      { item_id: o.items.payroll, vault_path: expect.stringMatching(/^\(erased\)\//) as unknown, path: "(erased)", external_id: null, new_external_id: null, reason: "(erased)", outcome: "failed", erased_by_request_id: requestId },
      { item_id: o.items.salary, vault_path: expect.stringMatching(/^\(erased\)\//) as unknown, path: "(erased)", external_id: null, new_external_id: null, reason: null, outcome: "copied", erased_by_request_id: requestId },
    ]);
    expect(items[2]).toMatchObject({ item_id: o.items.handbook, vault_path: "files/f-hb", path: "/HR/handbook.pdf", new_external_id: "hb-2", erased_by_request_id: null });
    const { rows: issues } = await t.owner.pool.query<{ item_external_id: string; path: string; message: string }>("select item_external_id, path, message from run_issues where tenant_id = $1 order by item_external_id", [o.tenantId]);
    expect(issues).toEqual([
      { item_external_id: "f-hb", path: "/HR/handbook.pdf", message: "handbook.pdf could not be read" },
      { item_external_id: "m-sal", path: "(erased)", message: "(erased)" },
    ]);
  });

  it("browse leaves them out as of any time, folders known only through them included; the others stay", async () => {
    expect(await browseNames(o, "/")).toEqual({ entries: [], folders: ["HR"] });
    expect(await browseNames(o, "/", justAfter(T1))).toEqual({ entries: [], folders: ["HR"] });
    expect(await browseNames(o, "/HR", justAfter(T1))).toEqual({ entries: ["handbook.pdf", longName].sort(), folders: [] });
    expect(await browseNames(o, "/Inbox")).toEqual({ entries: [], folders: [] });
    const page = await findItems(o.owner, { unitId: o.unitId, path: "/HR" });
    expect(page.items.map((i) => i.itemId).sort()).toEqual([o.items.handbook, o.items.long].sort());
  });

  it("search finds nothing of them, by name, subject, sender or kind; the others are still found", async () => {
    expect(await searchPaths(o, { text: "payroll" })).toEqual([]);
    expect(await searchPaths(o, { text: "salary" })).toEqual([]);
    expect(await searchPaths(o, { text: "erased" })).toEqual([]);
    expect(await searchPaths(o, { sender: "dave@example.com" })).toEqual([]);
    expect(await searchPaths(o, { sender: "carol" })).toEqual([]);
    expect(await searchPaths(o, { unitIds: [o.unitId], kinds: ["message"] })).toEqual([]);
    expect(await searchPaths(o, { text: "handbook" })).toEqual(["/HR/handbook.pdf"]);
    expect((await searchPaths(o, { unitIds: [o.unitId], kinds: ["file"] })).sort()).toEqual(["/HR/handbook.pdf", `/HR/${longName}`].sort());
    expect((await findItems(o.owner, { q: "salary" })).items).toEqual([]);
  });

  it("an erased item's versions and content are not found, saying when it was erased", async () => {
    const on = new Date().toISOString().slice(0, 10);
    await expect(listItemVersions(o.owner, o.items.payroll)).rejects.toMatchObject({ code: "NOT_FOUND", message: `This item was erased from backups on ${on}`, details: { reason: "item_erased" } });
    await expect(requestItemContent(o.owner, { itemId: o.items.salary })).rejects.toMatchObject({ code: "NOT_FOUND", message: `This item was erased from backups on ${on}` });
    expect((await listItemVersions(o.owner, o.items.handbook)).map((v) => v.name)).toEqual(["handbook.pdf"]);
    expect(await codeOf(requestItemContent(o.owner, { itemId: o.items.handbook }))).toBe("resolved");
  });

  it("restore and export selections leave them out; naming one explicitly is not found, naming it", async () => {
    const now = new Date();
    const resolved = async (sel: { itemIds?: string[]; paths?: string[] }, asOf = now) => (await resolveAsOf(o.worker, { unitId: o.unitId, asOf, ...sel })).versions.map((v) => v.itemId);
    expect((await resolved({})).sort()).toEqual([o.items.handbook, o.items.long].sort());
    expect((await resolved({}, justAfter(T1))).sort()).toEqual([o.items.handbook, o.items.long].sort());
    expect(await resolved({ paths: ["/Inbox", "/Private"] })).toEqual([]);
    expect(await resolved({ itemIds: [o.items.payroll] })).toEqual([]);

    await expect(requestRestore(o.owner, { unitId: o.unitId, itemIds: [o.items.handbook, o.items.payroll], asOf: now })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringContaining(`Item ${o.items.payroll} was erased from backups on`) as unknown,
    });
    const restore = await requestRestore(o.owner, { unitId: o.unitId, paths: ["/"], asOf: now, conflict: "copy" });
    const batch = await nextRestoreBatch(o.worker, restore.id, null, 100);
    expect(batch.refs.map((r) => r.vaultPath).sort()).toEqual(["files/f-hb", "files/f-long"]);

    await expect(requestExport(o.owner, { unitId: o.unitId, items: [o.items.salary], asOf: now.toISOString(), format: "zip" })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringContaining(`Item ${o.items.salary} was erased from backups on`) as unknown,
    });
    const exp = await requestExport(o.owner, { unitId: o.unitId, paths: ["/HR", "/Inbox"], asOf: now.toISOString(), format: "zip" });
    const selection = await resolveExportSelection(o.worker, exp.id);
    expect(selection.refs.map((r) => r.itemId).sort()).toEqual([o.items.handbook, o.items.long].sort());
  });

  it("an export made before, whose archive holds one of them, is no longer offered; one that does not still is", async () => {
    await expect(openExportDownload(o.owner, oldExportId, {} as ExportsStore)).rejects.toThrow(ExportExpiredError);
    await expect(openExportDownload(o.owner, oldExportId, {} as ExportsStore)).rejects.toThrow(/holds items that were erased from backups on/);
    const store = { open: () => Promise.resolve({ body: Readable.from(["zip"]), size: 3, contentType: "application/zip" }) } as unknown as ExportsStore;
    expect((await openExportDownload(o.owner, cleanExportId, store)).size).toBe(3);
  });

  it("asking again for an erased item is a conflict naming it and when", async () => {
    await expect(requestErasure(o.owner, { itemIds: [o.items.handbook, o.items.salary], reason: REASON }, { guard: runner })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(new RegExp(`^Item ${o.items.salary} was already erased from backups on \\d{4}-\\d{2}-\\d{2}`)) as unknown,
    });
  });
});

describe("a job that resolved its selection before the erasure and records its outcomes after it", () => {
  it("an export's outcomes are scrubbed as they are written, marked with the erasure, and its archive is not offered", async () => {
    const o = await newOrg("er-late-export");
    const exp = await requestExport(o.owner, { unitId: o.unitId, paths: ["/HR", "/Inbox"], asOf: new Date().toISOString(), format: "zip" });
    const { refs } = await resolveExportSelection(o.worker, exp.id);
    expect(refs.map((r) => r.itemId).sort()).toEqual([o.items.payroll, o.items.salary, o.items.handbook, o.items.long].sort());
    const request = await eraseThroughGuard(o, [o.items.payroll, o.items.salary]);
    await completeExportJob(o.worker, exp.id, {
      objectKey: `${o.tenantId}/${exp.id}/export.zip`,
      bytes: 10,
      expiresAt: new Date(Date.now() + 86_400_000),
      outcomes: refs.map((r) => ({ vaultSnapshotId: r.vaultSnapshotId, vaultPath: r.vaultPath, itemId: r.itemId, externalId: null, path: r.path, ...(r.itemId === o.items.salary ? { outcome: "failed" as const, reason: `could not read ${r.vaultPath}` } : { outcome: "exported" as const }) })),
    });
    const rows = await jobItems(exp.id);
    expect(rows).toHaveLength(4);
    const erased = rows.filter((r) => r.item_id === o.items.payroll || r.item_id === o.items.salary);
    expect(erased).toHaveLength(2);
    for (const r of erased) expect(r).toMatchObject({ path: "(erased)", external_id: null, vault_path: expect.stringMatching(/^\(erased\)\/[0-9a-f-]{36}$/) as unknown, erased_by_request_id: request.id });
    expect(erased.find((r) => r.item_id === o.items.salary)).toMatchObject({ outcome: "failed", reason: "(erased)" });
    expect(rows.filter((r) => r.erased_by_request_id === null).map((r) => r.path).sort()).toEqual(["/HR/handbook.pdf", `/HR/${longName}`].sort());
    expect(await rowsNaming("restore_job_items", o.tenantId)).toBe(0);
    await expect(openExportDownload(o.owner, exp.id, {} as ExportsStore)).rejects.toThrow(ExportExpiredError);
    await expect(openExportDownload(o.owner, exp.id, {} as ExportsStore)).rejects.toThrow(/holds items that were erased from backups on \d{4}-\d{2}-\d{2}/);
  });

  it("a restore's outcomes are scrubbed as they are written, and a retried batch records them once", async () => {
    const o = await newOrg("er-late-restore");
    const restore = await requestRestore(o.owner, { unitId: o.unitId, paths: ["/"], asOf: new Date(), conflict: "copy" });
    const batch = await nextRestoreBatch(o.worker, restore.id, null, 100);
    expect(batch.refs.map((r) => r.itemId).sort()).toEqual(Object.values(o.items).sort());
    const request = await eraseThroughGuard(o, [o.items.payroll, o.items.diary]);
    const results = batch.refs.map((r) =>
      r.itemId === o.items.diary
        ? { ...r, externalId: "f-diary", path: "/Private/diary.txt", outcome: "failed" as const, reason: `could not write ${r.vaultPath}` }
        : { ...r, externalId: r.vaultPath, path: `/${r.vaultPath}`, outcome: "copied" as const, newExternalId: `${r.vaultPath} (restored)` },
    );
    await recordRestoreOutcomes(o.worker, restore.id, results);
    await recordRestoreOutcomes(o.worker, restore.id, results);
    const rows = await jobItems(restore.id);
    expect(rows).toHaveLength(5);
    expect(rows.filter((r) => r.erased_by_request_id === request.id).map((r) => r.item_id).sort()).toEqual([o.items.payroll, o.items.diary].sort());
    for (const r of rows.filter((x) => x.erased_by_request_id !== null)) expect(r).toMatchObject({ path: "(erased)", external_id: null, new_external_id: null, vault_path: expect.stringMatching(/^\(erased\)\//) as unknown });
    expect(await rowsNaming("restore_job_items", o.tenantId, ["payroll", "diary"])).toBe(0);
    expect(await rowsNaming("restore_job_items", o.tenantId, ["salary"])).toBe(1);
    const { rows: counts } = await t.owner.pool.query<{ copied: number; failed: number }>("select copied, failed from restore_jobs where id = $1", [restore.id]);
    expect(counts).toEqual([{ copied: 4, failed: 1 }]);
  });
});

describe("an erased item a later backup sees again (it still exists at the source)", () => {
  it("stays hidden: the new version is skipped by browse, search, versions and selections", async () => {
    const o = await newOrg("er-again");
    await eraseThroughGuard(o, [o.items.payroll]);
    const at = new Date();
    const run = await startRun(o.worker, { sourceId: o.sourceId, trigger: "scheduled", workflowId: `backup:again:${randomUUID()}` }, at);
    const snap = await openSnapshot(o.worker, { unitId: o.unitId, runId: run.id }, at);
    await recordVersions(o.worker, snap.id, [{ ...payroll2, version: "r3", contentSha256: sha("9"), vault: { snapshotId: "vs-3", path: "HR/Q3 payroll.xlsx~r3" } }], at);
    // The catalogue holds the new version (only the guard erases), but no reader shows it.
    const { rows } = await t.owner.pool.query<{ name: string; erased_at: Date | null }>("select name, erased_at from item_versions where item_id = $1 and version = 'r3'", [o.items.payroll]);
    expect(rows).toEqual([{ name: "Q3 payroll.xlsx", erased_at: null }]);
    expect((await browseNames(o, "/HR", new Date(Date.now() + 1000))).entries).not.toContain("Q3 payroll.xlsx");
    expect(await searchPaths(o, { text: "payroll" })).toEqual([]);
    expect(await codeOf(listItemVersions(o.owner, o.items.payroll))).toBe("NOT_FOUND");
    expect((await resolveAsOf(o.worker, { unitId: o.unitId, asOf: new Date(Date.now() + 1000) })).versions.map((v) => v.itemId)).not.toContain(o.items.payroll);
  });
});

describe("the application roles' own SQL", () => {
  it("cannot erase, un-erase or re-date an item or a version, nor insert one erased", async () => {
    const o = await newOrg("er-sql");
    const erasedByApp = /erasing an item from backups needs an approved guarded request/;
    // The console's role may not write the catalogue's history at all; the worker's, which may, is held by the triggers.
    const refused = async (statement: SQL, byTrigger: RegExp) => {
      expect(await asApp(o, statement)).toMatch(/permission denied for table item/);
      expect(await asApp(o, statement, t.worker.db)).toMatch(byTrigger);
    };
    await refused(sql`update items set erased_at = now() where id = ${o.items.payroll}`, erasedByApp);
    await refused(sql`update items set erased_by_request_id = ${randomUUID()} where id = ${o.items.payroll}`, erasedByApp);
    await refused(sql`update item_versions set erased_at = now() where item_id = ${o.items.payroll}`, erasedByApp);
    await refused(sql`insert into items (tenant_id, unit_id, external_id, kind, erased_at) values (${o.tenantId}, ${o.unitId}, 'sneaky', 'file', now())`, /only the guard erases/);
    expect((await browseNames(o, "/HR")).entries).toContain("Q3 payroll.xlsx");
    await eraseThroughGuard(o, [o.items.payroll]);
    await refused(sql`update items set erased_at = null where id = ${o.items.payroll}`, erasedByApp);
    await refused(sql`update item_versions set erased_at = null where item_id = ${o.items.payroll}`, erasedByApp);
    await refused(sql`update items set erased_at = now() - interval '1 year' where id = ${o.items.payroll}`, erasedByApp);
    expect(await codeOf(listItemVersions(o.owner, o.items.payroll))).toBe("NOT_FOUND");
  });

  it("cannot mark a restore's or export's outcome as erased, nor change one", async () => {
    const o = await newOrg("er-sql-jobs");
    const restore = await requestRestore(o.owner, { unitId: o.unitId, paths: ["/"], asOf: new Date(), conflict: "copy" });
    const fake = randomUUID();
    for (const [db, label] of [[t.app.db, "app"], [t.worker.db, "worker"]] as const) {
      const insert = sql`insert into restore_job_items (tenant_id, restore_id, vault_snapshot_id, vault_path, item_id, outcome, erased_by_request_id)
                         values (${o.tenantId}, ${restore.id}, 'vs-1', ${`files/f-hb-${label}`}, ${o.items.handbook}, 'created', ${fake})`;
      expect(await asApp(o, insert, db)).toBe("accepted");
      expect(await asApp(o, sql`update restore_job_items set erased_by_request_id = ${fake} where restore_id = ${restore.id}`, db)).toMatch(/permission denied for table restore_job_items/);
      expect(await asApp(o, sql`update restore_job_items set item_id = ${o.items.payroll} where restore_id = ${restore.id}`, db)).toMatch(/permission denied for table restore_job_items/);
    }
    const rows = await jobItems(restore.id);
    expect(rows.map((r) => [r.vault_path, r.erased_by_request_id])).toEqual([
      ["files/f-hb-app", null],
      ["files/f-hb-worker", null],
    ]);
  });
});
