// Drive API v3 (https://developers.google.com/drive/api/reference/rest/v3) at its real paths,
// /drive/v3/… and the upload twin /upload/drive/v3/… (see upload.ts), mounted like Gmail.
import { Readable } from "node:stream";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { SandboxContext } from "../../context";
import { decodePageToken, encodePageToken } from "../../data/encoding";
import { GoogleApiError } from "../errors";
import { METHOD_SCOPES } from "../scopes";
import { byteRange, contentSize, EXPORT_FORMATS, exportBytes, type Content } from "./content";
import { fileJson, permissionsJson, revisionJson, rootJson } from "./json";
import { DriveQueryError, parseDriveQuery } from "./query";
import type { DriveSpace, GFile } from "./store";
import { DRIVE, driveCaller, fileOf, flag, one, paramError, type DriveCaller, type Query } from "./caller";

function pageSize(q: Query, def: number, max: number): number {
  const raw = one(q.pageSize);
  const n = Number(raw ?? def);
  if (!Number.isInteger(n) || n < 1 || n > max) throw paramError(400, `Invalid value '${raw}'. Values must be within the range: [1, ${max}]`, "invalid", "pageSize");
  return n;
}

/**
 * Streams a binary content with HTTP Range support (Drive's "partial download",
 * https://developers.google.com/drive/api/guides/manage-downloads#partial_download).
 */
export function sendMedia(req: FastifyRequest, reply: FastifyReply, content: Content, mimeType: string): FastifyReply {
  const size = contentSize(content) ?? 0;
  void reply.header("content-type", mimeType).header("accept-ranges", "bytes");
  const range = /^bytes=(\d*)-(\d*)$/.exec(String(req.headers.range ?? "").trim());
  if (req.headers.range && range && (range[1] || range[2])) {
    let start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
    let end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    if (!range[1]) end = size - 1;
    if (start >= size || start > end) return reply.code(416).header("content-range", `bytes */${size}`).send();
    start = Math.max(0, start);
    return reply
      .code(206)
      .header("content-range", `bytes ${start}-${end}/${size}`)
      .header("content-length", end - start + 1)
      .send(Readable.from(byteRange(content, start, end)));
  }
  return reply.header("content-length", size).send(Readable.from(byteRange(content)));
}

