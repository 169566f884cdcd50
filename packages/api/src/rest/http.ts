// Request parsing and response building for the REST handler: request ids, JSON bodies,
// validation issues that name the offending field, and the one error → HTTP mapping.
import { randomUUID } from "node:crypto";
import type { Logger } from "@holdfast/logger";
import { isDomainError } from "@holdfast/services";
import { z } from "zod";
import { HTTP_STATUS, wireCode } from "../errors";
import type { ApiError } from "./schemas";

export const MAX_BODY_BYTES = 64 * 1024;
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;
const CHALLENGE = 'Bearer realm="holdfast-api"';

/** Honour the caller's (or the proxy's) request id when it is safe to log and echo; otherwise mint one. */
export function requestIdFor(req: Request): string {
  const incoming = req.headers.get("x-request-id")?.trim();
  return incoming && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

export function bearerToken(req: Request): string | null {
  const header = req.headers.get("authorization");
  return header ? (BEARER.exec(header)?.[1] ?? "") : null;
}

/** The first X-Forwarded-For hop, if it looks like an address. Only meaningful behind a proxy that overwrites the header. */
export function forwardedIp(req: Request): string | undefined {
  const first = (req.headers.get("x-forwarded-for") ?? req.headers.get("x-real-ip"))?.split(",")[0]?.trim();
  return first && /^[0-9A-Fa-f:.]{2,45}$/.test(first) ? first : undefined;
}

export function jsonResponse(status: number, body: unknown, requestId: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "x-request-id": requestId,
      ...headers,
    },
  });
}

export type IssueLocation = "path" | "query" | "body" | "header";
export interface ValidationIssue {
  in?: IssueLocation;
  field: string;
  message: string;
}

/** A request that failed its schema: reported as 400 `validation`, naming each field. */
export class RequestValidationError extends Error {
  override name = "RequestValidationError";
  constructor(readonly issues: ValidationIssue[]) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join("; "));
  }
}

/** Transport-level refusals that are not domain errors. */
export class MethodNotAllowedError extends Error {
  override name = "MethodNotAllowedError";
  constructor(readonly method: string, readonly allow: string[]) {
    super(`Method ${method} is not allowed here; use ${allow.join(", ")}`);
  }
}

/** No Authorization header at all (as opposed to a bad key): 401 with a bare Bearer challenge. */
export class MissingCredentialsError extends Error {
  override name = "MissingCredentialsError";
  constructor() {
    super("Authentication required: send an API key as `Authorization: Bearer hf_…`");
  }
}

/** A verb returned something its declared schema rejects: our bug, never the caller's. */
export class ResponseContractError extends Error {
  override name = "ResponseContractError";
  constructor(operationId: string, readonly issues: z.core.$ZodIssue[]) {
    super(`${operationId} produced a response that does not match its schema`);
  }
}

function issuesOf(err: z.ZodError, location?: IssueLocation): ValidationIssue[] {
  return err.issues.map((i) => ({
    ...(location ? { in: location } : {}),
    field: i.path.length > 0 ? i.path.map(String).join(".") : (location ?? "input"),
    message: i.message,
  }));
}

// Say "is required" rather than zod's "expected string, received undefined" for a missing field.
const requiredMessage: z.core.$ZodErrorMap = (issue) => (issue.code === "invalid_type" && issue.input === undefined ? "is required" : undefined);

export function validate<S extends z.ZodType>(schema: S, value: unknown, location: IssueLocation): z.output<S> {
  const result = schema.safeParse(value, { error: requiredMessage });
  if (!result.success) throw new RequestValidationError(issuesOf(result.error, location));
  return result.data;
}

/** Query parameters as a plain object: the first value of each, empty values treated as absent. */
export function queryObject(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of url.searchParams) if (value !== "" && !(key in out)) out[key] = value;
  return out;
}

/** The body as text, refusing to buffer more than `limit` bytes whatever Content-Length claims. */
async function readCapped(req: Request, limit: number): Promise<string | null> {
  if (Number(req.headers.get("content-length") ?? "0") > limit) return null;
  if (!req.body) return "";
  const reader = (req.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The raw body text (JSON content type, at most MAX_BODY_BYTES), for hashing before it is parsed. */
export async function readBodyText(req: Request, opts: { json?: boolean } = {}): Promise<string> {
  const type = req.headers.get("content-type");
  if (opts.json !== false && type && !/^application\/([a-z0-9.+-]*\+)?json\b/i.test(type.trim())) {
    throw new RequestValidationError([{ in: "body", field: "body", message: "Content-Type must be application/json" }]);
  }
  const text = await readCapped(req, MAX_BODY_BYTES);
  if (text === null) throw new RequestValidationError([{ in: "body", field: "body", message: `must be at most ${MAX_BODY_BYTES} bytes` }]);
  return text;
}

export async function readJsonBody(req: Request): Promise<unknown> {
  return parseJsonBody(await readBodyText(req));
}

export function parseJsonBody(text: string): unknown {
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new RequestValidationError([{ in: "body", field: "body", message: "must be valid JSON" }]);
  }
}

function errorResponse(status: number, requestId: string, error: ApiError["error"], headers: Record<string, string> = {}): Response {
  return jsonResponse(status, { error } satisfies ApiError, requestId, headers);
}

/**
 * The one mapping from thrown errors to HTTP (CONVENTIONS §9). Domain errors keep their message;
 * anything unexpected is logged in full and answered with a generic 500.
 */
export function toErrorResponse(err: unknown, requestId: string, log: Logger): Response {
  if (err instanceof RequestValidationError || err instanceof z.ZodError) {
    const issues = err instanceof z.ZodError ? issuesOf(err) : err.issues;
    log.info({ issues }, "request rejected: validation");
    return errorResponse(400, requestId, {
      code: wireCode("VALIDATION"),
      message: `Invalid request: ${issues.map((i) => `${i.field}: ${i.message}`).join("; ")}`,
      details: { issues },
    });
  }
  if (err instanceof MethodNotAllowedError) {
    return errorResponse(405, requestId, { code: "method_not_allowed", message: err.message }, { allow: err.allow.join(", ") });
  }
  if (err instanceof MissingCredentialsError) {
    log.info({ code: "UNAUTHORIZED", status: 401, reason: "no credentials" }, "request denied");
    return errorResponse(401, requestId, { code: wireCode("UNAUTHORIZED"), message: err.message }, { "www-authenticate": CHALLENGE });
  }
  if (isDomainError(err)) {
    const status = HTTP_STATUS[err.code];
    const headers: Record<string, string> = {};
    if (err.code === "UNAUTHORIZED") headers["www-authenticate"] = `${CHALLENGE}, error="invalid_token"`;
    if (err.code === "RATE_LIMITED") {
      const seconds = Number(err.details?.retryAfterSeconds);
      headers["retry-after"] = String(Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : 60);
    }
    if (err.code === "UNAVAILABLE") headers["retry-after"] = "30";
    // Denials are logged with their reason (CONVENTIONS §5); the client sees the same message.
    log.info({ code: err.code, status, reason: err.message }, "request denied");
    return errorResponse(status, requestId, { code: wireCode(err.code), message: err.message, ...(err.details ? { details: err.details } : {}) }, headers);
  }
  log.error({ err }, "unhandled error in REST handler");
  return errorResponse(500, requestId, { code: wireCode("INTERNAL"), message: `Internal server error. Quote request id ${requestId} if you report it.` });
}
