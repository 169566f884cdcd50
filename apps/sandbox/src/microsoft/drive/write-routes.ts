// Writing to OneDrive and SharePoint document libraries through Graph v1.0 — what a restore
// uses. Under every drive prefix (`/drives/{id}`, `/users/{id}/drive`, `/me/drive`, `/sites/{id}/drive`):
//   PUT  …/items/{parent-id}:/{filename}:/content, …/root:/{path}:/content   simple upload of a
//        new file (driveItem: put content, ≤ 250 MB): 201 + driveItem; an existing name is
//        resolved by `@microsoft.graph.conflictBehavior` (query; default replace: a new
//        version of that file, 200) — fail → 409 nameAlreadyExists, rename → "name 1.ext".
//        Missing folders on the path are created, as OneDrive does.
//   PUT  …/items/{id}/content   new content for an existing file: a new version, same id (200)
//   POST …/items/{id}/createUploadSession, …/items/{parent-id}:/{filename}:/createUploadSession,
//        …/root:/{path}:/createUploadSession   (driveItem: createUploadSession) body
//        `{ item: { "@microsoft.graph.conflictBehavior", name?, fileSize? } }` → 200
//        `{ uploadUrl, expirationDateTime, nextExpectedRanges: ["0-"] }`; the uploadUrl is
//        pre-authenticated (no Authorization needed). PUT slices in order with Content-Range:
//        202 `{ expirationDateTime, nextExpectedRanges: ["n-"] }`; the last one 201 (new file)
//        or 200 (replaced) with the driveItem; a range that is not the next expected one → 416
//        invalidRange; every slice but the last must be a multiple of 320 KiB (327,680 bytes,
//        as documented) and ≤ 60 MiB; GET uploadUrl → status; DELETE uploadUrl → 204 cancelled.
//   POST …/items/{id}/children, …/root/children   create a folder `{ name, folder: {},
//        "@microsoft.graph.conflictBehavior" }` (default fail → 409) → 201
//   PATCH …/items/{id}   rename (`name`) and/or move (`parentReference.id`) → 200; a taken name → 409
//   DELETE …/items/{id}   → 204; the item (a folder with its contents) is gone, and the next
//        root/delta round reports it as `deleted: { state: "deleted" }`
// Writes need Files.ReadWrite(.All) or Sites.ReadWrite.All. If-Match / If-None-Match are not checked.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { SandboxContext } from "../../context";
import { badRequest, GraphError } from "../errors";
import { graphBase, one, type Query } from "../odata";
import { PERMISSIONS } from "../scopes";
import type { MicrosoftTenant } from "../tenant";
import { UploadSessionStore, type UploadSession } from "../upload-sessions";
import type { DriveItemState, MsDrive } from "./drive";
import { driveOf, itemNotFoundInDrive, itemOr404, itemResource, ownerByKey, type DriveTarget } from "./resources";

const SIMPLE_UPLOAD_MAX = 250 * 1024 * 1024;
const FRAGMENT_MAX = 60 * 1024 * 1024;
const FRAGMENT_MULTIPLE = 320 * 1024;
const SESSION_TTL_MS = 60 * 60_000;
export const DRIVE_UPLOAD_PATH = "/microsoft/sharepoint/upload/sessions";