export function registerDrive(app: FastifyInstance, ctx: SandboxContext): void {
  const caller = (req: FastifyRequest, reply: FastifyReply, scopes: readonly string[]) => driveCaller(ctx, req, reply, scopes);

  // about.get: enough for clients that read the user and the root folder id.
  app.get(`${DRIVE}/about`, async (req, reply) => {
    const c = caller(req, reply, METHOD_SCOPES.driveMetadata);
    return { kind: "drive#about", user: { kind: "drive#user", displayName: `${c.user.givenName} ${c.user.familyName}`, emailAddress: c.user.email, me: true, permissionId: c.user.id }, rootFolderId: c.drives.space(c.user).id };
  });

  // files.list: corpora user (default) | drive (driveId, needs includeItemsFromAllDrives) |
  // allDrives; a subset of `q` (query.ts). Trashed files are included unless q excludes them,
  // as in Drive. Order is creation order (orderBy is accepted and ignored).
  app.get(`${DRIVE}/files`, async (req, reply) => {
    const c = caller(req, reply, METHOD_SCOPES.driveMetadata);
    const q = req.query as Query;
    const corpora = one(q.corpora) ?? "user";
    const allDrives = flag(q, "includeItemsFromAllDrives");
    if ((corpora === "drive" || corpora === "allDrives") && !(allDrives && flag(q, "supportsAllDrives"))) {
      throw paramError(403, "The includeItemsFromAllDrives parameter must be set to true when corpora is drive or allDrives.", "teamDrivesParameterRequired", "includeItemsFromAllDrives");
    }
    let spaces: DriveSpace[];
    if (corpora === "drive") {
      const driveId = one(q.driveId);
      const shared = c.drives.shared();
      if (!driveId) throw paramError(400, "The driveId parameter must be specified if and only if corpora is set to drive.", "invalid", "driveId");
      if (driveId !== shared.id) throw paramError(404, `Shared drive not found: ${driveId}`, "notFound", "driveId");
      spaces = [shared];
    } else if (corpora === "user" || corpora === "allDrives" || corpora === "domain") {
      spaces = c.drives.spacesFor(c.user, corpora !== "user" && allDrives);
    } else throw paramError(400, `Invalid value '${corpora}'.`, "invalid", "corpora");
    let pred;
    try {
      pred = parseDriveQuery(one(q.q), c.drives.space(c.user).id);
    } catch (err) {
      if (err instanceof DriveQueryError) throw paramError(400, "Invalid Value", "invalid", "q");
      throw err;
    }
    const size = pageSize(q, 100, 1000);
    const token = one(q.pageToken);
    const offset = token ? decodePageToken(token, (v): v is { o: number } => typeof (v as { o?: unknown })?.o === "number")?.o : 0;
    if (offset === undefined) throw paramError(400, "Invalid Value", "invalid", "pageToken");
    const files: GFile[] = [];
    let seen = 0;
    let more = false;
    outer: for (const s of spaces) {
      for (const f of s.live()) {
        if (!pred(f)) continue;
        if (seen++ < offset) continue;
        if (files.length === size) {
          more = true;
          break outer;
        }
        files.push(f);
      }
    }
    const fields = fileFields(one(q.fields));
    return { kind: "drive#fileList", ...(more ? { nextPageToken: encodePageToken({ o: offset + files.length }) } : {}), incompleteSearch: false, files: files.map((f) => fileJson(f, fields)) };
  });

  // files.get: metadata, or the bytes with alt=media. Docs Editors files have no bytes: 403
  // fileNotDownloadable, "Use Export" (documented under files.get / manage-downloads).
  app.get(`${DRIVE}/files/:fileId`, async (req, reply) => {
    const q = req.query as Query;
    const media = one(q.alt) === "media";
    const c = caller(req, reply, media ? METHOD_SCOPES.driveContent : METHOD_SCOPES.driveMetadata);
    const { fileId } = req.params as { fileId: string };
    if (fileId === "root" || fileId === c.drives.space(c.user).id) {
      if (media) throw paramError(403, "Only files with binary content can be downloaded. Use Export with Docs Editors files.", "fileNotDownloadable", "alt");
      return rootJson(c.drives.space(c.user), one(q.fields));
    }
    const { file } = fileOf(c, q, fileId);
    if (!media) return fileJson(file, one(q.fields));
    const head = file.revisions[file.revisions.length - 1];
    if (!head || head.content.kind === "doc") throw paramError(403, "Only files with binary content can be downloaded. Use Export with Docs Editors files.", "fileNotDownloadable", "alt");
    return sendMedia(req, reply, head.content, file.mimeType);
  });

  // files.export: Docs Editors files only (403 fileNotExportable otherwise); an unsupported
  // target type is 400 badRequest. Exported content is limited to 10 MB (ours are far smaller).
  app.get(`${DRIVE}/files/:fileId/export`, async (req, reply) => {
    const c = caller(req, reply, METHOD_SCOPES.driveContent);
    const q = req.query as Query;
    const mimeType = one(q.mimeType);
    if (!mimeType) throw paramError(400, "Required parameter: mimeType", "required", "mimeType");
    // files.export has no supportsAllDrives parameter: shared-drive files export as any other.
    const { file } = fileOf(c, q, (req.params as { fileId: string }).fileId, { anyDrive: true });
    const head = file.revisions[file.revisions.length - 1];
    if (!head || head.content.kind !== "doc") throw new GoogleApiError(403, "Export only supports Docs Editors files.", "fileNotExportable");
    if (!EXPORT_FORMATS[file.mimeType]?.includes(mimeType)) throw new GoogleApiError(400, "The requested conversion is not supported.", "badRequest");
    const bytes = exportBytes(head.content, mimeType);
    return reply.header("content-type", mimeType).send(bytes);
  });

  // revisions.list / revisions.get (alt=media for binary revisions only). Neither method has a
  // supportsAllDrives parameter, so shared-drive files need none.
  app.get(`${DRIVE}/files/:fileId/revisions`, async (req, reply) => {
    const c = caller(req, reply, METHOD_SCOPES.driveMetadata);
    const { file } = fileOf(c, req.query as Query, (req.params as { fileId: string }).fileId, { anyDrive: true });
    return { kind: "drive#revisionList", revisions: file.revisions.map((r) => revisionJson(file, r)) };
  });

  app.get(`${DRIVE}/files/:fileId/revisions/:revisionId`, async (req, reply) => {
    const q = req.query as Query;
    const media = one(q.alt) === "media";
    const c = caller(req, reply, media ? METHOD_SCOPES.driveContent : METHOD_SCOPES.driveMetadata);
    const { fileId, revisionId } = req.params as { fileId: string; revisionId: string };
    const { file } = fileOf(c, q, fileId, { anyDrive: true });
    const rev = revisionId === "head" ? file.revisions[file.revisions.length - 1] : file.revisions.find((r) => r.id === revisionId);
    if (!rev) throw paramError(404, `Revision not found: ${revisionId}.`, "notFound", "revisionId");
    if (!media) return revisionJson(file, rev);
    if (rev.content.kind === "doc") throw paramError(403, "Only files with binary content can be downloaded. Use Export with Docs Editors files.", "fileNotDownloadable", "alt");
    return sendMedia(req, reply, rev.content, file.mimeType);
  });

  // permissions.list: the owner in My Drive; members (organizer/writer) in the shared drive.
  app.get(`${DRIVE}/files/:fileId/permissions`, async (req, reply) => {
    const c = caller(req, reply, METHOD_SCOPES.driveMetadata);
    const { file } = fileOf(c, req.query as Query, (req.params as { fileId: string }).fileId);
    return { kind: "drive#permissionList", permissions: permissionsJson(file, c.tenant.users) };
  });

  // drives.list: the tenant's one shared drive, of which every user is a member.
  app.get(`${DRIVE}/drives`, async (req, reply) => {
    const c = caller(req, reply, METHOD_SCOPES.driveMetadata);
    const s = c.drives.shared();
    return { kind: "drive#driveList", drives: [{ kind: "drive#drive", id: s.id, name: s.name, createdTime: "2023-01-01T00:00:00.000Z", hidden: false }] };
  });

  // changes.getStartPageToken: per user (My Drive), or per shared drive with driveId.
  app.get(`${DRIVE}/changes/startPageToken`, async (req, reply) => {
    const c = caller(req, reply, METHOD_SCOPES.driveMetadata);
    const space = changeSpace(c, req.query as Query);
    return { kind: "drive#startPageToken", startPageToken: String(space.startPageToken) };
  });

  // changes.list: changes from pageToken on, oldest first, each with the file's current state
  // (`removed: true` and no `file` once it is gone; trashing is a change with file.trashed).
  // nextPageToken while more remain, newStartPageToken on the last page. A token the log no
  // longer covers (retention, or expire-history) is rejected like a malformed one:
  // 400 "Invalid Value", location pageToken — the client must start over from getStartPageToken.
  app.get(`${DRIVE}/changes`, async (req, reply) => {
    const c = caller(req, reply, METHOD_SCOPES.driveMetadata);
    const q = req.query as Query;
    const space = changeSpace(c, q);
    const raw = one(q.pageToken);
    if (!raw) throw paramError(400, "Required parameter: pageToken", "required", "pageToken");
    const entries = /^\d+$/.test(raw) ? space.changesFrom(Number(raw)) : undefined;
    if (!entries) throw paramError(400, "Invalid Value", "invalid", "pageToken");
    const size = pageSize(q, 100, 1000);
    const includeRemoved = one(q.includeRemoved) !== "false";
    const fields = fileFields(one(q.fields)) ?? "*";
    const page = entries.slice(0, size);
    const next = entries[size];
    const changes = page
      .map((e) => {
        const f = space.files.get(e.fileId);
        return { kind: "drive#change", changeType: "file", time: new Date(e.time).toISOString(), removed: !f, fileId: e.fileId, ...(space.kind === "shared" ? { driveId: space.id } : {}), ...(f ? { file: fileJson(f, fields) } : {}) };
      })
      .filter((ch) => includeRemoved || !ch.removed);
    return { kind: "drive#changeList", ...(next ? { nextPageToken: String(next.seq) } : { newStartPageToken: String(space.startPageToken) }), changes };
  });

}

function changeSpace(c: DriveCaller, q: Query): DriveSpace {
  const driveId = one(q.driveId);
  if (!driveId) return c.drives.space(c.user);
  const shared = c.drives.shared();
  if (!flag(q, "supportsAllDrives")) throw paramError(403, "The supportsAllDrives parameter must be set to true when driveId is specified.", "teamDrivesParameterRequired", "supportsAllDrives");
  if (driveId !== shared.id) throw paramError(404, `Shared drive not found: ${driveId}`, "notFound", "driveId");
  return shared;
}

/** The per-file part of a `fields` mask ("nextPageToken, files(id,name)" → "id,name"). */
function fileFields(fields: string | undefined): string | undefined {
  if (!fields) return undefined;
  const m = /(?:files|file|changes\/file)\(([^)]*)\)/.exec(fields);
  return m?.[1] ?? (fields.includes("*") ? "*" : fields);
}

