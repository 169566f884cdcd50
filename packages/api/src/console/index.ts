// Route handlers of the console (session-authenticated, not /api/v1): downloads and previews that
// a browser fetches directly. The tenant is resolved the way tRPC's tenantProcedure does it (a
// non-member gets 404, like an organisation that does not exist), errors map through the REST
// table, and every response carries the request id.
import { resolveUserAccess, type TenantContext } from "@holdfast/services";
import type { Database } from "@holdfast/db";
import { childLogger } from "@holdfast/logger";
import type { JobsPort } from "../jobs/port";
import { forwardedIp, jsonResponse, requestIdFor, toErrorResponse } from "../rest/http";

export { download as exportDownloadResponse, itemContent as itemContentResponse, contentDisposition } from "../rest/routes/exports";

export interface ConsoleRouteDeps {
  db: Database;
  /** The session's user; null when nobody is signed in. */
  userId: string | null;
  jobs?: JobsPort;
}

export interface ConsoleRouteEnv {
  tenant: TenantContext;
  jobs?: JobsPort;
  requestId: string;
}

/** Runs `handle` as the signed-in member of `orgId`; answers 401 / 404 / the mapped error otherwise. */
export async function consoleRoute(req: Request, orgId: string, deps: ConsoleRouteDeps, handle: (env: ConsoleRouteEnv) => Promise<Response>): Promise<Response> {
  const requestId = requestIdFor(req);
  const log = childLogger({ requestId, component: "console-route" });
  const withId = (res: Response) => {
    if (!res.headers.get("x-request-id")) res.headers.set("x-request-id", requestId);
    return res;
  };
  if (!deps.userId) {
    log.info({ path: new URL(req.url).pathname, reason: "no session" }, "request denied");
    return jsonResponse(401, { error: { code: "unauthorized", message: "Sign in to continue" } }, requestId);
  }
  try {
    const access = await resolveUserAccess(deps.db, deps.userId, orgId);
    const ip = forwardedIp(req);
    const tenant: TenantContext = {
      db: deps.db,
      tenantId: orgId,
      actor: { type: "user", id: deps.userId },
      role: access.role,
      ...(access.selfService ? { selfService: access.selfService } : {}),
      requestId,
      ...(ip ? { ip } : {}),
    };
    return withId(await handle({ tenant, requestId, ...(deps.jobs ? { jobs: deps.jobs } : {}) }));
  } catch (err) {
    return withId(toErrorResponse(err, requestId, log.child({ userId: deps.userId, orgId })));
  }
}
