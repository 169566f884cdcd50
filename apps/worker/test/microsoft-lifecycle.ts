// The Microsoft 365 lifecycle suite's view of the sandbox: its manifest as Graph's ground truth
// (messages with folder and MIME hash, OneDrive files with path and content hash, events and
// contacts with their digests), the mutations' answers, and the request log.
import type { Control } from "./drill";
import type { LoggedRequest } from "./request-log";

export interface MsMessage {
  id: string;
  folderId?: string;
  /** The folder's path of display names, `/`-separated ("Inbox/Projects"). */
  folder: string;
  isRead: boolean;
  flagged: boolean;
  size: number;
  /** SHA-256 of the message's MIME as GET …/$value serves it. */
  sha256: string;
}

export interface MsFile {
  id: string;
  /** `/Documents/Report.docx` */
  path: string;
  sha256: string;
}

export interface MsUnit {
  id: string;
  email: string;
  folders: { id: string; displayName: string; path: string; wellKnownName?: string }[];
  items: MsMessage[];
  drive: { id: string; items: MsFile[] };
  calendar: { items: { id: string; subject: string; sha256: string }[] };
  contacts: { items: { id: string; displayName: string; sha256: string }[] };
}

export interface MsLifecycleManifest {
  units: MsUnit[];
}

export function unitOf(m: MsLifecycleManifest, email: string): MsUnit {
  const u = m.units.find((x) => x.email.toLowerCase() === email.toLowerCase());
  if (!u) throw new Error(`the sandbox manifest has no unit ${email}`);
  return u;
}

export interface Touched {
  unit: string;
  id: string;
  action: "edited" | "deleted" | "moved" | "encrypted" | "created";
  /** Mail: the ransomware's replacement message (a new id). */
  replacedBy?: string;
  /** OneDrive items carry their drive id; calendar and contacts their service. */
  drive?: string;
  service?: "calendar" | "contacts";
}

/** Which service a touched item belongs to, from the shape the sandbox answers with. */
export const serviceOf = (t: Touched): "mail" | "drive" | "calendar" | "contacts" => t.service ?? (t.drive ? "drive" : "mail");

export async function mutate(control: Control, tenant: string, kind: "edit" | "delete" | "move" | "ransomware" | "create", units: string[], fraction: number, seed: number): Promise<Touched[]> {
  const r = await control<{ touched: Touched[] }>("POST", `/_control/tenants/${tenant}/mutations`, { kind, fraction, seed, units });
  return r.touched;
}

/** A multiset of `key` strings (a folder or path and a hash), to compare mailboxes and drives with duplicates counted. */
export function countBy<T>(items: readonly T[], key: (t: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const i of items) out.set(key(i), (out.get(key(i)) ?? 0) + 1);
  return out;
}

/** What `want` holds that `have` lacks (counting duplicates), as sorted keys. */
export function missingFrom(want: Map<string, number>, have: Map<string, number>): string[] {
  const out: string[] = [];
  for (const [k, n] of want) for (let i = have.get(k) ?? 0; i < n; i++) out.push(k);
  return out.sort();
}

export const messageKey = (m: Pick<MsMessage, "folder" | "sha256">): string => `${m.folder} ${m.sha256}`;
export const fileKey = (f: Pick<MsFile, "path" | "sha256">): string => `${f.path} ${f.sha256}`;

/** A path's shape for reports: GUIDs, Graph ids, drive ids, site ids (`host,guid,guid`) and UPNs replaced by `{id}`. */
export function pathShape(path: string): string {
  return path
    .split("/")
    .map((s) => (/^[0-9a-f-]{36}$/i.test(s) || /,|%2C/i.test(s) || /^[A-Za-z0-9_=%!-]{20,}$/.test(s) || /^[^@]+@[^@]+$/.test(decodeURIComponent(s)) ? "{id}" : s))
    .join("/");
}

/** Requests that read an item's content: a message's MIME, a file's bytes (or its download URL), an attachment or a photo. */
export const isContentRead = (r: LoggedRequest): boolean => /\/\$value$|\/content$|\/attachments(\/|$)|\/photo(\/|$)|\/_download\/|\/download\//i.test(r.path);
