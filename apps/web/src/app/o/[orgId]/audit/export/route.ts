// GET /o/{org}/audit/export — the audit log as JSON Lines (admin), the file
// `holdfast-restore verify-audit --events` checks against the signed digests in the vault.
import { contentDisposition } from "@holdfast/api/console";
import { exportAuditEvents } from "@holdfast/services";
import { tenantRoute } from "~/server/tenant-route";

export const dynamic = "force-dynamic";

export async function GET(req: Request, { params }: { params: Promise<{ orgId: string }> }): Promise<Response> {
  const { orgId } = await params;
  return tenantRoute(req, orgId, async ({ tenant }) => {
    const lines = exportAuditEvents(tenant);
    // The first line is read before answering, so a refused role is an error response, not a broken download.
    const first = await lines.next();
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        if (first.done) controller.close();
        else controller.enqueue(encoder.encode(first.value));
      },
      async pull(controller) {
        const next = await lines.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      async cancel() {
        await lines.return(undefined);
      },
    });
    return new Response(body, {
      status: 200,
      headers: { "content-type": "application/x-ndjson; charset=utf-8", "content-disposition": contentDisposition("audit-events.jsonl"), "cache-control": "private, no-store" },
    });
  });
}
