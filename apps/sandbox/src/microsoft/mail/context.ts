// What every mail handler starts with: the caller, the mailbox its path addresses, and the
// route helper that mounts a handler under both /users/{id} and /me.
import type { FastifyReply, FastifyRequest, RouteOptions } from "fastify";
import type { SandboxContext } from "../../context";
import { graphCaller, mailboxUser, requirePermission } from "../auth";
import { itemNotFound } from "../errors";
import type { PermissionSet } from "../scopes";
import type { Folder, MsMailbox } from "./mailbox";

export type MailRoute = (method: RouteOptions["method"], suffix: string, handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>, opts?: { bodyLimit?: number }) => void;

export function mailboxOf(ctx: SandboxContext, req: FastifyRequest, reply: FastifyReply, permission: PermissionSet) {
  const caller = graphCaller(ctx, req, reply);
  requirePermission(caller, permission);
  const user = mailboxUser(caller, (req.params as { uid?: string }).uid);
  return { caller, user, mb: caller.tenant.mailbox(user) };
}

export function folderOr404(mb: MsMailbox, id: string): Folder {
  const f = mb.folder(id);
  if (!f) throw itemNotFound();
  return f;
}

