// Bearer-token checks for the Google APIs: a live token of ours is required (401 otherwise),
// it must carry one of the method's scopes (403 insufficientPermissions), and it acts only as
// the user it was issued for ("me" or that user's address; anyone else is 403 "Delegation
// denied"). Service-account tokens without domain-wide delegation own no mailbox (400
// failedPrecondition, as Gmail answers them).
import type { FastifyReply, FastifyRequest } from "fastify";
import type { SandboxContext } from "../context";
import { bearer } from "../oauth/server";
import type { AccessToken } from "../oauth/store";
import { GoogleApiError } from "./errors";
import { isGoogleTenant, type GoogleTenant, type GoogleUser } from "./tenant";

export interface GoogleCaller {
  token: AccessToken;
  tenant: GoogleTenant;
  /** Undefined for a service account acting as itself. */
  user: GoogleUser | undefined;
}

export function authenticate(ctx: SandboxContext, req: FastifyRequest, reply: FastifyReply, allowed: readonly string[]): GoogleCaller {
  const token = bearer(req, ctx.tokens, "google");
  const tenant = token ? ctx.tenants.get(token.tenantId) : undefined;
  if (!token || !tenant || !isGoogleTenant(tenant)) {
    void reply.header("www-authenticate", 'Bearer realm="https://accounts.google.com/", error="invalid_token"');
    throw new GoogleApiError(
      401,
      "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
      "authError",
      "UNAUTHENTICATED",
      { location: "Authorization", locationType: "header" },
    );
  }
  if (!allowed.some((s) => token.scopes.includes(s))) {
    void reply.header("www-authenticate", `Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="${allowed.join(" ")}"`);
    throw new GoogleApiError(403, "Request had insufficient authentication scopes.", "insufficientPermissions", "PERMISSION_DENIED");
  }
  return { token, tenant, user: token.serviceAccount ? undefined : tenant.user(token.subject) };
}

/** Resolves a Gmail `userId` path parameter for this caller. */
export function mailboxOwner(caller: GoogleCaller, userId: string): GoogleUser {
  if (!caller.user) throw new GoogleApiError(400, "Precondition check failed.", "failedPrecondition", "FAILED_PRECONDITION");
  if (userId === "me" || userId.toLowerCase() === caller.user.email) return caller.user;
  throw new GoogleApiError(403, `Delegation denied for ${userId}`, "forbidden");
}
