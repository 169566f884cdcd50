// Pure vendor → domain mapping for Google: paths, versions, cursors, unit keys. No I/O.
import { createHash } from "node:crypto";
import { ConnectorError } from "../core/errors";
import type { OwnerState } from "../core/types";

export const FOLDER_MIME = "application/vnd.google-apps.folder";
export const NATIVE_PREFIX = "application/vnd.google-apps.";

/** Gmail's system labels that act as folders, in the order a message's "location" is chosen. */
const SYSTEM_FOLDERS = ["INBOX", "SENT", "DRAFT", "SPAM", "TRASH"] as const;
const SYSTEM_FOLDER_NAMES: Record<string, string> = { INBOX: "Inbox", SENT: "Sent", DRAFT: "Drafts", SPAM: "Spam", TRASH: "Trash" };

/** A path segment: `/` inside a name would read as a separator, so it becomes `∕` (U+2215). */
export function segment(name: string): string {
  const s = name.replace(/\//g, "\u2215").trim();
  return s === "" ? "(untitled)" : s;
}

/**
 * Where a Gmail message lives, from its labels: TRASH and SPAM win (that is where the user sees
 * it), then the first user label (by name; nested labels `A/B` are folders `A/B`), then INBOX,
 * SENT, DRAFT; a message with none of them is in "All Mail".
 */
export function gmailFolder(labelIds: readonly string[], labelNames: ReadonlyMap<string, string>): string {
  if (labelIds.includes("TRASH")) return "Trash";
  if (labelIds.includes("SPAM")) return "Spam";
  const user = labelIds
    .filter((id) => !isSystemLabel(id))
    .map((id) => labelNames.get(id) ?? id)
    .sort((a, b) => a.localeCompare(b));
  if (user[0] !== undefined) return user[0];
  const sys = SYSTEM_FOLDERS.find((l) => labelIds.includes(l));
  return sys ? (SYSTEM_FOLDER_NAMES[sys] ?? sys) : "All Mail";
}

/** System labels are upper-case words (INBOX, UNREAD, CATEGORY_SOCIAL); user labels are `Label_<n>`. */
export function isSystemLabel(id: string): boolean {
  return /^[A-Z][A-Z_]*$/.test(id);
}

export function gmailPath(labelIds: readonly string[], labelNames: ReadonlyMap<string, string>, subject: string): string {
  const folder = gmailFolder(labelIds, labelNames)
    .split("/")
    .map(segment)
    .join("/");
  return `/${folder}/${segment(subject || "(no subject)")}`;
}

/**
 * A Gmail message's version: its id and label set. Messages are immutable, so only labels change
 * (read state, stars, moves); a label change is a new (metadata-only) version and dedup keeps its
 * content free. The historyId is not used: it moves on changes that are not the message's.
 */
export function gmailVersion(id: string, labelIds: readonly string[]): string {
  return createHash("sha256").update(id).update("\n").update([...labelIds].sort().join(",")).digest("base64url").slice(0, 22);
}

export interface DriveNode {
  id: string;
  name: string;
  parents?: readonly string[];
}

/**
 * The `/`-separated path of a Drive file from its parent chain. `lookup` gives known folders;
 * the walk stops at a drive root (an id not known as a folder, or `rootIds`), and a cycle or a
 * chain deeper than 100 (Drive's own nesting limit) ends it rather than looping.
 */
export function drivePath(node: DriveNode, lookup: (id: string) => DriveNode | undefined, rootIds: ReadonlySet<string> = new Set()): string {
  const names = [segment(node.name)];
  const seen = new Set([node.id]);
  let parent = node.parents?.[0];
  while (parent !== undefined && !rootIds.has(parent) && !seen.has(parent) && names.length <= 100) {
    const p = lookup(parent);
    if (!p) break;
    seen.add(parent);
    names.unshift(segment(p.name));
    parent = p.parents?.[0];
  }
  return `/${names.join("/")}`;
}

/** The folder part of an item path (`/A/B/file.txt` → `["A","B"]`). */
export function folderSegments(path: string): string[] {
  const parts = path.split("/").filter((p) => p !== "");
  parts.pop();
  return parts;
}

/** Directory user state: a deleted user is gone; suspended or archived users keep their data. */
export function ownerState(user: { suspended?: boolean | null; archived?: boolean | null; deletionTime?: string | null }): OwnerState {
  if (user.deletionTime) return "deleted";
  if (user.suspended || user.archived) return "suspended";
  return "active";
}

/** Cursors are JSON under a versioned prefix, so a cursor of another kind fails loudly. */
export function encodeCursor(kind: string, state: Record<string, string | boolean | undefined>): string {
  return `${kind}:${JSON.stringify(state)}`;
}

export function decodeCursor<T extends Record<string, unknown>>(kind: string, cursor: string): T {
  if (!cursor.startsWith(`${kind}:`)) throw new ConnectorError("invalid", `not a ${kind} cursor: ${cursor.slice(0, 40)}`, { provider: "google" });
  try {
    const v: unknown = JSON.parse(cursor.slice(kind.length + 1));
    if (v && typeof v === "object") return v as T;
  } catch {
    // fall through
  }
  throw new ConnectorError("invalid", `malformed ${kind} cursor`, { provider: "google" });
}

/** Header value by case-insensitive name from a Gmail `payload.headers` list. */
export function header(headers: readonly { name?: string | null; value?: string | null }[] | undefined, name: string): string | undefined {
  const n = name.toLowerCase();
  return headers?.find((h) => h.name?.toLowerCase() === n)?.value ?? undefined;
}

/** Message-ID header of raw RFC 822 bytes (headers only, unfolded). */
export function messageIdOf(raw: Buffer): string | undefined {
  const end = raw.indexOf("\r\n\r\n");
  const head = raw.subarray(0, end === -1 ? Math.min(raw.length, 64 * 1024) : end).toString("latin1").replace(/\r?\n[ \t]+/g, " ");
  const m = /^message-id:\s*(<[^>\r\n]+>|\S+)/im.exec(head);
  return m?.[1]?.trim();
}

export function sha256Hex(b: Buffer | string): string {
  return createHash("sha256").update(b).digest("hex");
}
