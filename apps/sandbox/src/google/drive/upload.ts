// Writes for restore (https://developers.google.com/drive/api/guides/manage-uploads):
// - POST /drive/v3/files                         metadata only (folders, empty files)
// - POST /upload/drive/v3/files?uploadType=media | multipart (multipart/related: JSON, then media)
// - POST /upload/drive/v3/files?uploadType=resumable  → 200 + Location: the session URI
//   PUT <session> with Content-Range "bytes a-b/total" (or "bytes */total" to ask for status):
//   308 Resume Incomplete + Range "bytes=0-n" until the last byte, then 200 with the file
//   (201 would be Drive's answer for a new file on some paths; the reference documents 200).
// - PATCH /upload/drive/v3/files/{id}?uploadType=media|multipart|resumable → a new head revision
// - PATCH /drive/v3/files/{id} metadata (name, trashed, addParents/removeParents); DELETE.
import { randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { SandboxContext } from "../../context";
import { parseStructured, splitMultipart } from "../../data/mime";
import { baseUrl } from "../../http/base-url";
import { GoogleApiError, invalidArgument } from "../errors";
import { METHOD_SCOPES } from "../scopes";
import type { UploadSession } from "./drives";
import { DRIVE, driveCaller, fileNotFound, fileOf, flag, one, paramError, type DriveCaller, type Query } from "./caller";
import type { Content } from "./content";
import { DOCX, docxParagraphs, OfficeError, parseCsv, XLSX, xlsxRows } from "./office";
import { DOC, FOLDER, fileId, SHEET, type DriveSpace, type GFile } from "./store";
import { fileJson } from "./json";

const UPLOAD = "/upload/drive/v3";
const MAX_UPLOAD = 64 * 1024 * 1024;
/** Resumable chunks must be multiples of 256 KiB except the last (Drive's documented rule). */
const CHUNK_GRANULE = 256 * 1024;

interface Metadata {
  name?: unknown;
  mimeType?: unknown;
  parents?: unknown;
}

function meta(body: unknown): Metadata {
  return body && typeof body === "object" && !Buffer.isBuffer(body) ? (body) : {};
}

function asBuffer(body: unknown): Buffer {
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === "string") return Buffer.from(body, "utf8");
  if (body === undefined || body === null) return Buffer.alloc(0);
  return Buffer.from(JSON.stringify(body));
}

function parseMultipart(req: FastifyRequest): { metadata: Metadata; media: Buffer; mediaType?: string } {
  const { value, params } = parseStructured(String(req.headers["content-type"] ?? ""));
  if (value !== "multipart/related" || !params.boundary || !Buffer.isBuffer(req.body)) throw invalidArgument("Multipart upload requires a multipart/related body.");
  const parts = splitMultipart(req.body.toString("latin1"), params.boundary).map((p) => {
    const i = p.indexOf("\r\n\r\n");
    return i === -1 ? { head: p, body: "" } : { head: p.slice(0, i), body: p.slice(i + 4) };
  });
  const [m, media] = parts;
  if (!m || !media) throw invalidArgument("Multipart upload needs a metadata part and a media part.");
  let metadata: Metadata;
  try {
    metadata = JSON.parse(Buffer.from(m.body, "latin1").toString("utf8")) as Metadata;
  } catch {
    throw invalidArgument("Invalid JSON in the metadata part.");
  }
  const mediaType = /content-type:\s*([^\r\n;]+)/i.exec(media.head)?.[1]?.trim();
  return { metadata, media: Buffer.from(media.body, "latin1"), mediaType };
}

/** The space and parent a new file goes to: its first parent (or My Drive's root). */
function placement(c: DriveCaller, q: Query, m: Metadata): { space: DriveSpace; parent: string } {
  const parents = Array.isArray(m.parents) ? m.parents.map(String) : [];
  const parent = parents[0];
  const mine = c.drives.space(c.user);
  if (!parent || parent === "root" || parent === mine.id) return { space: mine, parent: mine.id };
  const shared = c.drives.shared();
  if (parent === shared.id && flag(q, "supportsAllDrives")) return { space: shared, parent: shared.id };
  const found = fileOf(c, q, parent);
  if (found.file.mimeType !== FOLDER) throw paramError(400, "The specified parent is not a folder.", "teamDrivesParentLimit", "parents");
  return { space: found.space, parent: found.file.id };
}

