import { createRestHandler, type RestHandler } from "@holdfast/api/rest";
import { authConfig } from "@holdfast/config";
import { db } from "~/server/db";
import { jobs } from "~/server/jobs";

// Consent redirect URIs are built on the console's configured public URL (NEXTAUTH_URL), never on
// the Host a request came in with (behind a proxy that would name an internal host).
// /api/v1/** is the framework-free REST handler in @holdfast/api (routing, auth, errors); this file only delegates.
let rest: RestHandler | undefined;
const handler = (req: Request) => (rest ??= createRestHandler({ db: db(), jobs: jobs(), publicUrl: authConfig().url }))(req);

export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
export const dynamic = "force-dynamic";
