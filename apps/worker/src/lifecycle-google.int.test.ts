// The backup/restore lifecycle of a seeded Google Workspace tenant, end to end on the real stack
// (test/stack.ts): a full backup; a second one with nothing changed that reads no item at all;
// an intruder edits, moves, deletes and encrypts mail and Drive files; a third backup; a restore
// as of before the intrusion with the user's explicit "replace", after which the sandbox matches
// the pre-intrusion manifest byte for byte; an export of that point that gives the same bytes;
// the default "skip" leaving newer data alone and "copy" restoring beside it; and a restore of
// one user's mail, Drive, calendar and contacts into another user's.
//
// "Matches byte for byte" (test/google-lifecycle.ts, expectMailboxRestored/expectDriveRestored):
// - mail: every message of the pre-intrusion manifest is in the mailbox again with identical raw
//   bytes (SHA-256 of format=raw) and the same set of labels, one message each;
// - Drive: every pre-intrusion folder is live at its path; every pre-intrusion file is live (not
//   trashed) at the same path, once, with the same content hash — of its bytes for binary files,
//   of its text/plain (Sheets: text/csv) export for Google-native ones, as the manifest gives
//   them — under the same id unless the restore reports the id it was recreated under (a file
//   deleted for good cannot come back under its old id).
// Whatever else is in the account afterwards must be the intruder's own: a restore never deletes
// data, so Gmail's encrypted copies (new ids) stay, and the test names them exactly.
import { getRestore, listRestoreItems, type RequestRestoreInput } from "@holdfast/services";
import { REPORT_ENTRY, parseMboxrd } from "@holdfast/exports";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FOLDER_MIME,
  catalogueItemIds,
  driveOf,
  expectDriveRestored,
  expectMailboxRestored,
  isFile,
  labelsOf,
  mailboxOf,
  mutate,
  perItemReads,
  type LifecycleManifest,
  type Touched,
} from "../test/google-lifecycle";
import { recordRequests } from "../test/request-log";
import { sha256, startWorkerStack, unzipAll, type ConnectedSource, type WorkerStack } from "../test/stack";

let s: WorkerStack;
let src: ConnectedSource;
let alice: string;
let bob: string;
/** The restore point: after the first backup, before anything changed. */
let before: Date;
let pre: LifecycleManifest;
/** What the intruder did, as the control API answered. */
const intrusion: { mail: Touched[]; drive: Touched[] } = { mail: [], drive: [] };
/** Drive files the in-place restore had to recreate under another id (original id → new id). */
let recreated = new Map<string, string>();
/** Alice's pre-intrusion messages as the export gave them back, by SHA-256. */
const exportedMail = new Map<string, Buffer>();

const manifest = () => s.manifest<LifecycleManifest>(src.sandboxTenant.id);
const restoreItems = async (restoreId: string) => listRestoreItems(s.owner, restoreId, { limit: 1000 });

async function restore(input: RequestRestoreInput) {
  const { job, result } = await s.runRestore(input);
  const items = await restoreItems(job.id);
  expect(items.filter((i) => i.outcome === "failed").map((i) => `${i.path}: ${i.reason}`), `restore ${job.id}: failed items`).toEqual([]);
  expect(result.status, `restore ${job.id}`).toBe("completed");
  return { job, result, items };
}

beforeAll(async () => {
  s = await startWorkerStack("lifecycle-google");
  src = await s.connectGoogle({ seed: 7301, users: 2, itemsPerUser: 12, driveFilesPerUser: 10, eventsPerUser: 5 });
  [alice, bob] = src.sandboxTenant.units.map((u) => u.email) as [string, string];
}, 240_000);

afterAll(async () => {
  await s?.close();
});

