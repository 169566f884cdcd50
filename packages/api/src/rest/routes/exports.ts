// /api/v1 routes: Exports and item content downloads. Every byte of an archive or an item comes
// from the exports store, written there by the worker (the only process that opens the vault).
import { Readable } from "node:stream";
import {
  abandonExport,
  Export,
  ExportExpiredError,
  ExportItemOutcome,
  ExportList,
  getExport,
  listExportItems,
  listExports,
  ListExportsInput,
  openExportDownload,
  requestExport,
  RequestExportInput,
  requestItemContent,
  type ExportDownload,
  type TenantContext,
} from "@holdfast/services";
import { unavailable } from "@holdfast/services/errors";
import { z } from "zod";
import type { JobsPort } from "../../jobs/port";
import { jsonResponse } from "../http";
import { defineRoute, defineStreamRoute, type Route } from "../route";
import { IdParams } from "../schemas";

export const JobAccepted = z.object({ jobId: z.string().uuid().describe("The export job's id; poll GET /exports/{id} (or GET /jobs/{id})") });

/** How long GET /items/{id}/content waits for the worker before answering 202 with the job. */
export const ITEM_CONTENT_WAIT_MS = 60_000;

/**
 * Starts the recorded export's workflow. Without a job runner, or when it refuses, the export is
 * marked failed (so it does not sit queued) and the caller gets 503.
 */
export async function startExport(ctx: TenantContext, jobs: JobsPort | undefined, exportId: string): Promise<void> {
  if (!jobs) {
    await abandonExport(ctx, exportId, "no job runner is configured");
    throw unavailable("Exports cannot be started right now: no job runner is configured");
  }
  try {
    await jobs.startExport({ tenantId: ctx.tenantId, restoreId: exportId });
  } catch (err) {
    await abandonExport(ctx, exportId, err instanceof Error ? err.message : String(err));
    throw unavailable("The export was recorded but could not be started; it is marked failed. Try again shortly.");
  }
}

