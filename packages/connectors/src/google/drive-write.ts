// Drive restore (https://developers.google.com/drive/api/guides/manage-uploads): the folder path
// is recreated (found by name or created), files go up multipart when small and through a
// resumable session when large; a Google-native document comes back from its Office export with
// the native type as the target mimeType, which makes Drive convert it. Into the same drive, the
// file is first looked up by id: unchanged and in place → skipped; only trashed → brought back;
// edited, encrypted, moved or renamed → the policy (skip / copy under `copyFolder` / replace =
// new head revision and back to its name and folder). A file gone for good is uploaded again
// at its path; on a name clash there: skip, copy under `copyFolder`, or replace that file. The
// backed-up version found already at its path (an earlier restore) is skipped, so a restore run
// twice writes nothing. A Docs Editors file Drive will not take new content for (403) is created
// again in its place on replace, the newer one kept under `copyFolder`.
import { Readable } from "node:stream";
import type { drive_v3 } from "googleapis";
import { ConnectorError, isConnectorError } from "../core/errors";
import { collect } from "../core/stream";
import type { ItemContent, ItemDescriptor, RestoreTarget, WriteResult } from "../core/types";
import type { GoogleApis } from "./api";
import type { DriveConnector, DriveScope } from "./drive";
import { FOLDER_MIME, NATIVE_PREFIX, folderSegments, segment } from "./transform";
import { once } from "./units";

