// The backup and restore engine's whole lifecycle for a Microsoft 365 tenant, on the real stack
// (Postgres, a Temporal dev server, versitygw, the worker in-process with the real ports, the
// sandbox in-process as Graph, connected by admin consent): a full backup; a second backup of an
// unchanged tenant that reads no content at all; an intruder's edits, moves, deletions and
// ransomware, backed up; restores as of before the attack — in place (replace), with the default
// skip, as copies, and into another user — and exports of the same point in time.
//
// "Matches byte for byte", as asserted here after the in-place recovery:
// - mail: every message of the pre-attack manifest is in the mailbox again, in the same folder
//   (path of display names), with identical MIME (SHA-256 of GET …/$value); counted as a multiset;
// - OneDrive: every pre-attack file is at the same path with the same content hash.
// A restore never deletes from the customer's account, so items the intruder created that did not
// exist at the restore point may remain: the test lists every item beyond the pre-attack set and
// asserts they are exactly the intruder's (the ransomware's replacement messages, by id).
import { parseMboxrd, REPORT_ENTRY } from "@holdfast/exports";
import { listExportItems, listRestoreItems } from "@holdfast/services";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectEveryItemOnce, microsoftTruth } from "../test/drill";
import {
  countBy,
  fileKey,
  isContentRead,
  messageKey,
  missingFrom,
  mutate,
  pathShape,
  serviceOf,
  unitOf,
  type MsLifecycleManifest,
  type MsUnit,
  type Touched,
} from "../test/microsoft-lifecycle";
import { recordRequests } from "../test/request-log";
import { sha256, startWorkerStack, unzipAll, type ConnectedSource, type WorkerStack } from "../test/stack";

let stack: WorkerStack;
let src: ConnectedSource;
/** The tenant as it was backed up, before the intruder came. */
let pre: MsLifecycleManifest;
/** Right after the attack (what skip must leave alone). */
let attacked: MsLifecycleManifest;
let asOf: Date;
const touched: Touched[] = [];
/** users[1]: recovered in place; users[2]: skip and copy restores; users[0] (the admin): restores into another user land there. */
let victim: string;
let bystander: string;
let other: string;

const manifest = () => stack.manifest<MsLifecycleManifest>(src.sandboxTenant.id);
const unitId = async (kind: string, email: string) => (await stack.unit(src.sourceId, kind, email)).id;
const itemsOf = async (restoreId: string) => listRestoreItems(stack.owner, restoreId, { limit: 1000 });
/** OneDrive refuses `:` in names; the connector writes the copy folder's with U+2236. */
const onOneDrive = (folder: string) => folder.replace(/:/g, "\u2236");
/**
 * The events of the user's calendar at the restore point, each checked to be in the catalogue: the
 * calendar connector backs up a window (730 days back, 365 ahead) and the sandbox seeds events in
 * the year that ended about six months before today, so every one of them must have been backed up.
 */
async function backedUpEvents(email: string): Promise<MsUnit["calendar"]["items"]> {
  const { rows } = await stack.db.owner.pool.query<{ external_id: string }>("select external_id from items where unit_id = $1 and kind = 'event'", [await unitId("ms-calendar", email)]);
  const ids = new Set(rows.map((r) => r.external_id));
  const events = unitOf(pre, email).calendar.items;
  expect(events.length, `${email}: events seeded`).toBeGreaterThan(0);
  expect(events.filter((e) => !ids.has(e.id)).map((e) => e.id), `${email}: events not backed up`).toEqual([]);
  return events;
}

beforeAll(async () => {
  stack = await startWorkerStack("lifecycle-ms");
  src = await stack.connectMicrosoft({ seed: 2411, users: 3, itemsPerUser: 10 });
  [other = "", victim = "", bystander = ""] = (await manifest()).units.map((u) => u.email);
}, 240_000);

afterAll(async () => {
  await stack?.close();
});

