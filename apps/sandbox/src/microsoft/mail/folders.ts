// Graph v1.0 mail folders (https://learn.microsoft.com/graph/api/resources/mailfolder), for
// /users/{id | userPrincipalName}/… and /me/…:
//   GET mailFolders (top-level), mailFolders/{id} (ids or well-known names),
//   mailFolders/{id}/childFolders: $top default 10 (max 1000), $skip paging through
//   @odata.nextLink; hidden folders only with `includeHiddenFolders=true` (mailfolder-list).
//   POST mailFolders, POST mailFolders/{id}/childFolders (user-post-mailfolders,
//   mailfolder-post-childfolders) `{ displayName, isHidden? }` → 201 + mailFolder; a sibling
//   with that name (ignoring case, as Exchange compares) → 409 ErrorFolderExists.
//   PATCH mailFolders/{id} (mailfolder-update) `{ displayName }` → 200 + mailFolder.
//   DELETE mailFolders/{id} (mailfolder-delete) → 204: the folder, its subfolders and messages
//   move to Deleted Items as Exchange does (a plain delete is not permanentDelete); deleting
//   it again from Deleted Items removes it for good. Well-known folders cannot be renamed or
//   deleted (ErrorDeleteDistinguishedFolder for delete).
// Writes need Mail.ReadWrite. Folder change tracking (mailFolder: delta) is not emulated.
import type { FastifyReply, FastifyRequest } from "fastify";
import type { SandboxContext } from "../../context";
import { GraphError, invalidRequest } from "../errors";
import { graphBase, linkWith, one, skip, top, type Query } from "../odata";
import { PERMISSIONS } from "../scopes";
import { folderOr404, mailboxOf, type MailRoute } from "./context";
import { ROOT_KEY, type Folder, type FolderRefusal, type MsMailbox } from "./mailbox";

type Counts = Map<string, { total: number; unread: number }>;

const folderExists = () => new GraphError(409, "ErrorFolderExists", "A folder with the specified name already exists.");

export function folderResource(mb: MsMailbox, f: Folder, counts: Counts): Record<string, unknown> {
  return {
    id: f.id,
    displayName: f.displayName,
    parentFolderId: f.parentKey === ROOT_KEY ? mb.rootId : mb.folderByKey(f.parentKey)?.id,
    childFolderCount: mb.children(f.key).length,
    unreadItemCount: counts.get(f.key)?.unread ?? 0,
    totalItemCount: counts.get(f.key)?.total ?? 0,
    isHidden: f.isHidden === true,
  };
}

/** `{ displayName, isHidden? }` of a create or update request, checked. */
function folderBody(req: FastifyRequest, requireName: boolean): { displayName?: string; isHidden?: boolean } {
  const body = req.body && typeof req.body === "object" && !Buffer.isBuffer(req.body) ? (req.body as Record<string, unknown>) : {};
  const { displayName, isHidden } = body;
  if (displayName !== undefined && (typeof displayName !== "string" || !displayName.trim())) throw invalidRequest("displayName must be a non-empty string.");
  if (requireName && displayName === undefined) throw invalidRequest("displayName is required to create a mail folder.");
  if (isHidden !== undefined && typeof isHidden !== "boolean") throw invalidRequest("isHidden must be a boolean.");
  return { ...(typeof displayName === "string" ? { displayName: displayName.trim() } : {}), ...(typeof isHidden === "boolean" ? { isHidden } : {}) };
}

function refused(r: FolderRefusal, what: "rename" | "delete"): GraphError {
  if (r === "exists") return folderExists();
  return what === "delete" ? new GraphError(400, "ErrorDeleteDistinguishedFolder", "Distinguished folders cannot be deleted.") : invalidRequest("Well-known (distinguished) folders cannot be renamed.");
}

export function registerFolders(route: MailRoute, ctx: SandboxContext): void {
  const entity = (req: FastifyRequest, mb: MsMailbox, f: Folder) => ({ "@odata.context": `${graphBase(req)}/$metadata#users('${mb.plan.email}')/mailFolders/$entity`, ...folderResource(mb, f, mb.counts()) });

  const folderPage = (req: FastifyRequest, mb: MsMailbox, all: Folder[]) => {
    const q = req.query as Query;
    const size = top(q, 10, 1000);
    const from = skip(q);
    const folders = one(q, "includeHiddenFolders") === "true" ? all : all.filter((f) => !f.isHidden);
    const counts = mb.counts();
    const page = folders.slice(from, from + size);
    return {
      "@odata.context": `${graphBase(req)}/$metadata#users('${mb.plan.email}')/mailFolders`,
      ...(from + size < folders.length ? { "@odata.nextLink": linkWith(req, { $skip: String(from + size) }) } : {}),
      value: page.map((f) => folderResource(mb, f, counts)),
    };
  };

  route("GET", "/mailFolders", async (req, reply) => {
    const { mb } = mailboxOf(ctx, req, reply, PERMISSIONS.mailRead);
    return folderPage(req, mb, mb.children(ROOT_KEY));
  });
  route("GET", "/mailFolders/:fid", async (req, reply) => {
    const { mb } = mailboxOf(ctx, req, reply, PERMISSIONS.mailRead);
    return entity(req, mb, folderOr404(mb, (req.params as { fid: string }).fid));
  });
  route("GET", "/mailFolders/:fid/childFolders", async (req, reply) => {
    const { mb } = mailboxOf(ctx, req, reply, PERMISSIONS.mailRead);
    const f = folderOr404(mb, (req.params as { fid: string }).fid);
    return folderPage(req, mb, mb.children(f.key));
  });

  const create = (parentOf: (mb: MsMailbox, req: FastifyRequest) => string) => async (req: FastifyRequest, reply: FastifyReply) => {
    const { mb } = mailboxOf(ctx, req, reply, PERMISSIONS.mailWrite);
    const parentKey = parentOf(mb, req);
    const { displayName = "", isHidden } = folderBody(req, true);
    const created = mb.createFolder(parentKey, displayName, isHidden);
    if (typeof created === "string") throw refused(created, "rename");
    return reply.code(201).send(entity(req, mb, created));
  };
  route("POST", "/mailFolders", create(() => ROOT_KEY));
  route("POST", "/mailFolders/:fid/childFolders", create((mb, req) => folderOr404(mb, (req.params as { fid: string }).fid).key));

  route("PATCH", "/mailFolders/:fid", async (req, reply) => {
    const { mb } = mailboxOf(ctx, req, reply, PERMISSIONS.mailWrite);
    const f = folderOr404(mb, (req.params as { fid: string }).fid);
    if (f.key === ROOT_KEY) throw invalidRequest("The root folder cannot be renamed.");
    const { displayName } = folderBody(req, false);
    if (displayName !== undefined && displayName !== f.displayName) {
      const after = mb.renameFolder(f.key, displayName);
      if (typeof after === "string") throw refused(after, "rename");
    }
    return entity(req, mb, f);
  });

  route("DELETE", "/mailFolders/:fid", async (req, reply) => {
    const { mb } = mailboxOf(ctx, req, reply, PERMISSIONS.mailWrite);
    const f = folderOr404(mb, (req.params as { fid: string }).fid);
    const r = f.key === ROOT_KEY ? "wellKnown" : mb.deleteFolder(f.key);
    if (r === "exists" || r === "wellKnown") throw refused(r, "delete");
    return reply.code(204).send();
  });
}