/** Drive's query-string literal: backslash and quote escaped. */
export function qLiteral(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** Path segments are stored with `/` as `∕`; names in Drive may contain `/`. */
const unsegment = (s: string) => s.replace(/\u2215/g, "/");

export async function writeDriveItem(c: DriveConnector, g: GoogleApis, target: RestoreTarget, item: ItemDescriptor, content: ItemContent, signal?: AbortSignal): Promise<WriteResult> {
  if (item.kind !== "file" && item.kind !== "folder") throw new ConnectorError("invalid", `drive restores files and folders, not ${item.kind} items`, { provider: "google" });
  const scope = c.scopeOf(target.unit);
  const root = await c.rootId(scope, signal);
  const sameDrive = item.metadata.drive === (scope.driveId ?? scope.user);
  const folders = folderSegments(item.path).map(unsegment);
  const base = sameDrive ? folders : [target.copyFolder, ...folders];

  if (item.kind === "folder") {
    const existing = await findChild(c, g, scope, root, [...base], item.name, true, signal);
    if (existing) return { outcome: "skipped", externalId: existing, reason: "the folder exists" };
    const id = await ensureFolders(c, g, scope, root, [...base, item.name], signal);
    return { outcome: sameDrive ? "created" : "copied", externalId: id };
  }

  const mimeType = typeof item.metadata.mimeType === "string" ? item.metadata.mimeType : content.contentType;
  const native = mimeType.startsWith(NATIVE_PREFIX);
  if (sameDrive) {
    // The file itself may still be there (edited, encrypted, moved, renamed or trashed since):
    // it is compared with the backup before anything is written.
    const original = await currentFile(c, g, scope, item.externalId, signal);
    if (original) return restoreOver(c, g, scope, root, target, item, original, content, mimeType, signal);
  }

  const parent = await ensureFolders(c, g, scope, root, base, signal);
  const clash = await findChild(c, g, scope, parent, [], item.name, false, signal);
  if (clash) {
    // What is in the way may be this very version, put there by an earlier restore.
    const bytes = native ? await collect(content.body, MAX_NATIVE_EXPORT_BYTES) : undefined;
    const body = (): ItemContent => (bytes ? { ...content, body: once(bytes) } : content);
    const there = await currentFile(c, g, scope, clash, signal);
    if (there && !(await contentChanged(c, g, scope, item, there, body(), native, signal))) {
      return { outcome: "skipped", externalId: clash, reason: `the backed-up version is already at its path${sameDrive ? "" : ` under "${target.copyFolder}"`}` };
    }
    if (target.conflict === "skip") return { outcome: "skipped", externalId: clash, reason: `a file named "${item.name}" is already in the target folder` };
    if (target.conflict === "replace") {
      const id = await upload(c, g, scope, { fileId: clash }, body(), native ? mimeType : undefined, signal);
      return { outcome: "replaced", externalId: id, reason: "uploaded as a new revision of the file in place" };
    }
    const copyParent = sameDrive ? await ensureFolders(c, g, scope, root, [target.copyFolder, ...folders], signal) : parent;
    const id = await upload(c, g, scope, { name: item.name, parent: copyParent, mimeType: native ? mimeType : undefined }, body(), native ? mimeType : undefined, signal);
    return { outcome: "copied", externalId: id, reason: `a file named "${item.name}" was in the way; restored under "${target.copyFolder}"` };
  }
  const id = await upload(c, g, scope, { name: item.name, parent, mimeType: native ? mimeType : undefined }, content, native ? mimeType : undefined, signal);
  return sameDrive ? { outcome: "created", externalId: id } : { outcome: "copied", externalId: id, reason: `restored into another drive under "${target.copyFolder}"` };
}

/** Google's limit on a Docs Editors export (10 MB); a native file's backed-up content is its export. */
const MAX_NATIVE_EXPORT_BYTES = 10 * 1024 * 1024;
const CURRENT_FIELDS = "id,name,mimeType,parents,trashed,modifiedTime,md5Checksum,sha256Checksum,headRevisionId,driveId,ownedByMe";

/** The file with this id as it is now, if it still exists in the unit's drive (trashed or not). */
async function currentFile(c: DriveConnector, g: GoogleApis, scope: DriveScope, fileId: string, signal?: AbortSignal): Promise<drive_v3.Schema$File | undefined> {
  const api = g.drive(scope.user, "write");
  let f: drive_v3.Schema$File;
  try {
    f = (await c.call(scope, "files.get", () => api.files.get({ fileId, fields: CURRENT_FIELDS, supportsAllDrives: true }, { signal }), { signal })).data;
  } catch (e) {
    if (isConnectorError(e, "not_found")) return undefined;
    throw e;
  }
  const inDrive = scope.driveId ? f.driveId === scope.driveId : !f.driveId && f.ownedByMe !== false;
  return inDrive ? f : undefined;
}

/** Whether the file's content is no longer the backed-up one. */
async function contentChanged(c: DriveConnector, g: GoogleApis, scope: DriveScope, item: ItemDescriptor, now: drive_v3.Schema$File, backedUp: ItemContent, native: boolean, signal?: AbortSignal): Promise<boolean> {
  const m = item.metadata;
  if (!native) {
    if (typeof m.md5Checksum === "string" && now.md5Checksum) return m.md5Checksum !== now.md5Checksum;
    if (typeof m.sha256Checksum === "string" && now.sha256Checksum) return m.sha256Checksum !== now.sha256Checksum;
    return typeof m.headRevisionId !== "string" || m.headRevisionId !== now.headRevisionId;
  }
  // Docs Editors files have no checksum: untouched since the backup, or the same export now.
  if (item.modifiedAt && now.modifiedTime && Date.parse(item.modifiedAt) === Date.parse(now.modifiedTime)) return false;
  const target = typeof m.exportMimeType === "string" ? m.exportMimeType : backedUp.contentType;
  const api = g.drive(scope.user, "write");
  const res = await c.call(scope, "files.export", () => api.files.export({ fileId: now.id ?? "", mimeType: target }, { signal, responseType: "arraybuffer" }), { signal });
  const bytes = await collect(backedUp.body, MAX_NATIVE_EXPORT_BYTES);
  return !Buffer.from(res.data as ArrayBuffer).equals(bytes);
}

/**
 * Restores over the file that is still there. Unchanged and in place: nothing to do. Only
 * trashed: brought back (nothing newer is lost). Otherwise the differences decide with the
 * policy: skip leaves the newer state and says what differs, copy uploads the backed-up version
 * under the copy folder, replace makes the file the backed-up one again (content as a new
 * revision, so Drive keeps the newer one in its history; name, folder and trash state back).
 */
async function restoreOver(
  c: DriveConnector,
  g: GoogleApis,
  scope: DriveScope,
  root: string,
  target: RestoreTarget,
  item: ItemDescriptor,
  now: drive_v3.Schema$File,
  content: ItemContent,
  mimeType: string,
  signal?: AbortSignal,
): Promise<WriteResult> {
  const id = now.id ?? item.externalId;
  const native = mimeType.startsWith(NATIVE_PREFIX);
  const folders = folderSegments(item.path).map(unsegment);
  const parent = await ensureFolders(c, g, scope, root, folders, signal);
  const moved = !(now.parents ?? []).includes(parent) || now.name !== item.name;
  const bytes = native ? await collect(content.body, MAX_NATIVE_EXPORT_BYTES) : undefined;
  const body = (): ItemContent => (bytes ? { ...content, body: once(bytes) } : content);
  const changed = await contentChanged(c, g, scope, item, now, body(), native, signal);
  const trashed = now.trashed === true;
  if (!changed && !moved && !trashed) return { outcome: "skipped", externalId: id, reason: "the file is in place and unchanged since the backup" };
  if (!changed && !moved) {
    await place(c, g, scope, id, now, item.name, parent, signal);
    return { outcome: "created", externalId: id, reason: "the file was in the trash; it was brought back" };
  }
  if (moved || trashed) {
    // The backed-up version may already be at its path under another id (put there by an
    // earlier restore that could not overwrite this file): then there is nothing to do.
    const at = await findChild(c, g, scope, parent, [], item.name, false, signal);
    const there = at && at !== id ? await currentFile(c, g, scope, at, signal) : undefined;
    if (there && !(await contentChanged(c, g, scope, item, there, body(), native, signal))) {
      return { outcome: "skipped", externalId: at, reason: "the backed-up version is already at its path (restored earlier under another id)" };
    }
  }
  const what = [changed ? "its content changed" : "", moved ? "it was moved or renamed" : "", trashed ? "it is in the trash" : ""].filter(Boolean).join(", ");
  if (target.conflict === "skip") return { outcome: "skipped", externalId: id, reason: `the file is newer than the backup (${what}); left as it is — choose replace to overwrite it or copy to restore beside it` };
  if (target.conflict === "copy") {
    const copyParent = await ensureFolders(c, g, scope, root, [target.copyFolder, ...folders], signal);
    const copy = await upload(c, g, scope, { name: item.name, parent: copyParent, mimeType: native ? mimeType : undefined }, body(), native ? mimeType : undefined, signal);
    return { outcome: "copied", externalId: copy, reason: `the file is newer than the backup (${what}); the backed-up version was restored under "${target.copyFolder}"` };
  }
  if (changed) {
    try {
      await upload(c, g, scope, { fileId: id }, body(), native ? mimeType : undefined, signal);
    } catch (e) {
      if (!native || !isConnectorError(e, "permission_denied")) throw e;
      // Drive would not take new content for this Docs Editors file: the backed-up version is
      // created in its place and the newer one kept, moved under the copy folder.
      const fresh = await upload(c, g, scope, { name: item.name, parent, mimeType }, body(), mimeType, signal);
      const aside = await ensureFolders(c, g, scope, root, [target.copyFolder, ...folders], signal);
      await place(c, g, scope, id, now, now.name ?? item.name, aside, signal);
      return { outcome: "replaced", externalId: fresh, reason: `the file is newer than the backup (${what}) and Drive refused new content for it (${e.message}); the backed-up version was created in its place and the newer one moved under "${target.copyFolder}"` };
    }
  }
  if (moved || trashed) await place(c, g, scope, id, now, item.name, parent, signal);
  return { outcome: "replaced", externalId: id, reason: `the file was newer than the backup (${what}); it was made the backed-up version again${changed ? " (a new revision; the newer one stays in its history)" : ""}` };
}

/** Puts the file in `parent` under `name`, out of the trash. */
async function place(c: DriveConnector, g: GoogleApis, scope: DriveScope, fileId: string, now: drive_v3.Schema$File, name: string, parent: string, signal?: AbortSignal): Promise<void> {
  const api = g.drive(scope.user, "write");
  const others = (now.parents ?? []).filter((p) => p !== parent);
  const moving = !(now.parents ?? []).includes(parent);
  await c.call(
    scope,
    "files.update",
    () =>
      api.files.update(
        { fileId, supportsAllDrives: true, fields: "id", requestBody: { name, trashed: false }, ...(moving ? { addParents: parent, ...(others.length ? { removeParents: others.join(",") } : {}) } : {}) },
        { signal },
      ),
    { signal },
  );
}

async function findChild(c: DriveConnector, g: GoogleApis, scope: DriveScope, parent: string, path: string[], name: string, folder: boolean, signal?: AbortSignal): Promise<string | undefined> {
  let at = parent;
  for (const seg of path) {
    const next = await findChild(c, g, scope, at, [], seg, true, signal);
    if (!next) return undefined;
    at = next;
  }
  const api = g.drive(scope.user, "write");
  const q = `${qLiteral(at)} in parents and name = ${qLiteral(name)} and trashed = false and mimeType ${folder ? "=" : "!="} '${FOLDER_MIME}'`;
  const res = await c.call(
    scope,
    "files.list",
    () => api.files.list({ q, pageSize: 1, fields: "files(id,name,mimeType)", supportsAllDrives: true, includeItemsFromAllDrives: true, ...(scope.driveId ? { corpora: "drive", driveId: scope.driveId } : {}) }, { signal }),
    { signal },
  );
  return res.data.files?.[0]?.id ?? undefined;
}

/** Finds or creates each folder of `path` below `parent`; returns the last one's id. */
async function ensureFolders(c: DriveConnector, g: GoogleApis, scope: DriveScope, parent: string, path: string[], signal?: AbortSignal): Promise<string> {
  const api = g.drive(scope.user, "write");
  let at = parent;
  for (const name of path) {
    const found = await findChild(c, g, scope, at, [], name, true, signal);
    if (found) {
      at = found;
      continue;
    }
    const parentId = at;
    const res = await c.call(scope, "files.create", () => api.files.create({ requestBody: { name, mimeType: FOLDER_MIME, parents: [parentId] }, fields: "id,name,parents,mimeType", supportsAllDrives: true }, { signal }), { signal });
    if (!res.data.id) throw new ConnectorError("invalid", `drive files.create returned no id for folder "${segment(name)}"`, { provider: "google" });
    c.remember(res.data);
    at = res.data.id;
  }
  return at;
}

type UploadTarget = { fileId: string } | { name: string; parent: string; mimeType?: string };

/** Reads up to `n` bytes of the body; `rest` continues where it stopped. */
async function head(body: AsyncIterable<Uint8Array>, n: number): Promise<{ bytes: Buffer; ended: boolean; rest: AsyncIterator<Uint8Array> }> {
  const it = body[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let size = 0;
  while (size <= n) {
    const r = await it.next();
    if (r.done) return { bytes: Buffer.concat(parts, size), ended: true, rest: it };
    const b = Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
    parts.push(b);
    size += b.length;
  }
  return { bytes: Buffer.concat(parts, size), ended: false, rest: it };
}

async function upload(c: DriveConnector, g: GoogleApis, scope: DriveScope, to: UploadTarget, content: ItemContent, convertTo: string | undefined, signal?: AbortSignal): Promise<string> {
  const threshold = g.config.resumableThresholdBytes;
  const start = await head(content.body, threshold);
  const mediaType = content.contentType;
  if (start.ended) {
    const api = g.drive(scope.user, "write");
    const media = () => ({ mimeType: mediaType, body: Readable.from([start.bytes]) });
    const res =
      "fileId" in to
        ? await c.call(scope, "files.update", () => api.files.update({ fileId: to.fileId, media: media(), fields: "id", supportsAllDrives: true }, { signal, rootUrl: g.rootUrl }), { signal })
        : await c.call(
            scope,
            "files.create",
            () => api.files.create({ requestBody: { name: to.name, parents: [to.parent], ...(convertTo ? { mimeType: convertTo } : {}) }, media: media(), fields: "id", supportsAllDrives: true }, { signal, rootUrl: g.rootUrl }),
            { signal },
          );
    if (!res.data.id) throw new ConnectorError("invalid", "drive upload returned no file id", { provider: "google" });
    return res.data.id;
  }
  return resumable(c, g, scope, to, mediaType, convertTo, start.bytes, start.rest, content.size, signal);
}

/** A gaxios-shaped error for a plain fetch response, so classification stays in one place. */
async function httpError(res: Response): Promise<Error> {
  const text = await res.text();
  let data: unknown = text;
  try {
    data = JSON.parse(text);
  } catch {
    // not JSON
  }
  return Object.assign(new Error(`HTTP ${res.status}`), { status: res.status, response: { status: res.status, headers: res.headers, data } });
}

/**
 * A resumable upload session: POST the metadata, then PUT chunks (multiples of 256 KiB but the
 * last) with Content-Range; 308 answers how much arrived (Range: bytes=0-n), so a chunk that was
 * partly applied before a failure is resent from there.
 */
async function resumable(
  c: DriveConnector,
  g: GoogleApis,
  scope: DriveScope,
  to: UploadTarget,
  mediaType: string,
  convertTo: string | undefined,
  first: Buffer,
  rest: AsyncIterator<Uint8Array>,
  knownSize: number | undefined,
  signal?: AbortSignal,
): Promise<string> {
  const auth = g.auth(scope.user, "drive", "write");
  const authHeaders = async () => Object.fromEntries((await auth.getRequestHeaders()).entries());
  const path = "fileId" in to ? `upload/drive/v3/files/${encodeURIComponent(to.fileId)}` : "upload/drive/v3/files";
  const metadata = "fileId" in to ? {} : { name: to.name, parents: [to.parent], ...(convertTo ? { mimeType: convertTo } : {}) };
  const session = await c.call(
    scope,
    "files.create (resumable)",
    async () => {
      const res = await fetch(`${g.rootUrl}${path}?uploadType=resumable&supportsAllDrives=true&fields=id`, {
        method: "fileId" in to ? "PATCH" : "POST",
        headers: { ...(await authHeaders()), "content-type": "application/json; charset=UTF-8", "x-upload-content-type": mediaType, ...(knownSize !== undefined ? { "x-upload-content-length": String(knownSize) } : {}) },
        body: JSON.stringify(metadata),
        signal,
      });
      if (!res.ok) throw await httpError(res);
      await res.arrayBuffer();
      const location = res.headers.get("location");
      if (!location) throw new ConnectorError("invalid", "drive resumable upload: no session URI in Location", { provider: "google" });
      return location;
    },
    { signal },
  );

  const chunkSize = g.config.resumableChunkBytes;
  let pending = first;
  let ended = false;
  let offset = 0;
  const fill = async () => {
    while (!ended && pending.length < chunkSize + 1) {
      const r = await rest.next();
      if (r.done) ended = true;
      else pending = Buffer.concat([pending, Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength)]);
    }
  };
  for (;;) {
    await fill();
    const last = ended && pending.length <= chunkSize;
    const chunk = last ? pending : pending.subarray(0, chunkSize);
    const total = last ? String(offset + chunk.length) : "*";
    const answer = await c.call(
      scope,
      "upload chunk",
      async () => {
        const res = await fetch(session, {
          method: "PUT",
          headers: { ...(await authHeaders()), "content-range": chunk.length === 0 ? `bytes */${total}` : `bytes ${offset}-${offset + chunk.length - 1}/${total}` },
          body: chunk,
          signal,
        });
        if (res.status === 308) {
          await res.arrayBuffer();
          const range = /bytes=0-(\d+)/.exec(res.headers.get("range") ?? "");
          return { received: range ? Number(range[1]) + 1 : 0, file: undefined };
        }
        if (!res.ok) throw await httpError(res);
        return { received: offset + chunk.length, file: (await res.json()) as { id?: string } };
      },
      { signal },
    );
    if (answer.file) {
      if (!answer.file.id) throw new ConnectorError("invalid", "drive resumable upload finished without a file id", { provider: "google" });
      return answer.file.id;
    }
    const applied = answer.received - offset;
    if (applied < 0 || applied > chunk.length) throw new ConnectorError("invalid", `drive resumable upload: the server holds ${answer.received} bytes, we sent up to ${offset + chunk.length}`, { provider: "google" });
    pending = pending.subarray(applied);
    offset = answer.received;
    if (last && applied === chunk.length) throw new ConnectorError("invalid", "drive resumable upload: the last chunk was not acknowledged as complete", { provider: "google" });
  }
}