/** RFC 6266: an ASCII fallback and the UTF-8 name. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, "_");
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

function attachment(d: ExportDownload): Response {
  return new Response(Readable.toWeb(d.body) as ReadableStream<Uint8Array>, {
    status: 200,
    headers: { "content-type": d.contentType, "content-length": String(d.size), "content-disposition": contentDisposition(d.fileName) },
  });
}

function gone(err: ExportExpiredError): Response {
  // 410 is not a domain error code: only this download meets it. The handler adds the request id.
  return jsonResponse(410, { error: { code: "gone", message: err.message } }, "");
}

/** The finished export's archive as a response (410 once expired); every download is audited. */
export async function download(ctx: TenantContext, exportId: string): Promise<Response> {
  try {
    return attachment(await openExportDownload(ctx, exportId));
  } catch (err) {
    if (err instanceof ExportExpiredError) return gone(err);
    throw err;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One item version's own bytes: runs (or reuses) an `original` export and waits up to `waitMs` for
 * the worker; past that answers 202 with the job, to be downloaded from the export later.
 */
export async function itemContent(ctx: TenantContext, jobs: JobsPort | undefined, input: { itemId: string; versionId?: string }, waitMs = ITEM_CONTENT_WAIT_MS): Promise<Response> {
  const { export: job, started } = await requestItemContent(ctx, input);
  if (started) await startExport(ctx, jobs, job.id);
  const deadline = Date.now() + waitMs;
  let current = job;
  for (let wait = 100; current.status === "queued" || current.status === "running"; wait = Math.min(wait * 2, 1000)) {
    if (Date.now() >= deadline) return jsonResponse(202, { jobId: current.id, status: current.status }, "");
    await sleep(wait);
    current = await getExport(ctx, job.id);
  }
  return download(ctx, current.id);
}

export const ItemContentQuery = z.object({ version: z.uuid({ error: "must be an item version id (a UUID)" }).optional().describe("An item version id; default: the item's latest version") });

export const exportRoutes: readonly Route[] = [
  defineRoute({
    method: "POST",
    path: "/exports",
    operationId: "requestExport",
    summary: "Export items as a download",
    description:
      "Exports the selected items (`items`), folders (`paths`) or, with neither, the whole unit, each as its version current at `asOf`, into one archive: `eml-zip` or `mbox` for mailboxes, `zip` for drives and sites, `ics` for calendars, `vcf` for contacts, `original` for one item's own bytes. Runs in the background; poll GET /exports/{id}, whose `downloadUrl` is set once the archive is ready. Archives are kept 7 days. Requires the operator role.",
    tag: "Exports",
    body: RequestExportInput,
    response: { status: 202, description: "The export job was recorded and started", schema: JobAccepted },
    errors: [400, 403, 404, 503],
    handle: async (ctx, { body }, env) => {
      const job = await requestExport(ctx, body);
      await startExport(ctx, env.jobs, job.id);
      return { jobId: job.id };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/exports",
    operationId: "listExports",
    summary: "List exports",
    description: "The organisation's exports, newest first.",
    tag: "Exports",
    query: ListExportsInput,
    response: { status: 200, description: "The exports", schema: ExportList },
    errors: [400, 403],
    handle: async (ctx, { query }) => ({ items: await listExports(ctx, query) }),
  }),
  defineRoute({
    method: "GET",
    path: "/exports/{id}",
    operationId: "getExport",
    summary: "Get an export",
    description: "The export job: status, counts, and `downloadUrl` once the archive is ready (null before, and after it expired).",
    tag: "Exports",
    params: IdParams,
    response: { status: 200, description: "The export", schema: Export },
    errors: [400, 404],
    handle: (ctx, { params }) => getExport(ctx, params.id),
  }),
  defineRoute({
    method: "GET",
    path: "/exports/{id}/items",
    operationId: "listExportItems",
    summary: "List an export's items",
    description: "Every item the export was asked for, with its outcome: `exported`, or `failed` with the reason. Nothing is left out silently.",
    tag: "Exports",
    params: IdParams,
    query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100), offset: z.coerce.number().int().min(0).default(0) }),
    response: { status: 200, description: "One page of outcomes, in path order", schema: z.object({ items: z.array(ExportItemOutcome) }) },
    errors: [400, 404],
    handle: async (ctx, { params, query }) => ({ items: await listExportItems(ctx, params.id, query) }),
  }),
  defineStreamRoute({
    method: "GET",
    path: "/exports/{id}/download",
    operationId: "downloadExport",
    summary: "Download an export's archive",
    description:
      "Streams the finished archive with its `Content-Type`, `Content-Length` and `Content-Disposition: attachment`. 409 while the export is queued or running (or when it failed); 410 once the archive has expired. Requires the operator role; every download is audited.",
    tag: "Exports",
    params: IdParams,
    contentType: "application/octet-stream",
    response: { status: 200, description: "The archive", schema: z.string() },
    errors: [400, 403, 404, 409, 410],
    handle: (ctx, { params }) => download(ctx, params.id),
  }),
  defineStreamRoute({
    method: "GET",
    path: "/items/{id}/content",
    operationId: "getItemContent",
    summary: "Download an item's content",
    description: `The item's own bytes (the raw message, the file) as backed up in one version (default: the latest), with its content type. The bytes are read out of the vault by the worker as an \`original\` export; this request waits up to ${ITEM_CONTENT_WAIT_MS / 1000} s for it and otherwise answers 202 with the job id (download it later from GET /exports/{id}/download). Requires the operator role.`,
    tag: "Exports",
    params: IdParams,
    query: ItemContentQuery,
    contentType: "application/octet-stream",
    response: { status: 200, description: "The item's content", schema: z.string() },
    errors: [400, 403, 404, 409, 410, 503],
    handle: async (ctx, { params, query }, env) => itemContent(ctx, env.jobs, { itemId: params.id, ...(query.version ? { versionId: query.version } : {}) }),
  }),
];
