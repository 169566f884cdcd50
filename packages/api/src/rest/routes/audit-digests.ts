// /api/v1 routes: the audit chain's signed daily digests and the events export that
// `holdfast-restore verify-audit` checks against them offline (docs/audit-chain.md). Reading the
// digests needs the viewer role; the export carries every event, so it needs admin.
import { AuditDigestList, exportAuditEvents, GetAuditDigestInput, getAuditDigest, listAuditDigests, ListAuditDigestsInput, SignedAuditDigest, type TenantContext } from "@holdfast/services";
import { z } from "zod";
import { defineRoute, defineStreamRoute, type Route } from "../route";
import { contentDisposition } from "./exports";

/**
 * The export as a JSON Lines stream. The first line is read before answering, so a refused role
 * (or any other error) is a proper error response rather than a broken stream.
 */
export async function auditExportResponse(ctx: TenantContext): Promise<Response> {
  const lines = exportAuditEvents(ctx);
  const first = await lines.next();
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (!first.done) controller.enqueue(encoder.encode(first.value));
      else controller.close();
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
  return new Response(first.done ? "" : body, {
    status: 200,
    headers: { "content-type": "application/x-ndjson; charset=utf-8", "content-disposition": contentDisposition(`audit-events-${ctx.tenantId}.jsonl`) },
  });
}

export const auditDigestRoutes: Route[] = [
  defineRoute({
    method: "GET",
    path: "/audit/digests",
    operationId: "listAuditDigests",
    summary: "List signed daily audit digests",
    description:
      "One digest per finished UTC day, newest first: the day's seq range, event count and the hash of the last event before the day's end, signed with the organisation's Ed25519 key and written to its vault under a 7-year compliance lock. Requires the viewer role.",
    tag: "Audit",
    query: ListAuditDigestsInput,
    response: { status: 200, description: "The digests and the public key", schema: AuditDigestList },
    errors: [400, 403],
    handle: (ctx, { query }) => listAuditDigests(ctx, query),
  }),
  defineRoute({
    method: "GET",
    path: "/audit/digests/{day}",
    operationId: "getAuditDigest",
    summary: "Get one day's signed audit digest",
    description:
      "The digest as written to the vault (`audit/digests/<day>.json`): `payload` is the exact signed JSON text and `signature` the Ed25519 signature of its UTF-8 bytes, base64. Requires the viewer role.",
    tag: "Audit",
    params: GetAuditDigestInput,
    response: { status: 200, description: "The signed digest", schema: SignedAuditDigest },
    errors: [400, 403, 404],
    handle: (ctx, { params }) => getAuditDigest(ctx, params),
  }),
  defineStreamRoute({
    method: "GET",
    path: "/audit/export",
    operationId: "exportAuditEvents",
    summary: "Export the audit log as JSON Lines",
    description:
      "Every audit event, seq 1 upwards, one JSON object per line with every field its hash covers (docs/audit-chain.md). Check it offline against the signed digests with `holdfast-restore verify-audit --events <file>`. Requires the admin role.",
    tag: "Audit",
    contentType: "application/x-ndjson",
    response: { status: 200, description: "The events, one JSON object per line", schema: z.string() },
    errors: [403],
    handle: (ctx) => auditExportResponse(ctx),
  }),
];
