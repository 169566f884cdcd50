// GET /o/{org}/items/{item}/preview?version=[&tz=Zone][&as=pdf][&prepare=1] — a SAFE rendering of
// one item version for the item page's sandboxed iframe (mail, text), <img> (PNG/JPEG/GIF/WebP) or
// pdf.js (PDF bytes). Rules: docs/console-preview.md. `prepare=1` only makes sure the bytes are out
// of the vault (204 when ready, 202 while the worker reads them), so the page can show progress
// before it loads the preview itself.
import { itemContentResponse } from "@holdfast/api/console";
import {
  formatBytes,
  looksLikePdf,
  messageDocument,
  PREVIEW_BYTES_CSP,
  PREVIEW_HTML_HEADERS,
  PREVIEW_MAX_BYTES,
  previewTypeOf,
  renderMailPreview,
  renderTextPreview,
  sniffImageType,
  type ItemVersion,
} from "@holdfast/services";
import { tenantRoute } from "~/server/tenant-route";
import { findItemVersion, readAtMost, versionParam } from "./item-bytes";

export const dynamic = "force-dynamic";

/** How long a `prepare=1` request waits for the worker before answering 202 (the page asks again). */
const PREPARE_WAIT_MS = 20_000;

function htmlMessage(status: number, title: string, message: string): Response {
  return new Response(messageDocument(title, message), { status, headers: PREVIEW_HTML_HEADERS });
}

function html(doc: string): Response {
  return new Response(doc, { status: 200, headers: PREVIEW_HTML_HEADERS });
}

function bytesResponse(bytes: Uint8Array<ArrayBuffer>, contentType: string): Response {
  return new Response(bytes, {
    status: 200,
    headers: {
      "content-type": contentType,
      "content-length": String(bytes.byteLength),
      "content-security-policy": PREVIEW_BYTES_CSP,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "cache-control": "private, no-store",
      "cross-origin-resource-policy": "same-origin",
      "content-disposition": "inline",
    },
  });
}

const tooLarge = (v: ItemVersion, size: number) =>
  htmlMessage(413, "Too large to preview", `${v.name} is ${formatBytes(size)}; previews are limited to ${formatBytes(PREVIEW_MAX_BYTES)}. Download it to open it.`);

function zoneParam(req: Request): string | undefined {
  const tz = new URL(req.url).searchParams.get("tz");
  return tz && /^[A-Za-z0-9_+\-/]{1,64}$/.test(tz) ? tz : undefined;
}

export async function GET(req: Request, { params }: { params: Promise<{ orgId: string; itemId: string }> }): Promise<Response> {
  const { orgId, itemId } = await params;
  return tenantRoute(req, orgId, async ({ tenant, jobs }) => {
    const query = new URL(req.url).searchParams;
    const version = await findItemVersion(tenant, itemId, versionParam(req));
    const type = previewTypeOf(version);
    if (type === "none") return htmlMessage(415, "No preview", `There is no preview for this type of item (${version.name}). Download it to open it.`);
    if (query.get("as") === "pdf" && type !== "pdf") return htmlMessage(415, "Not a PDF", `${version.name} is not a PDF.`);
    if (version.size !== null && version.size > PREVIEW_MAX_BYTES) return tooLarge(version, version.size);

    const prepare = query.get("prepare") === "1";
    const res = await itemContentResponse(tenant, jobs, { itemId, versionId: version.id }, prepare ? PREPARE_WAIT_MS : undefined);
    if (res.status === 202) {
      if (prepare) return res;
      return htmlMessage(202, "Preparing the preview", "The item is still being read out of the vault. Try again in a moment.");
    }
    if (res.status !== 200) return res;
    if (prepare) {
      await res.body?.cancel();
      return new Response(null, { status: 204, headers: { "cache-control": "private, no-store" } });
    }

    const bytes = await readAtMost(res, PREVIEW_MAX_BYTES);
    if (!bytes) return tooLarge(version, Number(res.headers.get("content-length")) || PREVIEW_MAX_BYTES + 1);
    switch (type) {
      case "mail": {
        try {
          const tz = zoneParam(req);
          return html((await renderMailPreview(bytes, tz ? { timeZone: tz } : {})).html);
        } catch {
          return htmlMessage(422, "No preview", "This message could not be read for a preview. Download it to open it in a mail program.");
        }
      }
      case "text":
        return html(renderTextPreview(bytes, { name: version.name }).html);
      case "image": {
        // What the bytes are decides, not the name: an SVG or HTML file named .png is not served.
        const contentType = sniffImageType(bytes);
        if (!contentType) return htmlMessage(415, "No preview", `${version.name} is not a PNG, JPEG, GIF or WebP image. Download it to open it.`);
        return bytesResponse(bytes, contentType);
      }
      case "pdf":
        if (!looksLikePdf(bytes)) return htmlMessage(415, "No preview", `${version.name} is not a PDF document. Download it to open it.`);
        return bytesResponse(bytes, "application/pdf");
    }
  });
}
