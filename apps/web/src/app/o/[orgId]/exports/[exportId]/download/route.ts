// A finished export's archive for the signed-in member (the REST route takes an API key instead).
import { exportDownloadResponse } from "@holdfast/api/console";
import { tenantRoute } from "~/server/tenant-route";

export const dynamic = "force-dynamic";

export async function GET(req: Request, { params }: { params: Promise<{ orgId: string; exportId: string }> }): Promise<Response> {
  const { orgId, exportId } = await params;
  return tenantRoute(req, orgId, ({ tenant }) => exportDownloadResponse(tenant, exportId));
}
