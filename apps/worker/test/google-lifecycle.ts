// Google-specific checks of the backup/restore lifecycle (src/lifecycle-google.int.test.ts): the
// sandbox manifest's mail, Drive, calendar and contacts parts, the control API's mutations and
// request log, and "matches byte for byte" between two manifests, spelled out once.
import type { TestDatabase } from "@holdfast/db/testing";
import { expect } from "vitest";
import type { Control } from "./drill";
import type { LoggedRequest } from "./request-log";

export const FOLDER_MIME = "application/vnd.google-apps.folder";

export interface MailItem {
  id: string;
  labelIds: string[];
  size: number;
  sha256: string;
}
export interface DriveItem {
  id: string;
  path: string;
  name: string;
  mimeType: string;
  parents: string[];
  trashed: boolean;
  sha256?: string;
  sha256Of?: string;
}
export interface LifecycleManifest {
  units: { id: string; email: string; labels: { id: string; name: string; type: string }[]; items: MailItem[] }[];
  drives: { id: string; kind: "myDrive" | "sharedDrive"; email?: string; items: DriveItem[] }[];
  calendars: { id: string; email: string; primary: boolean; items: { id: string; summary: string; sha256: string }[] }[];
  contacts: { email: string; items: { id: string; name: string; sha256: string }[] }[];
}

export interface Touched {
  unit: string;
  id: string;
  action: "created" | "edited" | "moved" | "deleted" | "encrypted";
  replacedBy?: string;
  trashed?: boolean;
  labelIds?: string[];
}

export const mailboxOf = (m: LifecycleManifest, email: string): MailItem[] => m.units.find((u) => u.email === email)?.items ?? [];
export const labelsOf = (m: LifecycleManifest, email: string) => m.units.find((u) => u.email === email)?.labels ?? [];
export const driveOf = (m: LifecycleManifest, email: string): DriveItem[] => m.drives.find((d) => d.kind === "myDrive" && d.email === email)?.items ?? [];
export const isFile = (i: DriveItem): boolean => i.mimeType !== FOLDER_MIME;

/** The sandbox control API's mutation endpoint, answering the items it touched. */
export async function mutate(control: Control, sandboxTenantId: string, input: { kind: string; fraction: number; seed: number; units: string[]; service?: string }): Promise<Touched[]> {
  return (await control<{ touched: Touched[] }>("POST", `/_control/tenants/${sandboxTenantId}/mutations`, input)).touched;
}

/**
 * What an incremental run over an unchanged Google tenant may call: token grants, the directory
 * listing of users (discovery), and the change feeds with what they need to be read — Gmail's
 * labels and history, Drive's root id, shared drives and changes, Calendar's event sync and the
 * People API's connection sync. Nothing that reads one item (a message, a file's metadata,
 * media, export, revisions or permissions, an event, a contact).
 */
const FEED_ENDPOINTS: readonly RegExp[] = [
  /^POST \/google\/token$/,
  /^GET \/admin\/directory\/v1\/users$/,
  /^GET \/gmail\/v1\/users\/[^/]+\/labels$/,
  /^GET \/gmail\/v1\/users\/[^/]+\/history$/,
  /^GET \/drive\/v3\/files\/root$/,
  /^GET \/drive\/v3\/drives$/,
  /^GET \/drive\/v3\/changes$/,
  /^GET \/calendar\/v3\/calendars\/[^/]+\/events$/,
  /^GET \/v1\/people\/me\/connections$/,
];

/** The requests of `requests` that are not change-feed calls (each as "METHOD path"). */
export function perItemReads(requests: readonly LoggedRequest[]): string[] {
  return requests.map((r) => `${r.method} ${r.path}`).filter((line) => !FEED_ENDPOINTS.some((re) => re.test(line)));
}

