import { consoleRoute, type ConsoleRouteEnv } from "@holdfast/api/console";
import { currentUserId } from "./auth";
import { db } from "./db";
import { jobs } from "./jobs";

/**
 * A route handler's body, run as the signed-in member of the organisation in the URL: 401 without
 * a session, 404 for an organisation the user does not belong to (same as one that does not exist).
 */
export async function tenantRoute(req: Request, orgId: string, handle: (env: ConsoleRouteEnv) => Promise<Response>): Promise<Response> {
  return consoleRoute(req, orgId, { db: db(), userId: await currentUserId(), jobs: jobs() }, handle);
}
