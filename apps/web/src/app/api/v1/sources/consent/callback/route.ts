import { createRestHandler, type RestHandler } from "@holdfast/api/rest";
import { authConfig } from "@holdfast/config";
import { consentLandingUrl, consoleConsentTarget } from "~/server/consent-landing";
import { db } from "~/server/db";
import { jobs } from "~/server/jobs";

// The consent callback is the REST API's (single-use state, verification, first backup); this file
// only turns its answer into a redirect when the console started the consent, so a person lands
// back on the source's page instead of reading JSON. Scripts' consents get the JSON as before.
let rest: RestHandler | undefined;

export async function GET(req: Request): Promise<Response> {
  const publicUrl = authConfig().url;
  const answer = await (rest ??= createRestHandler({ db: db(), jobs: jobs(), publicUrl }))(req);
  const query = new URL(req.url).searchParams;
  const target = consoleConsentTarget(query.get("state"));
  if (!target) return answer;
  return new Response(null, {
    status: 303,
    headers: { location: consentLandingUrl(publicUrl, target, answer.status, query.get("error")), "cache-control": "no-store", "x-request-id": answer.headers.get("x-request-id") ?? "" },
  });
}

export const dynamic = "force-dynamic";
