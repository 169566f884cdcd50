// Graph resources → ItemDescriptors (vendor → domain; CONVENTIONS.md §13). Pure.
import type { ItemDescriptor } from "../core/types";
import { joinPath, segment } from "./paths";

interface Recipient {
  emailAddress?: { name?: string | null; address?: string | null } | null;
}

/** The message properties a listing asks for ($select); `$value` is read separately. */
export const MESSAGE_SELECT = ["id", "subject", "from", "toRecipients", "ccRecipients", "receivedDateTime", "sentDateTime", "lastModifiedDateTime", "internetMessageId", "hasAttachments", "changeKey", "parentFolderId", "isRead", "isDraft", "flag", "conversationId", "categories", "importance"];

export interface GraphMessage {
  id: string;
  subject?: string | null;
  from?: Recipient | null;
  toRecipients?: Recipient[] | null;
  ccRecipients?: Recipient[] | null;
  receivedDateTime?: string | null;
  sentDateTime?: string | null;
  lastModifiedDateTime?: string | null;
  internetMessageId?: string | null;
  hasAttachments?: boolean | null;
  changeKey?: string | null;
  "@odata.etag"?: string;
  parentFolderId?: string | null;
  isRead?: boolean | null;
  isDraft?: boolean | null;
  flag?: { flagStatus?: string | null } | null;
  conversationId?: string | null;
  categories?: string[] | null;
  importance?: string | null;
  "@removed"?: { reason?: string };
}

const address = (r: Recipient | null | undefined): string | undefined => r?.emailAddress?.address ?? undefined;
const addresses = (rs: Recipient[] | null | undefined): string[] => (rs ?? []).map(address).filter((a): a is string => typeof a === "string" && a !== "");

/** A message in folder `folder` (path segments) of mailbox `mailbox` (the owner's object id). */
export function messageDescriptor(m: GraphMessage, folder: readonly string[], mailbox: string): ItemDescriptor {
  const name = segment(m.subject, "(no subject)");
  const version = m.changeKey ?? m["@odata.etag"];
  if (!version) throw new Error(`message ${m.id} came without changeKey or @odata.etag`);
  return {
    externalId: m.id,
    kind: "message",
    path: joinPath(folder, name),
    name,
    ...(m.parentFolderId ? { parentExternalId: m.parentFolderId } : {}),
    version,
    // A sent or received message's MIME never changes (read state, flags and folder are not in
    // it); a draft's can, so drafts are always read again.
    ...(m.isDraft ? {} : { contentVersion: `message:${m.id}` }),
    ...(m.lastModifiedDateTime ? { modifiedAt: m.lastModifiedDateTime } : {}),
    hasContent: true,
    metadata: {
      mailbox,
      subject: m.subject ?? "",
      from: address(m.from) ?? null,
      fromName: m.from?.emailAddress?.name ?? null,
      to: addresses(m.toRecipients),
      cc: addresses(m.ccRecipients),
      receivedDateTime: m.receivedDateTime ?? null,
      sentDateTime: m.sentDateTime ?? null,
      folder: folder.join("/"),
      folderId: m.parentFolderId ?? null,
      internetMessageId: m.internetMessageId ?? null,
      hasAttachments: m.hasAttachments ?? false,
      isRead: m.isRead ?? null,
      isDraft: m.isDraft ?? null,
      flagged: m.flag?.flagStatus === "flagged",
      conversationId: m.conversationId ?? null,
      categories: m.categories ?? [],
      importance: m.importance ?? null,
    },
  };
}

export interface GraphMailFolder {
  id: string;
  displayName?: string | null;
  parentFolderId?: string | null;
  childFolderCount?: number | null;
}

export function mailFolderDescriptor(f: GraphMailFolder, path: readonly string[], parentId: string | undefined, mailbox: string): ItemDescriptor {
  const name = path[path.length - 1] ?? segment(f.displayName);
  return {
    externalId: f.id,
    kind: "folder",
    path: joinPath(path),
    name,
    ...(parentId ? { parentExternalId: parentId } : {}),
    // Mail folders carry no changeKey in v1.0; what a backup cares about is where they are.
    version: `path:${path.join("/")}`,
    hasContent: false,
    metadata: { mailbox, folder: path.join("/") },
  };
}

interface IdentitySet {
  user?: { id?: string; displayName?: string; email?: string } | null;
  application?: { id?: string; displayName?: string } | null;
  group?: { id?: string; displayName?: string } | null;
}

export interface GraphDriveItem {
  id: string;
  name?: string;
  eTag?: string;
  cTag?: string;
  size?: number;
  createdDateTime?: string;
  lastModifiedDateTime?: string;
  webUrl?: string;
  parentReference?: { driveId?: string; id?: string; path?: string } | null;
  file?: { mimeType?: string; hashes?: { sha256Hash?: string; quickXorHash?: string; sha1Hash?: string } } | null;
  folder?: { childCount?: number } | null;
  root?: object | null;
  deleted?: { state?: string } | null;
  package?: { type?: string } | null;
  createdBy?: IdentitySet | null;
  lastModifiedBy?: IdentitySet | null;
  shared?: { scope?: string; owner?: IdentitySet } | null;
}