/**
 * Import with conversion ("Import to Google Docs types", manage-uploads): metadata asking for a
 * Docs Editors mimeType turns the upload into a native document holding its text. Supported
 * here: docx and text/plain → Docs (paragraphs separated by blank lines), xlsx and text/csv → Sheets
 * (a subset of about.importFormats). No media makes an empty document. Anything else → 400.
 */
function convert(id: string, target: string, media: Buffer | undefined, mediaType: string | undefined): Content {
  const type = (mediaType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const sheet = target === SHEET;
  const doc = (body: { text?: string[]; rows?: string[][] }): Content => ({ kind: "doc", key: id, paragraphs: (body.text ?? body.rows ?? []).length, sheet, ...body });
  if (!media || media.length === 0) return doc(sheet ? { rows: [] } : { text: [] });
  try {
    if (!sheet && type === DOCX) return doc({ text: docxParagraphs(media) });
    // Paragraphs are separated by a blank line, as the text/plain export writes them, so that
    // export → import → export gives back the same bytes (a single newline stays a line break).
    if (!sheet && type === "text/plain") return doc({ text: media.toString("utf8").replace(/^\uFEFF/, "").replace(/\r?\n$/, "").split(/\r?\n\r?\n/) });
    if (sheet && type === XLSX) return doc({ rows: xlsxRows(media) });
    if (sheet && type === "text/csv") return doc({ rows: parseCsv(media.toString("utf8").replace(/^\uFEFF/, "")) });
  } catch (err) {
    if (err instanceof OfficeError) throw paramError(400, `The uploaded content could not be converted: ${err.message}`, "badContent", "media");
    throw err;
  }
  throw paramError(400, `Conversion from ${type || "an unknown type"} to ${target} is not supported.`, "badRequest", "mimeType");
}

function createFile(c: DriveCaller, q: Query, m: Metadata, media: Buffer | undefined, mediaType: string | undefined): GFile {
  const { space, parent } = placement(c, q, m);
  const mimeType = typeof m.mimeType === "string" ? m.mimeType : (mediaType ?? "application/octet-stream");
  const native = mimeType === DOC || mimeType === SHEET;
  const name = typeof m.name === "string" ? m.name : "Untitled";
  const id = fileId("created", space.id, space.order.length, randomBytes(6).toString("hex"));
  space.clock += 1_000;
  const file: GFile = {
    id,
    name,
    mimeType,
    parents: [parent],
    spaceId: space.id,
    driveId: space.kind === "shared" ? space.id : undefined,
    ownerEmail: space.kind === "user" ? c.user.email : undefined,
    trashed: false,
    createdTime: space.clock,
    modifiedTime: space.clock,
    version: 1,
    revisions: mimeType === FOLDER ? [] : [{ id: fileId(id, "rev", 0), modifiedTime: space.clock, content: native ? convert(id, mimeType, media, mediaType) : { kind: "bytes", bytes: media ?? Buffer.alloc(0) }, originalFilename: name }],
  };
  return space.add(file, true);
}

export function newRevision(space: DriveSpace, file: GFile, bytes: Buffer): GFile {
  space.clock += 1_000;
  file.revisions.push({ id: fileId(file.id, "rev", file.revisions.length, space.clock), modifiedTime: space.clock, content: { kind: "bytes", bytes }, originalFilename: file.name });
  file.version += 1;
  file.modifiedTime = space.clock;
  space.touch(file.id);
  return file;
}

function updateMedia(c: DriveCaller, q: Query, id: string, bytes: Buffer, m: Metadata): GFile {
  const { space, file } = fileOf(c, q, id);
  if (file.mimeType === FOLDER || file.revisions[file.revisions.length - 1]?.content.kind === "doc") throw new GoogleApiError(403, "The file's content cannot be replaced by a media upload.", "fileNotWritable");
  if (typeof m.name === "string") file.name = m.name;
  return newRevision(space, file, bytes);
}

export function registerDriveUploads(app: FastifyInstance, ctx: SandboxContext): void {
  const caller = (req: FastifyRequest, reply: FastifyReply) => driveCaller(ctx, req, reply, METHOD_SCOPES.driveWrite);
  const opts = { bodyLimit: MAX_UPLOAD };
  const fields = (q: Query) => one(q.fields);

  app.post(`${DRIVE}/files`, async (req, reply) => {
    const c = caller(req, reply);
    const q = req.query as Query;
    return fileJson(createFile(c, q, meta(req.body), undefined, undefined), fields(q));
  });

  const startSession = (c: DriveCaller, req: FastifyRequest, reply: FastifyReply, targetFileId?: string) => {
    const q = req.query as Query;
    const total = req.headers["x-upload-content-length"];
    const session: UploadSession = {
      id: randomBytes(18).toString("base64url"),
      userId: c.user.id,
      metadata: meta(req.body) as Record<string, unknown>,
      targetFileId,
      supportsAllDrives: flag(q, "supportsAllDrives"),
      contentType: String(req.headers["x-upload-content-type"] ?? "application/octet-stream"),
      total: total ? Number(total) : undefined,
      received: [],
      receivedBytes: 0,
    };
    c.drives.sessions.set(session.id, session);
    const path = targetFileId ? `${UPLOAD}/files/${targetFileId}` : `${UPLOAD}/files`;
    const keep = new URLSearchParams();
    for (const k of ["fields", "supportsAllDrives"]) if (one(q[k])) keep.set(k, one(q[k]) ?? "");
    keep.set("uploadType", "resumable");
    keep.set("upload_id", session.id);
    return reply.code(200).header("location", `${baseUrl(req)}${path}?${keep.toString()}`).header("x-guploader-uploadid", session.id).send();
  };

  app.post(`${UPLOAD}/files`, opts, async (req, reply) => {
    const c = caller(req, reply);
    const q = req.query as Query;
    switch (one(q.uploadType)) {
      case "media":
        return fileJson(createFile(c, q, {}, asBuffer(req.body), String(req.headers["content-type"] ?? "")), fields(q));
      case "multipart": {
        const { metadata, media, mediaType } = parseMultipart(req);
        return fileJson(createFile(c, q, metadata, media, mediaType), fields(q));
      }
      case "resumable":
        return startSession(c, req, reply);
      default:
        throw paramError(400, `Invalid value '${one(q.uploadType) ?? ""}'. Values must be one of media, multipart, resumable.`, "invalid", "uploadType");
    }
  });

  app.patch(`${UPLOAD}/files/:fileId`, opts, async (req, reply) => {
    const c = caller(req, reply);
    const q = req.query as Query;
    const { fileId: id } = req.params as { fileId: string };
    switch (one(q.uploadType)) {
      case "media":
        return fileJson(updateMedia(c, q, id, asBuffer(req.body), {}), fields(q));
      case "multipart": {
        const { metadata, media } = parseMultipart(req);
        return fileJson(updateMedia(c, q, id, media, metadata), fields(q));
      }
      case "resumable":
        fileOf(c, q, id);
        return startSession(c, req, reply, id);
      default:
        throw paramError(400, `Invalid value '${one(q.uploadType) ?? ""}'.`, "invalid", "uploadType");
    }
  });

  // The session URI. Chunks must arrive in order; a chunk that does not start at the byte
  // received so far, or (not being the last) is not a multiple of 256 KiB, is rejected.
  const chunk = async (req: FastifyRequest, reply: FastifyReply) => {
    const c = caller(req, reply);
    const q = req.query as Query;
    const session = c.drives.sessions.get(one(q.upload_id) ?? "");
    if (!session || session.userId !== c.user.id) throw new GoogleApiError(404, "Upload session not found or expired.", "notFound");
    const body = asBuffer(req.body);
    const cr = String(req.headers["content-range"] ?? "");
    const status = /^bytes \*\/(\d+|\*)$/.exec(cr);
    const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(cr);
    if (status || (!cr && body.length === 0)) {
      if (status?.[1] && status[1] !== "*") session.total = Number(status[1]);
      if (session.total === undefined || session.receivedBytes < session.total) return incomplete(reply, session);
    } else if (m) {
      const [start, end] = [Number(m[1]), Number(m[2])];
      if (m[3] !== "*") session.total = Number(m[3]);
      if (start !== session.receivedBytes) return incomplete(reply, session);
      if (end - start + 1 !== body.length) throw invalidArgument("Content-Range does not match the request body length.");
      const last = session.total !== undefined && end + 1 === session.total;
      if (!last && body.length % CHUNK_GRANULE !== 0) throw invalidArgument(`Chunk size must be a multiple of ${CHUNK_GRANULE} bytes except for the final chunk.`);
      session.received.push(body);
      session.receivedBytes += body.length;
      if (!last) return incomplete(reply, session);
    } else if (!cr) {
      // A single PUT with the whole body and no Content-Range.
      session.received.push(body);
      session.receivedBytes += body.length;
      session.total = session.receivedBytes;
    } else throw invalidArgument(`Invalid Content-Range: ${cr}`);
    if (session.total !== undefined && session.receivedBytes > session.total) throw invalidArgument("More bytes than the declared total.");
    c.drives.sessions.delete(session.id);
    const bytes = Buffer.concat(session.received);
    const q2 = { ...q, supportsAllDrives: session.supportsAllDrives ? "true" : undefined };
    const file = session.targetFileId ? updateMedia(c, q2, session.targetFileId, bytes, session.metadata) : createFile(c, q2, session.metadata, bytes, session.contentType);
    return reply.code(200).send(fileJson(file, fields(q)));
  };
  app.put(`${UPLOAD}/files`, opts, chunk);
  app.put(`${UPLOAD}/files/:fileId`, opts, chunk);

  // files.update (metadata): rename, trash/untrash, move with addParents/removeParents.
  app.patch(`${DRIVE}/files/:fileId`, async (req, reply) => {
    const c = caller(req, reply);
    const q = req.query as Query;
    const { space, file } = fileOf(c, q, (req.params as { fileId: string }).fileId);
    const body = meta(req.body) as Metadata & { trashed?: unknown };
    if (typeof body.name === "string") file.name = body.name;
    if (typeof body.trashed === "boolean") file.trashed = body.trashed;
    const add = (one(q.addParents) ?? "").split(",").filter(Boolean);
    const remove = (one(q.removeParents) ?? "").split(",").filter(Boolean);
    if (add.length) {
      for (const p of add) if (p !== space.id && space.files.get(p)?.mimeType !== FOLDER) throw fileNotFound(p);
      file.parents = [...file.parents.filter((p) => !remove.includes(p)), ...add];
    }
    space.clock += 1_000;
    file.modifiedTime = space.clock;
    space.touch(file.id);
    return fileJson(file, fields(q));
  });

  // files.delete: permanent, skipping the trash; 204.
  app.delete(`${DRIVE}/files/:fileId`, async (req, reply) => {
    const c = caller(req, reply);
    const { space, file } = fileOf(c, req.query as Query, (req.params as { fileId: string }).fileId);
    space.remove(file.id);
    return reply.code(204).send();
  });
}

function incomplete(reply: FastifyReply, s: UploadSession): FastifyReply {
  // 308 "Resume Incomplete"; no Range header at all when nothing has arrived yet.
  if (s.receivedBytes > 0) void reply.header("range", `bytes=0-${s.receivedBytes - 1}`);
  return reply.code(308).header("content-length", 0).send();
}
