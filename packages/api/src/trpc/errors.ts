// The tRPC side of the one error taxonomy (CONVENTIONS §9): DomainError codes map through
// TRPC_CODE, validation failures carry field errors, and anything unexpected reaches the client
// only as a generic message plus the request id to quote to support.
import { TRPCError } from "@trpc/server";
import { ERROR_CODES, type ErrorCode } from "@holdfast/services";
import { TRPC_CODE, wireCode } from "../errors";

export const INTERNAL_MESSAGE = "Something went wrong on our side. Try again, and if it keeps happening contact support with the request id.";

export interface DomainErrorLike {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/** Duck-typed so that a second copy of @holdfast/services in a bundle still maps correctly. */
export function asDomainError(err: unknown): DomainErrorLike | null {
  if (!(err instanceof Error) || !isRecord(err)) return null;
  const code = err.code;
  if (err.name !== "DomainError" || typeof code !== "string" || !(ERROR_CODES as readonly string[]).includes(code)) return null;
  return { code: code as ErrorCode, message: err.message, details: isRecord(err.details) ? err.details : undefined };
}

export interface SchemaIssue {
  path: PropertyKey[];
  message: string;
}

/** zod (and Standard Schema) issues, whichever copy of zod threw them. */
export function schemaIssues(err: unknown): SchemaIssue[] | null {
  if (!isRecord(err) || !Array.isArray(err.issues)) return null;
  if (err.name !== "ZodError" && err.name !== "SchemaError") return null;
  return (err.issues as unknown[]).filter(isRecord).map((i) => ({
    path: Array.isArray(i.path) ? (i.path as unknown[]).map((p) => (isRecord(p) && "key" in p ? (p.key as PropertyKey) : (p as PropertyKey))) : [],
    message: typeof i.message === "string" ? i.message : "is invalid",
  }));
}

/** `{ email: ["must be an email address"] }`: what a form needs to show errors next to fields. */
export function fieldErrors(issues: SchemaIssue[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join(".") || "_";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

/** The TRPCError a failed procedure should surface as, or null when it is already right. */
export function mapProcedureError(error: TRPCError): TRPCError | null {
  const domain = asDomainError(error.cause);
  if (domain) {
    if (error.code === TRPC_CODE[domain.code]) return null;
    return new TRPCError({ code: TRPC_CODE[domain.code], message: domain.message, cause: error.cause });
  }
  // A service re-parsing its input throws ZodError from inside the resolver: still the caller's fault.
  if (error.code === "INTERNAL_SERVER_ERROR" && schemaIssues(error.cause)) {
    return new TRPCError({ code: "BAD_REQUEST", message: "Some fields are not valid", cause: error.cause });
  }
  return null;
}

export interface ErrorShapeLike {
  message: string;
  code: number;
  data: { code: string; httpStatus: number; path?: string; stack?: string };
}

export interface HoldfastErrorData {
  code: string;
  httpStatus: number;
  path?: string;
  /** lower snake case domain code (`not_found`, `rate_limited`, …), `internal`, or null for tRPC's own */
  domainCode: string | null;
  details: Record<string, unknown> | null;
  fieldErrors: Record<string, string[]> | null;
  requestId: string | null;
}

/** The error formatter: never a stack, never an unknown error's message. */
export function formatError<S extends ErrorShapeLike>(shape: S, error: TRPCError, requestId: string | null): Omit<S, "data"> & { data: HoldfastErrorData } {
  const domain = asDomainError(error.cause);
  const issues = schemaIssues(error.cause);
  const internal = error.code === "INTERNAL_SERVER_ERROR" && !domain;
  const { stack: _stack, ...data } = shape.data;
  return {
    ...shape,
    message: internal ? INTERNAL_MESSAGE : issues && !domain ? "Some fields are not valid" : shape.message,
    data: {
      ...data,
      domainCode: domain ? wireCode(domain.code) : internal ? "internal" : null,
      details: domain?.details ?? null,
      fieldErrors: issues ? fieldErrors(issues) : null,
      requestId,
    },
  };
}