describe("Google Workspace: backup, intrusion, restore", () => {
  it("backs up the whole tenant, then an unchanged tenant with no content read at all", async () => {
    const first = await s.runBackup(src.sourceId, "full");
    expect(first).toMatchObject({ status: "completed", failedUnits: 0 });
    expect(first.stats.stored).toBeGreaterThan(0);
    before = new Date();
    pre = await manifest();
    expect(mailboxOf(pre, alice).length).toBeGreaterThanOrEqual(10);
    expect(driveOf(pre, alice).filter(isFile).length).toBeGreaterThanOrEqual(6);

    const { result: second, requests } = await recordRequests(s.control, () => s.runBackup(src.sourceId, "unchanged"));
    expect(second).toMatchObject({ status: "completed", failedUnits: 0 });
    expect(second.stats).toMatchObject({ stored: 0, bytesRead: 0, deleted: 0 });
    expect(second.stats.carried).toBeGreaterThanOrEqual(first.stats.stored);
    // Only token grants, discovery and the change feeds: no message, file, export, revision,
    // permission, event or contact read (paths without their query strings).
    const endpoints = new Set(requests.map((r) => r.path.replace(/\/users\/[^/]+\//, "/users/{user}/")));
    for (const feed of ["/gmail/v1/users/{user}/history", "/drive/v3/changes"]) expect(endpoints, `the run read ${feed}`).toContain(feed);
    expect(perItemReads(requests)).toEqual([]);
    expect(requests.filter((r) => r.status >= 400)).toEqual([]);
  });

  it("an intruder edits, moves, deletes and encrypts Alice's mail and files; the next backup follows", async () => {
    for (const [kind, seed] of [["edit", 11], ["move", 12], ["delete", 13], ["ransomware", 14]] as const) {
      const touched = await mutate(s.control, src.sandboxTenant.id, { kind, fraction: 0.2, seed, units: [alice] });
      expect(touched.length, `mail ${kind}`).toBeGreaterThan(0);
      intrusion.mail.push(...touched);
    }
    for (const [kind, seed] of [["edit", 21], ["move", 22], ["delete", 29], ["ransomware", 24]] as const) {
      const touched = await mutate(s.control, src.sandboxTenant.id, { kind, fraction: kind === "delete" ? 0.4 : 0.3, seed, units: [alice], service: "drive" });
      expect(touched.length, `drive ${kind}`).toBeGreaterThan(0);
      intrusion.drive.push(...touched);
    }
    // Both kinds of Drive deletion: to the trash and for good.
    expect(intrusion.drive.filter((t) => t.action === "deleted").map((t) => t.trashed ?? false).sort()).toContain(true);
    expect(intrusion.drive.filter((t) => t.action === "deleted").map((t) => t.trashed ?? true)).toContain(false);

    const third = await s.runBackup(src.sourceId, "after-intrusion");
    expect(third).toMatchObject({ status: "completed", failedUnits: 0 });
    // Encrypted mail (new messages) and edited or encrypted files are new content; the rest is carried.
    expect(third.stats.stored).toBeGreaterThan(0);
    expect(third.stats.stored).toBeLessThan(third.stats.carried);
    expect(third.stats.deleted).toBeGreaterThan(0);
  });

  it("restores Alice's mail and Drive in place as of before the intrusion (replace): the manifest matches byte for byte", async () => {
    const mail = await restore({ unitId: (await s.unit(src.sourceId, "gmail", alice)).id, asOf: before, conflict: "replace" });
    const drive = await restore({ unitId: (await s.unit(src.sourceId, "drive", alice)).id, asOf: before, conflict: "replace" });
    const after = await manifest();

    // Mail: deleted and encrypted messages imported again, moved and relabelled ones put back.
    const encrypted = intrusion.mail.filter((t) => t.action === "encrypted");
    const extra = expectMailboxRestored(mailboxOf(pre, alice), mailboxOf(after, alice), "alice's mailbox");
    expect(extra.sort(), "left over: exactly the intruder's encrypted copies").toEqual(encrypted.map((t) => t.replacedBy ?? "").sort());
    const mailOutcome = new Map(mail.items.map((i) => [i.externalId ?? "", i]));
    for (const t of encrypted) expect(mailOutcome.get(t.id)).toMatchObject({ outcome: "replaced", reason: expect.stringMatching(/different message with the same Message-ID/) as unknown });
    for (const t of intrusion.mail.filter((x) => x.action === "moved" && mailboxOf(after, alice).some((m) => m.id === x.id))) {
      expect(mailOutcome.get(t.id)?.outcome, `moved message ${t.id}`).toBe("replaced");
    }
    expect(mail.result.counts.created).toBeGreaterThanOrEqual(intrusion.mail.filter((t) => t.action === "deleted").length);

    // Drive: edited and encrypted files get the old content back as a new revision, moved ones
    // go back, trashed ones come out of the trash, and files deleted for good are uploaded again.
    const newIds = new Map(drive.items.filter((i) => i.newExternalId && i.externalId).map((i) => [i.externalId ?? "", i.newExternalId ?? ""]));
    const leftOver = expectDriveRestored(driveOf(pre, alice), driveOf(after, alice), newIds, "alice's drive");
    recreated = new Map([...newIds].filter(([from, to]) => from !== to));
    // The only other live files: newer versions the provider would not overwrite, kept under the
    // copy folder, each one the intruder touched.
    const touchedIds = new Set(intrusion.drive.map((t) => t.id));
    expect(leftOver.filter((f) => !touchedIds.has(f.id) || !f.path.startsWith(`/${drive.job.copyFolder}/`)).map((f) => f.path)).toEqual([]);
    const byId = new Map(drive.items.map((i) => [i.externalId ?? "", i]));
    for (const id of new Set(intrusion.drive.map((t) => t.id))) {
      const done = intrusion.drive.filter((t) => t.id === id);
      const what = `${driveOf(pre, alice).find((f) => f.id === id)?.path} (${done.map((t) => (t.action === "deleted" ? (t.trashed ? "trashed" : "deleted for good") : t.action)).join(", ")})`;
      const got = byId.get(id);
      if (done.some((t) => t.action === "deleted" && !t.trashed)) expect(got, what).toMatchObject({ outcome: "created" });
      else if (done.every((t) => t.action === "deleted")) expect(got, what).toMatchObject({ outcome: "created", reason: expect.stringMatching(/trash/) as unknown });
      else expect(got, what).toMatchObject({ outcome: "replaced" });
    }
    const unchanged = driveOf(pre, alice).filter((f) => isFile(f) && !touchedIds.has(f.id));
    expect(unchanged.length).toBeGreaterThan(0);
    for (const f of unchanged) expect(byId.get(f.id), f.path).toMatchObject({ outcome: "skipped", reason: expect.stringMatching(/unchanged/) as unknown });

  });

  it("exports the restore point: the archive holds the pre-intrusion bytes", async () => {
    const mail = await s.runExport({ unitId: (await s.unit(src.sourceId, "gmail", alice)).id, asOf: before.toISOString(), format: "mbox" });
    expect(mail.result).toMatchObject({ status: "completed", failed: 0 });
    const messages = parseMboxrd((await s.download(mail.job.id)).bytes);
    // mboxrd ends a message lacking a final newline with one; nothing else may differ.
    const known = new Set(mailboxOf(pre, alice).map((m) => m.sha256));
    for (const { message } of messages) {
      const raw = message.at(-1) === 0x0a && !known.has(sha256(message)) ? message.subarray(0, -1) : message;
      exportedMail.set(sha256(raw), raw);
    }
    expect([...exportedMail.keys()].sort()).toEqual(mailboxOf(pre, alice).map((m) => m.sha256).sort());
    expect(messages).toHaveLength(exportedMail.size);

    const files = await s.runExport({ unitId: (await s.unit(src.sourceId, "drive", alice)).id, asOf: before.toISOString(), format: "zip" });
    expect(files.result).toMatchObject({ status: "completed", failed: 0 });
    const entries = await unzipAll((await s.download(files.job.id)).bytes, s.dir);
    entries.delete(REPORT_ENTRY);
    const preFiles = driveOf(pre, alice).filter((f) => isFile(f) && !f.trashed);
    expect(entries.size).toBe(preFiles.length);
    const exported = new Set([...entries.values()].map(sha256));
    for (const f of preFiles.filter((x) => x.sha256Of === "content")) expect(exported.has(f.sha256 ?? ""), f.path).toBe(true);
  });

  it("restored again, nothing is written: everything is found in place", async () => {
    const drive = await restore({ unitId: (await s.unit(src.sourceId, "drive", alice)).id, asOf: before, conflict: "replace" });
    expect(drive.items.filter((i) => i.outcome !== "skipped")).toEqual([]);
    const mailbox = mailboxOf(await manifest(), alice);
    const mail = await restore({ unitId: (await s.unit(src.sourceId, "gmail", alice)).id, asOf: before, conflict: "replace" });
    // A message the first restore imported again has a new id; it is found by Message-ID (even
    // one followed by a comment, "<id@host> (added by postmaster@…)") and equal bytes.
    expect(mail.items.filter((i) => i.outcome !== "skipped").map((i) => `${i.externalId} ${i.outcome}`)).toEqual([]);
    expect(mailboxOf(await manifest(), alice).length).toBe(mailbox.length + mail.result.counts.created);
  });

  it("by default (skip) a restore leaves newer data as it is and says why; copy restores the old version beside it", async () => {
    const gmailUnit = await s.unit(src.sourceId, "gmail", alice);
    const driveUnit = await s.unit(src.sourceId, "drive", alice);
    const moved = await mutate(s.control, src.sandboxTenant.id, { kind: "move", fraction: 0.3, seed: 31, units: [alice] });
    const edited = await mutate(s.control, src.sandboxTenant.id, { kind: "edit", fraction: 0.4, seed: 32, units: [alice], service: "drive" });
    // Messages of the restore point only (not the intruder's earlier copies), files that were there then.
    const movedOld = moved.filter((t) => mailboxOf(pre, alice).some((m) => m.id === t.id));
    const editedOld = edited.filter((t) => driveOf(pre, alice).some((f) => f.id === t.id) && !recreated.has(t.id));
    expect(movedOld.length).toBeGreaterThan(0);
    expect(editedOld.length).toBeGreaterThan(0);
    const newer = await manifest();

    const mailSkip = await restore({ unitId: gmailUnit.id, asOf: before, itemIds: await catalogueItemIds(s.db, gmailUnit.id, movedOld.map((t) => t.id)) });
    expect(mailSkip.job.conflict).toBe("skip");
    expect(mailSkip.items).toHaveLength(movedOld.length);
    for (const i of mailSkip.items) expect(i).toMatchObject({ outcome: "skipped", reason: expect.stringMatching(/labels changed since the backup/) as unknown });
    const driveSkip = await restore({ unitId: driveUnit.id, asOf: before, itemIds: await catalogueItemIds(s.db, driveUnit.id, editedOld.map((t) => t.id)) });
    expect(driveSkip.items).toHaveLength(editedOld.length);
    for (const i of driveSkip.items) expect(i).toMatchObject({ outcome: "skipped", reason: expect.stringMatching(/newer than the backup \(its content changed\)/) as unknown });
    // Nothing was written: the newer labels and contents are as the user left them.
    const afterSkip = await manifest();
    expect(mailboxOf(afterSkip, alice)).toEqual(mailboxOf(newer, alice));
    expect(driveOf(afterSkip, alice)).toEqual(driveOf(newer, alice));

    const copyFolder = "Restored by Holdfast (lifecycle test)";
    const driveCopy = await restore({ unitId: driveUnit.id, asOf: before, conflict: "copy", copyFolder, itemIds: await catalogueItemIds(s.db, driveUnit.id, editedOld.map((t) => t.id)) });
    const mailCopy = await restore({ unitId: gmailUnit.id, asOf: before, conflict: "copy", copyFolder, itemIds: await catalogueItemIds(s.db, gmailUnit.id, movedOld.map((t) => t.id)) });
    const afterCopy = await manifest();
    for (const t of editedOld) {
      const old = driveOf(pre, alice).find((f) => f.id === t.id);
      const item = driveCopy.items.find((i) => i.externalId === t.id);
      expect(item?.outcome, old?.path).toBe("copied");
      const copy = driveOf(afterCopy, alice).find((f) => f.id === item?.newExternalId);
      expect(copy, old?.path).toMatchObject({ path: `/${copyFolder}${old?.path}`, sha256: old?.sha256, trashed: false });
      // The edited file itself is untouched.
      expect(driveOf(afterCopy, alice).find((f) => f.id === t.id)).toEqual(driveOf(newer, alice).find((f) => f.id === t.id));
    }
    const copyLabel = labelsOf(afterCopy, alice).find((l) => l.name === copyFolder);
    expect(copyLabel, "the copy label").toBeDefined();
    for (const t of movedOld) {
      const old = mailboxOf(pre, alice).find((m) => m.id === t.id);
      const item = mailCopy.items.find((i) => i.externalId === t.id);
      expect(item?.outcome).toBe("copied");
      const copy = mailboxOf(afterCopy, alice).find((m) => m.id === item?.newExternalId);
      expect(copy?.sha256).toBe(old?.sha256);
      expect(copy?.labelIds).toContain(copyLabel?.id);
      expect(copy?.labelIds).not.toContain("INBOX");
      expect(mailboxOf(afterCopy, alice).find((m) => m.id === t.id)).toEqual(mailboxOf(newer, alice).find((m) => m.id === t.id));
    }
    expect((await getRestore(s.owner, driveCopy.job.id)).copyFolder).toBe(copyFolder);
  });

  it("restores Alice's mail, Drive, calendar and contacts into Bob's account, under the copy folder, with identical bytes", async () => {
    const copyFolder = "From Alice (lifecycle test)";
    const into = async (kind: string) => restore({ unitId: (await s.unit(src.sourceId, kind, alice)).id, targetUnitId: (await s.unit(src.sourceId, kind, bob)).id, asOf: before, copyFolder });
    const [mail, drive, calendar, contacts] = [await into("gmail"), await into("drive"), await into("calendar"), await into("contacts")];
    for (const r of [mail, drive, calendar, contacts]) expect(r.items.filter((i) => i.outcome !== "copied" && !(i.outcome === "skipped" && /folder exists/.test(i.reason ?? "")))).toEqual([]);
    const after = await manifest();

    // Mail: every pre-intrusion message of Alice's, under the copy label in Bob's mailbox.
    const label = labelsOf(after, bob).find((l) => l.name === copyFolder);
    expect(label, "the copy label in Bob's mailbox").toBeDefined();
    const bobsCopies = mailboxOf(after, bob).filter((m) => m.labelIds.includes(label?.id ?? ""));
    expect(bobsCopies.map((m) => m.sha256).sort()).toEqual(mailboxOf(pre, alice).map((m) => m.sha256).sort());
    expect(bobsCopies.filter((m) => m.labelIds.includes("INBOX") || m.labelIds.includes("TRASH"))).toEqual([]);
    expect(mailboxOf(after, bob).length).toBe(mailboxOf(pre, bob).length + bobsCopies.length);

    // Drive: Alice's tree below the copy folder of Bob's drive, same content hashes.
    const bobsFiles = new Map(driveOf(after, bob).filter((f) => !f.trashed).map((f) => [f.path, f]));
    for (const f of driveOf(pre, alice).filter((x) => !x.trashed)) {
      const copy = bobsFiles.get(`/${copyFolder}${f.path}`);
      expect(copy, f.path).toBeDefined();
      if (f.mimeType === FOLDER_MIME) expect(copy?.mimeType).toBe(FOLDER_MIME);
      else expect(copy, f.path).toMatchObject({ mimeType: f.mimeType, sha256: f.sha256 });
    }

    // Calendar and contacts: Bob's primary calendar and contacts hold Alice's, canonically equal.
    const primary = (m: LifecycleManifest, email: string) => m.calendars.find((c) => c.email === email && c.primary)?.items ?? [];
    const alicesEvents = primary(pre, alice).map((e) => e.sha256);
    expect(alicesEvents.length).toBeGreaterThan(0);
    const bobsEvents = primary(after, bob).map((e) => e.sha256);
    for (const h of alicesEvents) expect(bobsEvents).toContain(h);
    expect(bobsEvents.length).toBe(primary(pre, bob).length + alicesEvents.length);
    const book = (m: LifecycleManifest, email: string) => m.contacts.find((c) => c.email === email)?.items ?? [];
    const alicesContacts = book(pre, alice).map((c) => c.sha256);
    expect(alicesContacts.length).toBeGreaterThan(0);
    const bobsContacts = book(after, bob).map((c) => c.sha256);
    for (const h of alicesContacts) expect(bobsContacts).toContain(h);
    expect(bobsContacts.length).toBe(book(pre, bob).length + alicesContacts.length);
    // Alice's own data was not touched by restoring it elsewhere.
    expect(book(after, alice).map((c) => c.sha256).sort()).toEqual(alicesContacts.sort());
  });
});