type Conflict = "fail" | "replace" | "rename";
const CONFLICT_KEY = "@microsoft.graph.conflictBehavior";
const INVALID_NAME = /["*:<>?/\\|]/;

const nameAlreadyExists = () => new GraphError(409, "nameAlreadyExists", "The specified item name already exists.");

/** Where a write lands: an existing item, or a new child `name` of `parentIndex`. */
type Target = { kind: "item"; item: DriveItemState } | { kind: "new"; parentIndex: number; name: string };

interface PendingUpload {
  tenant: MicrosoftTenant;
  driveKey: number;
  target: Target;
  conflict: Conflict;
}

const MIME_BY_EXT: Record<string, string> = {
  txt: "text/plain",
  csv: "text/csv",
  html: "text/html",
  json: "application/json",
  xml: "application/xml",
  eml: "message/rfc822",
  pdf: "application/pdf",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  zip: "application/zip",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
};
/** OneDrive derives a file's MIME type from its extension, not from the upload's Content-Type. */
const mimeOf = (name: string) => MIME_BY_EXT[name.slice(name.lastIndexOf(".") + 1).toLowerCase()] ?? "application/octet-stream";

function checkName(name: string): string {
  const n = name.trim();
  if (!n || n === "." || n === ".." || INVALID_NAME.test(n)) throw new GraphError(400, "invalidRequest", `The name '${name}' is empty or contains characters OneDrive does not allow (" * : < > ? / \\ |).`);
  return n;
}

function conflictOf(value: unknown, fallback: Conflict): Conflict {
  if (value === undefined || value === null || value === "") return fallback;
  if (value === "fail" || value === "replace" || value === "rename") return value;
  throw new GraphError(400, "invalidRequest", `Invalid value '${JSON.stringify(value)}' for @microsoft.graph.conflictBehavior (fail, replace or rename).`);
}

/** The JSON body of a write (the drive routes receive every body as bytes; see registerDriveWrites). */
function jsonBody(req: FastifyRequest): Record<string, unknown> {
  const raw = req.body;
  if (raw === undefined || raw === null) return {};
  const text = Buffer.isBuffer(raw) ? raw.toString("utf8") : typeof raw === "string" ? raw : JSON.stringify(raw);
  if (!text.trim()) return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw badRequest("The request body is not a JSON object.");
}

/**
 * The address after the drive prefix: `items/{id}` or `root`, optionally followed by a
 * path `:/a/b.txt:` relative to it, then an optional action (`content`, `children`, …).
 */
function parseAddress(rest: string): { base: string; path?: string[]; action?: string } {
  const m = /^(root|items\/[^/:]+)(?::(\/[^:]*):?)?(?:\/([A-Za-z]+))?\/?$/.exec(rest);
  if (!m) throw new GraphError(400, "BadRequest", `Resource not found for the segment '${rest.split("/").pop() ?? ""}'.`);
  const [, base = "root", path, action] = m;
  const segments = path?.split("/").filter(Boolean).map((s) => decodeURIComponent(s));
  return { base: base === "root" ? "root" : base.slice("items/".length), ...(segments?.length ? { path: segments } : {}), ...(action ? { action } : {}) };
}

export function registerDriveWrites(app: FastifyInstance, ctx: SandboxContext, prefixes: string[]): void {
  const sessions = new UploadSessionStore<PendingUpload>(DRIVE_UPLOAD_PATH, "tempauth", SESSION_TTL_MS, (s, start, length) => {
    if (start + length < s.size && length % FRAGMENT_MULTIPLE !== 0) {
      throw new GraphError(400, "invalidRequest", `Fragment sizes must be a multiple of 320 KiB (327,680 bytes) except for the last one; got ${length} bytes.`);
    }
  });

  /** Resolves a path below `fromIndex`; with `create`, missing folders are made on the way. */
  const resolve = (drive: MsDrive, fromIndex: number, path: string[], create: boolean): Target => {
    let parent = fromIndex;
    for (let k = 0; k < path.length; k++) {
      const name = checkName(path[k] ?? "");
      const found = drive.child(parent, name);
      if (k === path.length - 1) return found ? { kind: "item", item: found } : { kind: "new", parentIndex: parent, name };
      if (found && !found.folder) throw new GraphError(400, "invalidRequest", `'${found.name}' is a file, not a folder.`);
      if (!found && !create) throw itemNotFoundInDrive();
      parent = found ? found.index : drive.createFolder(name, parent).index;
    }
    return { kind: "item", item: itemOr404(drive, drive.itemId(parent)) };
  };

  /**
   * The item a write addresses. For uploads (`asName`) a path names a child by name even when
   * it exists, so the conflict behaviour decides; an id always names that item (an update).
   */
  const addressed = (t: DriveTarget, a: ReturnType<typeof parseAddress>, create: boolean, asName = create): { target: Target; action?: string } => {
    const base = itemOr404(t.drive, a.base);
    const action = a.action ? { action: a.action } : {};
    if (!a.path) return { target: { kind: "item", item: base }, ...action };
    if (!base.folder) throw new GraphError(400, "invalidRequest", "Path addressing needs a folder to start from.");
    const target = resolve(t.drive, base.index, a.path, create);
    if (asName && target.kind === "item" && target.item.index !== 0) return { target: { kind: "new", parentIndex: target.item.parentIndex, name: target.item.name }, ...action };
    return { target, ...action };
  };

  /** Writes `bytes` where `target` says, by the conflict behaviour; the status is 201 for a new file. */
  const writeFile = async (drive: MsDrive, target: Target, conflict: Conflict, bytes: Buffer): Promise<{ item: DriveItemState; created: boolean }> => {
    if (target.kind === "item") {
      if (target.item.folder) throw new GraphError(400, "invalidRequest", "Cannot upload content to a folder.");
      return { item: (await drive.rewrite(target.item.index, () => bytes)) ?? target.item, created: false };
    }
    const existing = drive.child(target.parentIndex, target.name);
    if (existing) {
      if (conflict === "fail") throw nameAlreadyExists();
      if (conflict === "replace") return writeFile(drive, { kind: "item", item: existing }, conflict, bytes);
      return { item: drive.create(drive.freeName(target.parentIndex, target.name), target.parentIndex, bytes, mimeOf(target.name)), created: true };
    }
    return { item: drive.create(target.name, target.parentIndex, bytes, mimeOf(target.name)), created: true };
  };

  const put = async (req: FastifyRequest, reply: FastifyReply) => {
    const t = driveOf(ctx, req, reply, PERMISSIONS.filesWrite);
    const { target, action } = addressed(t, parseAddress(wildcard(req)), true);
    if (action !== "content") throw new GraphError(405, "BadRequest", "PUT is supported on …/content only.");
    const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const { item, created } = await writeFile(t.drive, target, conflictOf(one(req.query as Query, CONFLICT_KEY), "replace"), bytes);
    return reply.code(created ? 201 : 200).send({ "@odata.context": `${graphBase(req)}/$metadata#driveItem/$entity`, ...(await itemResource(req, t, item)) });
  };

  const post = async (req: FastifyRequest, reply: FastifyReply) => {
    const t = driveOf(ctx, req, reply, PERMISSIONS.filesWrite);
    const address = parseAddress(wildcard(req));
    // An upload session's path names the file to be (folders on the way are made); children's names a folder.
    const { target, action } = addressed(t, address, address.action === "createUploadSession");
    const body = jsonBody(req);
    if (action === "children") {
      if (target.kind !== "item" || !target.item.folder) throw new GraphError(400, "invalidRequest", "Children can only be created in a folder.");
      if (typeof body.name !== "string") throw new GraphError(400, "invalidRequest", "A name is required.");
      if (!body.folder || typeof body.folder !== "object") throw new GraphError(400, "invalidRequest", "Only folders are created here ({ name, folder: {} }); upload files with PUT …/content or an upload session.");
      const name = checkName(body.name);
      const conflict = conflictOf(body[CONFLICT_KEY] ?? one(req.query as Query, CONFLICT_KEY), "fail");
      const parent = target.item.index;
      const existing = t.drive.child(parent, name);
      let folder: DriveItemState;
      if (!existing) folder = t.drive.createFolder(name, parent);
      else if (conflict === "fail") throw nameAlreadyExists();
      else if (conflict === "rename") folder = t.drive.createFolder(t.drive.freeName(parent, name), parent);
      else {
        t.drive.delete(existing.index);
        folder = t.drive.createFolder(name, parent);
      }
      return reply.code(201).send({ "@odata.context": `${graphBase(req)}/$metadata#driveItem/$entity`, ...(await itemResource(req, t, folder)) });
    }
    if (action === "createUploadSession") {
      const item = (body.item && typeof body.item === "object" ? body.item : {}) as Record<string, unknown>;
      const conflict = conflictOf(item[CONFLICT_KEY] ?? body[CONFLICT_KEY] ?? one(req.query as Query, CONFLICT_KEY), "replace");
      let dest = target;
      // `items/{parent-id}/createUploadSession` with `item.name`: a new file in that folder.
      if (dest.kind === "item" && dest.item.folder) {
        if (typeof item.name !== "string") throw new GraphError(400, "invalidRequest", "Name a file to upload: …/items/{parent-id}:/{filename}:/createUploadSession or item.name.");
        dest = { kind: "new", parentIndex: dest.item.index, name: checkName(item.name) };
      }
      if (dest.kind === "item" && dest.item.folder) throw new GraphError(400, "invalidRequest", "Cannot upload content to a folder.");
      if (dest.kind === "new" && conflict === "fail" && t.drive.child(dest.parentIndex, dest.name)) throw nameAlreadyExists();
      const size = item.fileSize ?? body.fileSize;
      // Empty files cannot go through a session (there is no byte to send): PUT …/content them.
      if (size !== undefined && (!Number.isInteger(size) || (size as number) < 1)) throw new GraphError(400, "invalidRequest", "fileSize must be a positive integer.");
      const s = sessions.create({ tenant: t.tenant, driveKey: t.user.key, target: dest, conflict }, typeof size === "number" ? size : -1);
      return reply.code(200).send({
        "@odata.context": `${graphBase(req)}/$metadata#microsoft.graph.uploadSession`,
        uploadUrl: sessions.url(req, s),
        expirationDateTime: new Date(s.expiresAt).toISOString(),
        nextExpectedRanges: ["0-"],
      });
    }
    throw new GraphError(400, "BadRequest", `Resource not found for the segment '${action ?? ""}'.`);
  };

  const patch = async (req: FastifyRequest, reply: FastifyReply) => {
    const t = driveOf(ctx, req, reply, PERMISSIONS.filesWrite);
    const { target, action } = addressed(t, parseAddress(wildcard(req)), false);
    if (action) throw new GraphError(400, "BadRequest", "PATCH addresses an item.");
    if (target.kind !== "item") throw itemNotFoundInDrive();
    const item = target.item;
    if (item.index === 0) throw new GraphError(400, "invalidRequest", "The root cannot be renamed or moved.");
    const body = jsonBody(req);
    const ref = body.parentReference as { id?: unknown } | undefined;
    let parentIndex = item.parentIndex;
    if (ref?.id !== undefined) {
      if (typeof ref.id !== "string") throw new GraphError(400, "invalidRequest", "parentReference.id must be a string.");
      const parent = itemOr404(t.drive, ref.id);
      if (!parent.folder) throw new GraphError(400, "invalidRequest", "The new parent must be a folder.");
      if (item.folder && t.drive.isWithin(parent.index, item.index)) throw new GraphError(400, "invalidRequest", "A folder cannot be moved into itself.");
      parentIndex = parent.index;
    }
    if (body.name !== undefined && typeof body.name !== "string") throw new GraphError(400, "invalidRequest", "name must be a string.");
    let name = body.name === undefined ? item.name : checkName(body.name);
    const clash = t.drive.child(parentIndex, name);
    if (clash && clash.index !== item.index) {
      const conflict = conflictOf(body[CONFLICT_KEY] ?? one(req.query as Query, CONFLICT_KEY), "fail");
      if (conflict === "fail") throw nameAlreadyExists();
      if (conflict === "rename") name = t.drive.freeName(parentIndex, name);
      else t.drive.delete(clash.index);
    }
    const updated = t.drive.update(item.index, { name, parentIndex });
    if (!updated) throw itemNotFoundInDrive();
    return reply.code(200).send({ "@odata.context": `${graphBase(req)}/$metadata#driveItem/$entity`, ...(await itemResource(req, t, updated)) });
  };

  const del = async (req: FastifyRequest, reply: FastifyReply) => {
    const t = driveOf(ctx, req, reply, PERMISSIONS.filesWrite);
    const { target, action } = addressed(t, parseAddress(wildcard(req)), false);
    if (action) throw new GraphError(400, "BadRequest", "DELETE addresses an item.");
    if (target.kind !== "item") throw itemNotFoundInDrive();
    if (target.item.index === 0) throw new GraphError(403, "accessDenied", "The root folder cannot be deleted.");
    t.drive.delete(target.item.index);
    return reply.code(204).send();
  };

  // Uploaded bytes must reach the handlers untouched whatever their Content-Type (the Graph
  // client labels a Buffer body application/json), so this scope parses every body as bytes.
  void app.register(
    (scope, _opts, done) => {
      scope.removeContentTypeParser(["application/json", "text/plain", "application/x-www-form-urlencoded"]);
      scope.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, next) => next(null, body));
      for (const p of prefixes) {
        scope.put(`${p}/*`, { bodyLimit: SIMPLE_UPLOAD_MAX }, put);
        scope.post(`${p}/*`, { bodyLimit: 1024 * 1024 }, post);
        scope.patch(`${p}/*`, patch);
        scope.delete(`${p}/*`, del);
      }

      const status = (s: UploadSession<PendingUpload>) => ({ expirationDateTime: new Date(s.expiresAt).toISOString(), nextExpectedRanges: [`${s.received}-`] });
      scope.put(`${DRIVE_UPLOAD_PATH}/:sid`, { bodyLimit: FRAGMENT_MAX }, async (req, reply) => {
        const s = sessions.of(req);
        const range = /^bytes \d+-\d+\/(\d+|\*)$/.exec(String(req.headers["content-range"] ?? "").trim());
        // Without a declared fileSize the first slice's total fixes it.
        if (s.size < 0 && range?.[1] && range[1] !== "*") s.size = Number(range[1]);
        const slice = sessions.accept(s, req.headers["content-range"], req.body, (message) => new GraphError(416, "invalidRange", message));
        if (!slice.done) return reply.code(202).send(status(s));
        const { tenant, driveKey, target, conflict } = s.meta;
        const drive = tenant.driveByKey(driveKey);
        const owner = ownerByKey(tenant, driveKey);
        if (!drive || !owner) throw itemNotFoundInDrive();
        // The target may have changed while the bytes travelled: resolve it again.
        const fresh: Target = target.kind === "item" ? { kind: "item", item: itemOr404(drive, target.item.id) } : target;
        const { item, created } = await writeFile(drive, fresh, conflict, slice.bytes);
        return reply.code(created ? 201 : 200).send(await itemResource(req, { tenant, user: owner, drive }, item));
      });
      scope.get(`${DRIVE_UPLOAD_PATH}/:sid`, (req, reply) => reply.send(status(sessions.of(req))));
      scope.delete(`${DRIVE_UPLOAD_PATH}/:sid`, async (req, reply) => {
        sessions.cancel(sessions.of(req));
        return reply.code(204).send();
      });
      done();
    },
  );
}

const wildcard = (req: FastifyRequest) => (req.params as { "*": string })["*"];
