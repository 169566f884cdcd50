import type { FastifyRequest } from "fastify";

/**
 * The origin the client used to reach us. Issuers, discovery documents and upload URLs are
 * built from it, so a sandbox on an ephemeral test port describes itself correctly.
 */
export function baseUrl(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

// Google REST resources also live at their real paths from the root (see google/index.ts).
const GOOGLE_ROOT = ["/gmail/", "/upload/gmail/", "/admin/directory/", "/drive/", "/upload/drive/", "/calendar/", "/v1/people"];

/** The provider a path belongs to, by its prefix. */
export function providerOf(path: string): "google" | "microsoft" | "salesforce" | "aws" | undefined {
  if (GOOGLE_ROOT.some((p) => path.startsWith(p))) return "google";
  const seg = path.split("/")[1];
  return seg === "google" || seg === "microsoft" || seg === "salesforce" || seg === "aws" ? seg : undefined;
}
