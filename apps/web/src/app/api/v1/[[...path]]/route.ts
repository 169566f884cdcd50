import { createRestHandler, type RestHandler } from "@holdfast/api/rest";
import { db } from "~/server/db";
import { jobs } from "~/server/jobs";

// /api/v1/** is the framework-free REST handler in @holdfast/api (routing, auth, errors); this file only delegates.
let rest: RestHandler | undefined;
const handler = (req: Request) => (rest ??= createRestHandler({ db: db(), jobs: jobs() }))(req);

export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
export const dynamic = "force-dynamic";
