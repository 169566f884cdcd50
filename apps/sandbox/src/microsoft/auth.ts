// Bearer checks for Graph (https://learn.microsoft.com/graph/auth/auth-concepts): a live token of
// ours (401 InvalidAuthenticationToken otherwise); one of the operation's delegated scopes or
// application roles (403: ErrorAccessDenied for mail, Authorization_RequestDenied for the
// directory); delegated tokens reach only their own mailbox, app-only tokens any mailbox of the
// tenant, and `/me` only exists for delegated tokens (400).
import type { FastifyReply, FastifyRequest } from "fastify";
import type { SandboxContext } from "../context";
import { bearer } from "../oauth/server";
import type { AccessToken } from "../oauth/store";
import { accessDenied, badRequest, GraphError } from "./errors";
import { permissionsOf, type PermissionSet } from "./scopes";
import { isMicrosoftTenant, type MicrosoftTenant, type MicrosoftUser } from "./tenant";

export interface GraphCaller {
  token: AccessToken;
  tenant: MicrosoftTenant;
  /** The signed-in user of a delegated token; undefined for app-only tokens. */
  user: MicrosoftUser | undefined;
  permissions: Set<string>;
}

export function graphCaller(ctx: SandboxContext, req: FastifyRequest, reply?: FastifyReply): GraphCaller {
  const token = bearer(req, ctx.tokens, "microsoft");
  const tenant = token ? ctx.tenants.get(token.tenantId) : undefined;
  if (!token || !tenant || !isMicrosoftTenant(tenant)) {
    void reply?.header("www-authenticate", 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"');
    throw new GraphError(401, "InvalidAuthenticationToken", req.headers.authorization ? "Access token validation failure. Invalid audience." : "Access token is empty.");
  }
  return { token, tenant, user: token.appOnly ? undefined : tenant.user(token.subject), permissions: permissionsOf(token.scopes) };
}

export function requirePermission(caller: GraphCaller, set: PermissionSet, directory = false): void {
  const allowed: readonly string[] = caller.user ? set.delegated : set.application;
  if (allowed.some((p) => caller.permissions.has(p))) return;
  throw directory ? new GraphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.") : accessDenied();
}

/** The mailbox owner a `/users/{id}` (or `/me`) path addresses, for this caller. */
export function mailboxUser(caller: GraphCaller, userId: string | undefined): MicrosoftUser {
  if (userId === undefined) {
    if (!caller.user) throw badRequest("/me request is only valid with delegated authentication flow.");
    return caller.user;
  }
  const user = caller.tenant.user(userId);
  if (!user) throw new GraphError(404, "ErrorInvalidUser", `The requested user '${userId}' is invalid.`);
  if (caller.user && caller.user.id !== user.id) throw accessDenied();
  return user;
}
