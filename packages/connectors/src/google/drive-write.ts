// Drive restore (https://developers.google.com/drive/api/guides/manage-uploads): the folder path
// is recreated (found by name or created), files go up multipart when small and through a
// resumable session when large; a Google-native document comes back from its Office export with
// the native type as the target mimeType, which makes Drive convert it. On a name clash in the
// target folder: skip, copy under `copyFolder`, or replace = upload a new head revision.
import { Readable } from "node:stream";
import { ConnectorError } from "../core/errors";
import type { ItemContent, ItemDescriptor, RestoreTarget, WriteResult } from "../core/types";
import type { GoogleApis } from "./api";
import type { DriveConnector, DriveScope } from "./drive";
import { FOLDER_MIME, NATIVE_PREFIX, folderSegments, segment } from "./transform";

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

  const parent = await ensureFolders(c, g, scope, root, base, signal);
  const clash = await findChild(c, g, scope, parent, [], item.name, false, signal);
  const mimeType = typeof item.metadata.mimeType === "string" ? item.metadata.mimeType : content.contentType;
  const native = mimeType.startsWith(NATIVE_PREFIX);
  if (clash) {
    if (target.conflict === "skip") return { outcome: "skipped", externalId: clash, reason: `a file named "${item.name}" is already in the target folder` };
    if (target.conflict === "replace") {
      const id = await upload(c, g, scope, { fileId: clash }, content, native ? mimeType : undefined, signal);
      return { outcome: "replaced", externalId: id, reason: "uploaded as a new revision of the file in place" };
    }
    const copyParent = sameDrive ? await ensureFolders(c, g, scope, root, [target.copyFolder, ...folders], signal) : parent;
    const id = await upload(c, g, scope, { name: item.name, parent: copyParent, mimeType: native ? mimeType : undefined }, content, native ? mimeType : undefined, signal);
    return { outcome: "copied", externalId: id, reason: `a file named "${item.name}" was in the way; restored under "${target.copyFolder}"` };
  }
  const id = await upload(c, g, scope, { name: item.name, parent, mimeType: native ? mimeType : undefined }, content, native ? mimeType : undefined, signal);
  return sameDrive ? { outcome: "created", externalId: id } : { outcome: "copied", externalId: id, reason: `restored into another drive under "${target.copyFolder}"` };
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
