// Everything Microsoft, under /microsoft: the identity platform (/microsoft/{tenant}/…), Graph
// v1.0 (/microsoft/graph/v1.0/…) and the Outlook upload-session host, with Graph's error
// envelope for every Graph failure, Graph's per-app-per-mailbox throttling and SharePoint's
// per-app resource units.
//
// Point the clients at it: the Graph client's `baseUrl` = "<sandbox https>/microsoft/graph" with
// `customHosts` = the sandbox host (the client only sends tokens to https Graph or custom
// hosts, and only parses https nextLinks), token requests to "<sandbox>/microsoft/{tenant}/oauth2/v2.0/token".
import type { FastifyError, FastifyInstance, FastifyRequest } from "fastify";
import type { SandboxContext } from "../context";
import { OAuthError } from "../oauth/server";
import { graphCaller } from "./auth";
import { registerDrives } from "./drive/routes";
import { GraphError } from "./errors";
import { registerMail } from "./mail/routes";
import { registerMicrosoftIdentity } from "./oauth";
import { GRAPH_PATH } from "./odata";
import { registerPim } from "./pim/routes";
import { resourceUnitCost } from "./sites/resource-units";
import { registerSites } from "./sites/routes";
import { registerUsers } from "./users";

const RELEASE = Symbol("sandbox.throttleRelease");
type Throttled = FastifyRequest & { [RELEASE]?: () => void };
const SHAREPOINT_PATH = new RegExp(`^${GRAPH_PATH.replace(/\./g, "\\.")}/(?:drives/|sites(?:/|$)|(?:users/[^/]+|me)/drive(?:/|$))`);
const MAILBOX_PATH = new RegExp(`^${GRAPH_PATH.replace(/\./g, "\\.")}/(?:users/([^/?]+)|me)/(?:mailFolders|messages|events|calendarView|contacts|contactFolders)(?:[/?]|$)`);

export function microsoftPlugin(app: FastifyInstance, ctx: SandboxContext, done: (err?: Error) => void): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const clientRequestId = req.headers["client-request-id"] as string | undefined;
    if (err instanceof GraphError) return reply.code(err.status).send(err.body(clientRequestId));
    if (err instanceof OAuthError) return reply.code(err.status).send({ error: err.error, error_description: err.description });
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) return reply.code(status).send(new GraphError(status, status === 413 ? "ErrorRequestEntityTooLarge" : "BadRequest", err.message).body(clientRequestId));
    req.log.error({ err }, "unhandled error");
    return reply.code(500).send(new GraphError(500, "InternalServerError", "An internal server error occurred.").body(clientRequestId));
  });

  // Outlook service limits, per app and mailbox: admitted here, before fault delays and the
  // handler, released when the response ends (or the client goes away).
  app.addHook("onRequest", async (req, reply) => {
    const m = MAILBOX_PATH.exec(req.url);
    if (!m) return;
    let caller;
    try {
      caller = graphCaller(ctx, req);
    } catch {
      return; // the handler answers 401
    }
    const user = m[1] ? caller.tenant.user(decodeURIComponent(m[1])) : caller.user;
    if (!user) return;
    const admission = caller.tenant.throttle.admit(caller.token.clientId, user.id);
    if (!admission.ok) {
      const message = admission.reason === "concurrency" ? "Application is over its MailboxConcurrency limit." : "Application is over its incoming request limit for this mailbox.";
      return reply.code(429).header("retry-after", String(admission.retryAfter)).send(new GraphError(429, "ApplicationThrottled", message).body(req.headers["client-request-id"] as string | undefined));
    }
    (req as Throttled)[RELEASE] = admission.release;
  });
  // SharePoint resource units, per app and tenant: drives (OneDrive and document libraries) and sites.
  app.addHook("onRequest", async (req, reply) => {
    const [path = "", search = ""] = req.url.split("?");
    if (!SHAREPOINT_PATH.test(path)) return;
    let caller;
    try {
      caller = graphCaller(ctx, req);
    } catch {
      return;
    }
    const spent = caller.tenant.resourceUnits.spend(caller.token.clientId, resourceUnitCost(req.method, path, new URLSearchParams(search)));
    if (!spent.ok) return reply.code(429).header("retry-after", String(spent.retryAfter)).send(new GraphError(429, "activityLimitReached", "The request has been throttled").body(req.headers["client-request-id"] as string | undefined));
  });
  const release = (req: FastifyRequest, done: () => void) => {
    (req as Throttled)[RELEASE]?.();
    done();
  };
  app.addHook("onResponse", (req, _reply, next) => release(req, next));
  app.addHook("onRequestAbort", (req, next) => release(req, next));

  registerMicrosoftIdentity(app, ctx);
  registerUsers(app, ctx);
  registerMail(app, ctx);
  registerDrives(app, ctx);
  registerPim(app, ctx);
  registerSites(app, ctx);
  done();
}