describe("a Microsoft 365 tenant through backup, attack, restore and export", () => {
  it("a full backup captures every message and OneDrive file as the sandbox has them", async () => {
    const result = await stack.runBackup(src.sourceId, "full");
    expect(result).toMatchObject({ status: "completed", failedUnits: 0 });
    pre = await manifest();
    asOf = new Date();
    const report = await expectEveryItemOnce(stack.db, { tenantId: stack.tenantId, sourceId: src.sourceId }, result.runId, microsoftTruth(pre));
    expect(report.bytesChecked).toBeGreaterThan(0);
    for (const email of [victim, bystander, other]) {
      const u = unitOf(pre, email);
      expect(u.items.length, `${email}: messages`).toBeGreaterThan(0);
      expect(u.drive.items.length, `${email}: OneDrive files`).toBeGreaterThan(0);
      expect(u.calendar.items.length + u.contacts.items.length, `${email}: events and contacts`).toBeGreaterThan(0);
    }
  });

  it("a second backup of the unchanged tenant reads no content: delta queries and token grants only, 0 bytes stored", async () => {
    const { result, requests } = await recordRequests(stack.control, () => stack.runBackup(src.sourceId, "unchanged"));
    expect(result).toMatchObject({ status: "completed", failedUnits: 0 });
    expect(result.stats).toMatchObject({ stored: 0, bytesRead: 0, bytesUploaded: 0, deleted: 0 });
    expect(result.stats.carried).toBeGreaterThan(0);
    const graph = requests.filter((r) => r.path.startsWith("/microsoft/"));
    expect(graph.length).toBeGreaterThan(0);
    expect(graph.filter(isContentRead).map((r) => `${r.method} ${pathShape(r.path)}`)).toEqual([]);
    const shapes = [...new Set(graph.map((r) => `${r.method} ${pathShape(r.path)}`))].sort();
    console.log(`[lifecycle-ms] unchanged run: ${graph.length} requests\n  ${shapes.join("\n  ")}`);
    // Delta rounds and the token grant, plus discovery (the directory, each user's drive, the
    // sites' libraries) and the mail folder tree, which message delta (one per folder) starts from.
    const allowed = /\/delta$|\/oauth2\/v2\.0\/token$|\/v1\.0\/users$|\/users\/\{id\}\/drive$|\/v1\.0\/sites$|\/v1\.0\/sites\/\{id\}\/drives$|\/mailFolders$|\/mailFolders\/\{id\}\/childFolders$/;
    expect(shapes.filter((s) => !allowed.test(s))).toEqual([]);
    expect(graph.filter((r) => r.status >= 400).map((r) => `${r.status} ${pathShape(r.path)}`)).toEqual([]);
  });

  it("an intruder edits, moves, deletes and encrypts; the next backup captures it", async () => {
    const units = [victim, bystander];
    for (const [kind, fraction, seed] of [
      ["edit", 0.3, 11],
      ["move", 0.3, 12],
      ["delete", 0.2, 13],
      ["ransomware", 0.3, 14],
    ] as const) {
      touched.push(...(await mutate(stack.control, src.sandboxTenant.id, kind, units, fraction, seed)));
    }
    attacked = await manifest();
    const ofVictim = touched.filter((t) => t.unit.toLowerCase() === victim.toLowerCase());
    for (const service of ["mail", "drive"] as const) {
      for (const action of ["edited", "moved", "deleted", "encrypted"] as const) {
        expect(ofVictim.filter((t) => serviceOf(t) === service && t.action === action).length, `${service} ${action}`).toBeGreaterThan(0);
      }
    }
    const result = await stack.runBackup(src.sourceId, "attacked");
    expect(result).toMatchObject({ status: "completed", failedUnits: 0 });
    expect(result.stats.stored).toBeGreaterThan(0);
    expect(result.stats.deleted).toBeGreaterThan(0);
  });

  it("the default restore (skip) overwrites nothing newer: changed items are kept and reported skipped with the reason", async () => {
    const mine = touched.filter((t) => t.unit.toLowerCase() === bystander.toLowerCase());
    let recreated = 0;
    let unchanged = 0;
    for (const kind of ["onedrive", "exchange"] as const) {
      const { job, result } = await stack.runRestore({ unitId: await unitId(kind, bystander), asOf });
      expect(job.conflict).toBe("skip");
      expect(result.status).toBe("completed");
      expect(result.counts).toMatchObject({ replaced: 0, copied: 0, failed: 0 });
      const items = await itemsOf(job.id);
      const byId = new Map(items.map((i) => [i.externalId, i]));
      const service = kind === "onedrive" ? "drive" : "mail";
      // Changed since the restore point (edited, moved, encrypted in place): left as they are.
      const changed = mine.filter((t) => serviceOf(t) === service && (t.action === "edited" || t.action === "moved" || (t.action === "encrypted" && service === "drive")));
      const stillThere = changed.filter((t) => (service === "drive" ? unitOf(attacked, bystander).drive.items : unitOf(attacked, bystander).items).some((x) => x.id === t.id));
      expect(stillThere.length).toBeGreaterThan(0);
      for (const t of stillThere) {
        const r = byId.get(t.id);
        expect(r?.outcome, `${kind} ${t.action} ${t.id}`).toBe("skipped");
        expect(r?.reason, `${kind} ${t.action} ${t.id}`).toMatch(/since; kept as it is$/);
      }
      // What was deleted (or encrypted away) comes back: nothing newer stands in its place.
      const gone = mine.filter((t) => serviceOf(t) === service && (t.action === "deleted" || (t.action === "encrypted" && service === "mail")));
      expect(gone.map((t) => `${t.id}: ${byId.get(t.id)?.outcome}`)).toEqual(gone.map((t) => `${t.id}: created`));
      recreated += gone.length;
      // Unchanged items are skipped as such, not rewritten.
      unchanged += items.filter((i) => i.outcome === "skipped" && /in place, unchanged$|in the mailbox, unchanged$/.test(i.reason ?? "")).length;
    }
    expect(recreated, "deleted items restored by the skip restore").toBeGreaterThan(0);
    expect(unchanged, "unchanged items skipped as such").toBeGreaterThan(0);
    const now = unitOf(await manifest(), bystander);
    const before = unitOf(attacked, bystander);
    // Every file the intruder changed still holds the intruder's bytes; every moved message is still where it was moved.
    for (const f of before.drive.items) expect(now.drive.items.find((x) => x.id === f.id)?.sha256, f.path).toBe(f.sha256);
    for (const m of before.items) expect(now.items.find((x) => x.id === m.id), m.id).toMatchObject({ folder: m.folder, isRead: m.isRead, flagged: m.flagged, sha256: m.sha256 });
  });

  it("a copy restore puts the restore point's version of each changed item into a clearly named folder, newer data untouched", async () => {
    const before = unitOf(await manifest(), bystander);
    const mine = touched.filter((t) => t.unit.toLowerCase() === bystander.toLowerCase());

    const drive = await stack.runRestore({ unitId: await unitId("onedrive", bystander), asOf, conflict: "copy" });
    expect(drive.result.status).toBe("completed");
    expect(drive.result.counts).toMatchObject({ replaced: 0, failed: 0 });
    const folder = onOneDrive(drive.job.copyFolder);
    expect(drive.job.copyFolder).toMatch(/^Restored by Holdfast/);
    const changedFiles = mine.filter((t) => serviceOf(t) === "drive" && (t.action === "edited" || t.action === "encrypted" || t.action === "moved") && before.drive.items.some((f) => f.id === t.id));
    expect(changedFiles.length).toBeGreaterThan(0);
    const copied = (await itemsOf(drive.job.id)).filter((i) => i.outcome === "copied");
    expect(new Set(copied.map((i) => i.externalId))).toEqual(new Set(changedFiles.map((t) => t.id)));
    const after = unitOf(await manifest(), bystander);
    for (const t of changedFiles) {
      const original = unitOf(pre, bystander).drive.items.find((f) => f.id === t.id);
      if (!original) throw new Error(`no pre-attack file ${t.id}`);
      expect(after.drive.items.find((f) => f.path === `/${folder}${original.path}`)?.sha256, `copy of ${original.path}`).toBe(original.sha256);
      // The newer version is where it was, as it was.
      expect(after.drive.items.find((f) => f.id === t.id)).toMatchObject(before.drive.items.find((f) => f.id === t.id) ?? {});
    }

    const mail = await stack.runRestore({ unitId: await unitId("exchange", bystander), asOf, conflict: "copy", copyFolder: "Restored by Holdfast 2026-11-28" });
    expect(mail.result.status).toBe("completed");
    expect(mail.result.counts).toMatchObject({ replaced: 0, failed: 0 });
    const changedMail = mine.filter((t) => serviceOf(t) === "mail" && (t.action === "edited" || t.action === "moved") && before.items.some((m) => m.id === t.id));
    const mailItems = await itemsOf(mail.job.id);
    expect(new Set(mailItems.filter((i) => i.outcome === "copied").map((i) => i.externalId))).toEqual(new Set(changedMail.map((t) => t.id)));
    const mailAfter = unitOf(await manifest(), bystander);
    for (const t of changedMail) {
      const original = unitOf(pre, bystander).items.find((m) => m.id === t.id);
      if (!original) throw new Error(`no pre-attack message ${t.id}`);
      expect(mailAfter.items.some((m) => m.folder === `Restored by Holdfast 2026-11-28/${original.folder}` && m.sha256 === original.sha256), `copy of ${original.folder} ${original.id}`).toBe(true);
      expect(mailAfter.items.find((m) => m.id === t.id)).toMatchObject(before.items.find((m) => m.id === t.id) ?? {});
    }
    expect(mailAfter.folders.some((f) => f.path === "Restored by Holdfast 2026-11-28")).toBe(true);
  });

  it("restoring in place with replace brings the mailbox and the OneDrive back byte for byte; only the intruder's own items remain beyond it", async () => {
    for (const kind of ["exchange", "onedrive", "ms-calendar", "ms-contacts"] as const) {
      const { result } = await stack.runRestore({ unitId: await unitId(kind, victim), asOf, conflict: "replace" });
      expect(result.status, kind).toBe("completed");
      expect(result.counts.failed, kind).toBe(0);
      // Calendar and contacts too, but which events the intruder hit inside the backed-up window varies.
      if (kind === "exchange" || kind === "onedrive") expect(result.counts.replaced, kind).toBeGreaterThan(0);
    }
    const now = unitOf(await manifest(), victim);
    const before = unitOf(pre, victim);
    const mine = touched.filter((t) => t.unit.toLowerCase() === victim.toLowerCase());

    // Mail: every pre-attack message in its folder with identical MIME.
    expect(missingFrom(countBy(before.items, messageKey), countBy(now.items, messageKey))).toEqual([]);
    // Read and follow-up state as it was, for the messages that kept their id.
    for (const m of before.items) {
      const same = now.items.find((x) => x.id === m.id);
      if (same) expect({ folder: same.folder, isRead: same.isRead, flagged: same.flagged }, m.id).toEqual({ folder: m.folder, isRead: m.isRead, flagged: m.flagged });
    }
    // Beyond the pre-attack set: exactly the ransomware's replacement messages.
    const extra = missingFrom(countBy(now.items, messageKey), countBy(before.items, messageKey));
    const extraIds = now.items.filter((m) => extra.includes(messageKey(m)) && !before.items.some((b) => messageKey(b) === messageKey(m))).map((m) => m.id);
    const intruders = mine.filter((t) => serviceOf(t) === "mail" && t.action === "encrypted").map((t) => t.replacedBy ?? "");
    console.log(`[lifecycle-ms] left in ${victim}'s mailbox beyond the restore point (the intruder's): ${extraIds.join(", ")}`);
    expect(extra).toHaveLength(extraIds.length);
    expect(new Set(extraIds)).toEqual(new Set(intruders));

    // OneDrive: every pre-attack file at its path with its content.
    expect(missingFrom(countBy(before.drive.items, fileKey), countBy(now.drive.items, fileKey))).toEqual([]);
    // Files edited, encrypted or moved keep their id: the same item is back at its path with its bytes.
    for (const f of unitOf(attacked, victim).drive.items) {
      const was = before.drive.items.find((x) => x.id === f.id);
      if (was) expect(now.drive.items.find((x) => x.id === f.id), was.path).toMatchObject({ path: was.path, sha256: was.sha256 });
    }
    // The intruder created no files (ransomware rewrote them in place), so nothing else is there.
    expect(missingFrom(countBy(now.drive.items, fileKey), countBy(before.drive.items, fileKey))).toEqual([]);

    // Calendar and contacts: every pre-attack event and contact with its content.
    expect(missingFrom(countBy(await backedUpEvents(victim), (e) => e.sha256), countBy(now.calendar.items, (e) => e.sha256))).toEqual([]);
    expect(missingFrom(countBy(before.contacts.items, (c) => c.sha256), countBy(now.contacts.items, (c) => c.sha256))).toEqual([]);
  });

  it("exports the mailbox (mbox) and the OneDrive (zip) as of before the attack, byte for byte", async () => {
    const before = unitOf(pre, victim);
    const mbox = await stack.runExport({ unitId: await unitId("exchange", victim), asOf: asOf.toISOString(), format: "mbox" });
    // Every message exported and nothing failed; the mailbox's folders are in the selection too
    // (they are items) and count as exported with no bytes of their own.
    expect(mbox.result).toMatchObject({ status: "completed", failed: 0, exported: before.items.length + before.folders.length });
    const outcomes = await listExportItems(stack.owner, mbox.job.id, { limit: 1000 });
    expect(outcomes.filter((o) => o.outcome !== "exported").map((o) => `${o.path}: ${o.reason}`)).toEqual([]);
    const messages = parseMboxrd((await stack.download(mbox.job.id)).bytes);
    // mboxrd ends a message lacking a final newline with one; nothing else may differ.
    const hashes = messages.map(({ message }) => {
      const exact = sha256(message);
      return before.items.some((m) => m.sha256 === exact) || message.at(-1) !== 0x0a ? exact : sha256(message.subarray(0, -1));
    });
    expect(hashes.sort()).toEqual(before.items.map((m) => m.sha256).sort());

    const zip = await stack.runExport({ unitId: await unitId("onedrive", victim), asOf: asOf.toISOString(), format: "zip" });
    expect(zip.result).toMatchObject({ status: "completed", failed: 0 });
    const download = await stack.download(zip.job.id);
    expect(download.fileName).toBe("holdfast-files.zip");
    const entries = await unzipAll(download.bytes, stack.dir);
    entries.delete(REPORT_ENTRY);
    expect(new Map([...entries].map(([name, bytes]) => [`/${name}`, sha256(bytes)]))).toEqual(new Map(before.drive.items.map((f) => [f.path, f.sha256])));
  });

  it("restores one user's mail, OneDrive, calendar and contacts into another user, under the copy folder with identical bytes", async () => {
    const from = unitOf(pre, victim);
    const copyFolder = "Restored from a colleague";
    for (const kind of ["exchange", "onedrive", "ms-calendar", "ms-contacts"] as const) {
      const { job, result } = await stack.runRestore({ unitId: await unitId(kind, victim), targetUnitId: await unitId(kind, other), asOf, copyFolder });
      expect(result.status, kind).toBe("completed");
      expect(result.counts, kind).toMatchObject({ created: 0, replaced: 0, skipped: 0, failed: 0 });
      expect(result.counts.copied, kind).toBeGreaterThan(0);
      expect((await itemsOf(job.id)).every((i) => i.outcome === "copied"), kind).toBe(true);
    }
    const to = unitOf(await manifest(), other);
    expect(missingFrom(countBy(from.items, (m) => messageKey({ folder: `${copyFolder}/${m.folder}`, sha256: m.sha256 })), countBy(to.items, messageKey))).toEqual([]);
    expect(missingFrom(countBy(from.drive.items, (f) => fileKey({ path: `/${copyFolder}${f.path}`, sha256: f.sha256 })), countBy(to.drive.items, fileKey))).toEqual([]);
    // Graph's calendars and contact folders of another user: the sandbox has one of each, so the
    // restored events and contacts land in the target's default calendar and contacts folder.
    expect(missingFrom(countBy(await backedUpEvents(victim), (e) => e.sha256), countBy(to.calendar.items, (e) => e.sha256))).toEqual([]);
    expect(missingFrom(countBy(from.contacts.items, (c) => c.sha256), countBy(to.contacts.items, (c) => c.sha256))).toEqual([]);
    // The target's own data is untouched.
    const own = unitOf(pre, other);
    expect(missingFrom(countBy(own.items, messageKey), countBy(to.items, messageKey))).toEqual([]);
    expect(missingFrom(countBy(own.drive.items, fileKey), countBy(to.drive.items, fileKey))).toEqual([]);
  });
});