const who = (s: IdentitySet | null | undefined) => {
  const u = s?.user ?? s?.application ?? s?.group;
  if (!u) return null;
  return { id: u.id ?? null, displayName: u.displayName ?? null, ...("email" in u && u.email ? { email: u.email } : {}) };
};

/** A driveItem whose parent folder is at `folder` (path segments below the drive root). */
export function driveItemDescriptor(item: GraphDriveItem, folder: readonly string[], driveId: string): ItemDescriptor {
  const name = segment(item.name);
  const isFolder = item.folder != null || item.package != null;
  const version = item.eTag ?? item.cTag;
  if (!version) throw new Error(`driveItem ${item.id} came without eTag or cTag`);
  const hashes = item.file?.hashes;
  return {
    externalId: item.id,
    kind: isFolder ? "folder" : "file",
    path: joinPath(folder, name),
    name,
    ...(item.parentReference?.id ? { parentExternalId: item.parentReference.id } : {}),
    version,
    // cTag changes only with the content (eTag also with name, place and metadata).
    ...(!isFolder && (item.cTag || hashes?.sha256Hash) ? { contentVersion: item.cTag ?? hashes?.sha256Hash ?? undefined } : {}),
    ...(!isFolder && typeof item.size === "number" ? { size: item.size } : {}),
    ...(item.lastModifiedDateTime ? { modifiedAt: item.lastModifiedDateTime } : {}),
    hasContent: !isFolder && item.file != null,
    metadata: {
      driveId,
      mimeType: item.file?.mimeType ?? null,
      ...(hashes?.sha256Hash ? { sha256Hash: hashes.sha256Hash.toLowerCase() } : {}),
      ...(hashes?.quickXorHash ? { quickXorHash: hashes.quickXorHash } : {}),
      ...(hashes?.sha1Hash ? { sha1Hash: hashes.sha1Hash.toLowerCase() } : {}),
      cTag: item.cTag ?? null,
      createdDateTime: item.createdDateTime ?? null,
      createdBy: who(item.createdBy),
      lastModifiedBy: who(item.lastModifiedBy),
      webUrl: item.webUrl ?? null,
      ...(item.shared ? { shared: { scope: item.shared.scope ?? null, owner: who(item.shared.owner) } } : {}),
      ...(item.package?.type ? { package: item.package.type } : {}),
    },
  };
}

export interface GraphEvent {
  id: string;
  subject?: string | null;
  changeKey?: string | null;
  "@odata.etag"?: string;
  lastModifiedDateTime?: string | null;
  start?: { dateTime?: string; timeZone?: string } | null;
  end?: { dateTime?: string; timeZone?: string } | null;
  organizer?: Recipient | null;
  attendees?: Recipient[] | null;
  location?: { displayName?: string | null } | null;
  iCalUId?: string | null;
  isAllDay?: boolean | null;
  type?: string | null;
  seriesMasterId?: string | null;
  "@removed"?: { reason?: string };
}

export function eventDescriptor(e: GraphEvent, calendarName: string, mailbox: string): ItemDescriptor {
  const name = segment(e.subject, "(no subject)");
  const version = e.changeKey ?? e["@odata.etag"];
  if (!version) throw new Error(`event ${e.id} came without changeKey or @odata.etag`);
  return {
    externalId: e.id,
    kind: "event",
    path: joinPath([calendarName], name),
    name,
    version,
    ...(e.lastModifiedDateTime ? { modifiedAt: e.lastModifiedDateTime } : {}),
    hasContent: true,
    metadata: {
      mailbox,
      subject: e.subject ?? "",
      start: e.start ?? null,
      end: e.end ?? null,
      isAllDay: e.isAllDay ?? false,
      organizer: address(e.organizer) ?? null,
      attendees: addresses(e.attendees),
      location: e.location?.displayName ?? null,
      iCalUId: e.iCalUId ?? null,
      type: e.type ?? null,
      ...(e.seriesMasterId ? { seriesMasterId: e.seriesMasterId } : {}),
    },
  };
}

export interface GraphContact {
  id: string;
  displayName?: string | null;
  givenName?: string | null;
  surname?: string | null;
  companyName?: string | null;
  emailAddresses?: { name?: string; address?: string }[] | null;
  changeKey?: string | null;
  "@odata.etag"?: string;
  lastModifiedDateTime?: string | null;
  parentFolderId?: string | null;
  "@removed"?: { reason?: string };
}

export function contactDescriptor(c: GraphContact, folderName: string, mailbox: string): ItemDescriptor {
  const name = segment(c.displayName ?? [c.givenName, c.surname].filter(Boolean).join(" "), "(no name)");
  const version = c.changeKey ?? c["@odata.etag"];
  if (!version) throw new Error(`contact ${c.id} came without changeKey or @odata.etag`);
  return {
    externalId: c.id,
    kind: "contact",
    path: joinPath([folderName], name),
    name,
    ...(c.parentFolderId ? { parentExternalId: c.parentFolderId } : {}),
    version,
    ...(c.lastModifiedDateTime ? { modifiedAt: c.lastModifiedDateTime } : {}),
    hasContent: true,
    metadata: {
      mailbox,
      displayName: c.displayName ?? null,
      emails: (c.emailAddresses ?? []).map((e) => e.address).filter((a): a is string => typeof a === "string"),
      companyName: c.companyName ?? null,
    },
  };
}