/** The catalogue's item ids (what a restore's `itemIds` selects) of `externalIds` in a unit. */
export async function catalogueItemIds(db: TestDatabase, unitId: string, externalIds: readonly string[]): Promise<string[]> {
  const { rows } = await db.owner.pool.query<{ id: string }>("select id from items where unit_id = $1 and external_id = any($2::text[])", [unitId, [...externalIds]]);
  expect(rows, "every selected item is catalogued").toHaveLength(new Set(externalIds).size);
  return rows.map((r) => r.id);
}

const labelKey = (labelIds: readonly string[]): string => [...labelIds].sort().join(",");

/**
 * Mail "matches byte for byte": every message of `before` is in the mailbox `after` again with
 * identical raw bytes (SHA-256 of what format=raw returns) and the same set of labels, each
 * matched to one message (no duplicates stand in). Returns the ids of the messages of `after`
 * no message of `before` accounts for — what the caller must explain (a restore never deletes,
 * so an attacker's additions stay).
 */
export function expectMailboxRestored(before: readonly MailItem[], after: readonly MailItem[], what: string): string[] {
  const pool = new Map<string, MailItem[]>();
  for (const m of after) {
    const k = `${m.sha256} ${labelKey(m.labelIds)}`;
    pool.set(k, [...(pool.get(k) ?? []), m]);
  }
  const missing: string[] = [];
  const matched = new Set<string>();
  for (const m of before) {
    const k = `${m.sha256} ${labelKey(m.labelIds)}`;
    const hit = pool.get(k)?.shift();
    if (hit) matched.add(hit.id);
    else {
      const sameBytes = after.find((a) => a.sha256 === m.sha256);
      missing.push(`${m.id} [${labelKey(m.labelIds)}] ${sameBytes ? `present as ${sameBytes.id} with labels [${labelKey(sameBytes.labelIds)}]` : "bytes not in the mailbox"}`);
    }
  }
  expect(missing, `${what}: messages of the restore point not back as they were`).toEqual([]);
  return after.filter((m) => !matched.has(m.id)).map((m) => m.id);
}

/**
 * Drive "matches byte for byte": every folder of `before` is live at the same path; every file of
 * `before` that was live is live at the same path, exactly once, with the same content hash —
 * the SHA-256 of its bytes for binary files, of its text/plain (Sheets: text/csv) export for
 * Google-native ones, as the manifest gives them — and keeps its id unless `newIds` (the
 * restore's report) says it was recreated under another. Returns the live files of `after` that
 * no file of `before` accounts for.
 */
export function expectDriveRestored(before: readonly DriveItem[], after: readonly DriveItem[], newIds: ReadonlyMap<string, string>, what: string): DriveItem[] {
  const live = after.filter((i) => !i.trashed);
  const problems: string[] = [];
  for (const f of before.filter((i) => !i.trashed && !isFile(i))) {
    if (!live.some((i) => !isFile(i) && i.path === f.path)) problems.push(`folder ${f.path} missing`);
  }
  const accounted = new Set<string>();
  for (const f of before.filter((i) => !i.trashed && isFile(i))) {
    const there = live.filter((i) => isFile(i) && i.path === f.path);
    if (there.length !== 1) {
      problems.push(`${f.path}: ${there.length} live files at the path`);
      continue;
    }
    const [now] = there as [DriveItem];
    accounted.add(now.id);
    if (now.sha256 !== f.sha256) problems.push(`${f.path}: hash ${now.sha256} (${now.sha256Of}), was ${f.sha256}`);
    if (now.mimeType !== f.mimeType) problems.push(`${f.path}: ${now.mimeType}, was ${f.mimeType}`);
    const expectedId = newIds.get(f.id) ?? f.id;
    if (now.id !== expectedId) problems.push(`${f.path}: id ${now.id}, expected ${expectedId}`);
  }
  expect(problems, `${what}: files of the restore point not back as they were`).toEqual([]);
  return live.filter((i) => isFile(i) && !accounted.has(i.id));
}
