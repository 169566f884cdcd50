// Verifies AWS Signature Version 4 on an incoming request (the "Authorization" header form), as
// documented in "Create a signed AWS API request" (IAM User Guide): canonical request → string
// to sign → HMAC chain over date / region / service / aws4_request. Only the caller's long-term
// key is checked here; the request time must be within 15 minutes (RequestExpired otherwise).
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export interface SignedRequest {
  method: string;
  /** The path exactly as sent (already URI-encoded). */
  path: string;
  /** The raw query string without "?". */
  query: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export type SigV4Result = { ok: true; accessKeyId: string; region: string; service: string } | { ok: false; code: "IncompleteSignature" | "InvalidClientTokenId" | "SignatureDoesNotMatch" | "RequestExpired"; message: string };

const AUTH = /^AWS4-HMAC-SHA256\s+Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]{64})$/;

const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const hmac = (key: Buffer | string, s: string) => createHmac("sha256", key).update(s).digest();

function header(h: SignedRequest["headers"], name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v.join(",") : v;
}

export function canonicalQuery(raw: string): string {
  return raw
    .split("&")
    .filter(Boolean)
    .map((kv) => {
      const i = kv.indexOf("=");
      const k = decodeURIComponent((i === -1 ? kv : kv.slice(0, i)).replace(/\+/g, " "));
      const v = i === -1 ? "" : decodeURIComponent(kv.slice(i + 1).replace(/\+/g, " "));
      return [rfc3986(k), rfc3986(v)] as const;
    })
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

function computeSignature(secret: string, date: string, region: string, service: string, amzDate: string, canonical: string): Buffer {
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), "aws4_request");
  return createHmac("sha256", key).update(toSign).digest();
}

/** Signs an outgoing request (headers host, x-amz-date, x-amz-content-sha256); returns the headers to send. */
export function signV4(req: { method: string; url: URL; region: string; service: string; accessKeyId: string; secretAccessKey: string; payloadHash: string; now?: number }): Record<string, string> {
  const amzDate = new Date(req.now ?? Date.now()).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const date = amzDate.slice(0, 8);
  const headers: Record<string, string> = { host: req.url.host, "x-amz-content-sha256": req.payloadHash, "x-amz-date": amzDate };
  const names = Object.keys(headers).sort();
  const canonical = [req.method, req.url.pathname, canonicalQuery(req.url.search.slice(1)), names.map((n) => `${n}:${headers[n] ?? ""}\n`).join(""), names.join(";"), req.payloadHash].join("\n");
  const sig = computeSignature(req.secretAccessKey, date, req.region, req.service, amzDate, canonical).toString("hex");
  return { ...headers, authorization: `AWS4-HMAC-SHA256 Credential=${req.accessKeyId}/${date}/${req.region}/${req.service}/aws4_request, SignedHeaders=${names.join(";")}, Signature=${sig}` };
}

export function verifySigV4(req: SignedRequest, secretOf: (accessKeyId: string) => string | undefined, now = Date.now()): SigV4Result {
  const m = AUTH.exec(header(req.headers, "authorization")?.trim() ?? "");
  if (!m) return { ok: false, code: "IncompleteSignature", message: "Request must contain a signature that conforms to AWS standards" };
  const [, accessKeyId = "", date = "", region = "", service = "", signedHeaders = "", signature = ""] = m;
  const secret = secretOf(accessKeyId);
  if (secret === undefined) return { ok: false, code: "InvalidClientTokenId", message: "The security token included in the request is invalid." };
  const amzDate = header(req.headers, "x-amz-date") ?? "";
  const t = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"));
  if (Number.isNaN(t) || !amzDate.startsWith(date)) return { ok: false, code: "IncompleteSignature", message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header." };
  if (Math.abs(now - t) > 15 * 60_000) return { ok: false, code: "RequestExpired", message: `Request has expired. Timestamp date is ${amzDate}` };

  const query = canonicalQuery(req.query);
  const names = signedHeaders.split(";");
  const canonicalHeaders = names.map((n) => `${n}:${(header(req.headers, n) ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
  const payloadHash = header(req.headers, "x-amz-content-sha256") ?? sha256(req.body);
  const canonical = [req.method, req.path || "/", query, canonicalHeaders, signedHeaders, payloadHash].join("\n");
  const expected = computeSignature(secret, date, region, service, amzDate, canonical);
  const given = Buffer.from(signature, "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, code: "SignatureDoesNotMatch", message: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details." };
  }
  return { ok: true, accessKeyId, region, service };
}
