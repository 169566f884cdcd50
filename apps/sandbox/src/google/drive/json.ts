// Drive v3 resource shapes (https://developers.google.com/drive/api/reference/rest/v3/files,
// …/revisions, …/changes, …/permissions). v3 answers only `kind,id,name,mimeType` for a file
// unless `fields` asks for more; the sandbox honours that default and, when `fields` is given,
// returns every field it models (checksums only when named, since they cost a pass over the bytes).
import type { GoogleUser } from "../tenant";
import { contentMd5, contentSha256, contentSize, EXPORT_FORMATS } from "./content";
import { FOLDER, type DriveSpace, type GFile, type GRevision } from "./store";

const iso = (ms: number) => new Date(ms).toISOString();

export function fileJson(f: GFile, fields: string | undefined): Record<string, unknown> {
  const base = { kind: "drive#file", id: f.id, name: f.name, mimeType: f.mimeType };
  if (!fields) return base;
  const head = f.revisions[f.revisions.length - 1];
  const size = head ? contentSize(head.content) : undefined;
  const out: Record<string, unknown> = {
    ...base,
    parents: f.parents,
    trashed: f.trashed,
    explicitlyTrashed: f.trashed,
    createdTime: iso(f.createdTime),
    modifiedTime: iso(f.modifiedTime),
    version: String(f.version),
    ...(f.driveId ? { driveId: f.driveId } : { ownedByMe: true, owners: f.ownerEmail ? [{ kind: "drive#user", emailAddress: f.ownerEmail, me: true }] : [] }),
    ...(size !== undefined && head ? { size: String(size), headRevisionId: head.id, originalFilename: head.originalFilename, fullFileExtension: f.name.split(".").slice(1).pop() ?? "" } : {}),
    ...(EXPORT_FORMATS[f.mimeType] ? { exportLinks: Object.fromEntries((EXPORT_FORMATS[f.mimeType] ?? []).map((t) => [t, `https://docs.google.com/feeds/download/documents/export/Export?id=${f.id}&exportFormat=${t}`])) } : {}),
    webViewLink: `https://drive.google.com/${f.mimeType === FOLDER ? "drive/folders" : "file/d"}/${f.id}/view`,
  };
  if (head && size !== undefined) {
    if (fields.includes("md5Checksum")) out.md5Checksum = contentMd5(head.content);
    if (fields.includes("sha256Checksum")) out.sha256Checksum = contentSha256(head.content);
  }
  return out;
}

export function rootJson(space: DriveSpace, fields: string | undefined): Record<string, unknown> {
  const base = { kind: "drive#file", id: space.id, name: space.name, mimeType: FOLDER };
  return fields ? { ...base, parents: [], trashed: false, createdTime: iso(Date.UTC(2019, 0, 1)), ...(space.kind === "shared" ? { driveId: space.id } : {}) } : base;
}

export function revisionJson(f: GFile, r: GRevision): Record<string, unknown> {
  const size = contentSize(r.content);
  const head = f.revisions[f.revisions.length - 1] === r;
  return {
    kind: "drive#revision",
    id: r.id,
    mimeType: f.mimeType,
    modifiedTime: iso(r.modifiedTime),
    // Binary files: size, checksum and keepForever; native documents: export links instead.
    ...(size !== undefined ? { size: String(size), md5Checksum: contentMd5(r.content), originalFilename: r.originalFilename, keepForever: head } : { exportLinks: Object.fromEntries((EXPORT_FORMATS[f.mimeType] ?? []).map((t) => [t, `https://docs.google.com/feeds/download/documents/export/Export?id=${f.id}&revision=${r.id}&exportFormat=${t}`])) }),
    published: false,
  };
}

export function permissionsJson(f: GFile, users: readonly GoogleUser[]): Record<string, unknown>[] {
  if (f.driveId) {
    return users.map((u) => ({ kind: "drive#permission", id: u.id, type: "user", emailAddress: u.email, role: u.isAdmin ? "organizer" : "writer", permissionDetails: [{ permissionType: "member", role: u.isAdmin ? "organizer" : "writer", inherited: true, inheritedFrom: f.driveId }] }));
  }
  const owner = users.find((u) => u.email === f.ownerEmail);
  return [{ kind: "drive#permission", id: owner?.id ?? "owner", type: "user", emailAddress: f.ownerEmail, role: "owner", displayName: owner ? `${owner.givenName} ${owner.familyName}` : undefined }];
}
