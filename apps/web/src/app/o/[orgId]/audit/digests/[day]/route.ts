// GET /o/{org}/audit/digests/{day} — one day's signed audit digest as a download, exactly the
// `{payload, signature}` written to the vault as audit/digests/<day>.json (viewer and up).
import { contentDisposition } from "@holdfast/api/console";
import { getAuditDigest } from "@holdfast/services";
import { tenantRoute } from "~/server/tenant-route";

export const dynamic = "force-dynamic";

export async function GET(req: Request, { params }: { params: Promise<{ orgId: string; day: string }> }): Promise<Response> {
  const { orgId, day } = await params;
  return tenantRoute(req, orgId, async ({ tenant }) => {
    const digest = await getAuditDigest(tenant, { day });
    return new Response(`${JSON.stringify(digest, null, 2)}\n`, {
      status: 200,
      headers: { "content-type": "application/json; charset=utf-8", "content-disposition": contentDisposition(`audit-digest-${day}.json`), "cache-control": "private, no-store" },
    });
  });
}
