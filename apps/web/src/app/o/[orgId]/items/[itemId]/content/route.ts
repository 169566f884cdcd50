// GET /o/{org}/items/{item}/content?version= — one item version's bytes as a download. The bytes
// come out of the vault through the worker (an `original` export); this waits for it, or answers
// 202 with the job when it takes longer.
import { contentDisposition, itemContentResponse } from "@holdfast/api/console";
import { downloadFileName } from "@holdfast/services";
import { tenantRoute } from "~/server/tenant-route";
import { findItemVersion, versionParam } from "../preview/item-bytes";

export const dynamic = "force-dynamic";

export async function GET(req: Request, { params }: { params: Promise<{ orgId: string; itemId: string }> }): Promise<Response> {
  const { orgId, itemId } = await params;
  return tenantRoute(req, orgId, async ({ tenant, jobs }) => {
    const version = await findItemVersion(tenant, itemId, versionParam(req));
    const res = await itemContentResponse(tenant, jobs, { itemId, versionId: version.id });
    if (res.status !== 200) return res;
    const headers = new Headers(res.headers);
    headers.set("content-disposition", contentDisposition(downloadFileName(version)));
    headers.set("x-content-type-options", "nosniff");
    headers.set("cache-control", "private, no-store");
    // Should a browser render it anyway (an HTML file opened in place), it runs nothing.
    headers.set("content-security-policy", "default-src 'none'; sandbox");
    return new Response(res.body, { status: 200, headers });
  });
}
