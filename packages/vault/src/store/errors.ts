// One small error taxonomy for object storage (CONVENTIONS.md §9): S3 and provider codes fold into
// these, so the engine, GC and holdfast-restore can decide what to do without parsing XML errors.

// "corrupt": the bytes that arrived do not match the checksum stored with the object (the SDK
// checks x-amz-checksum-sha256 on every whole-object GET). "invalid": any other 4xx refusal.
export const StoreErrorCodes = ["not_found", "access_denied", "locked", "throttled", "unavailable", "corrupt", "invalid"] as const;
export type StoreErrorCode = (typeof StoreErrorCodes)[number];

export class StoreError extends Error {
  override name = "StoreError";
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    readonly details: { op: string; bucket: string; key?: string; versionId?: string; status?: number; s3Code?: string },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isStoreError(err: unknown, code?: StoreErrorCode): err is StoreError {
  return err instanceof StoreError && (code === undefined || err.code === code);
}

interface S3LikeError {
  name?: string;
  message?: string;
  Code?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number };
}

const NOT_FOUND = new Set(["NoSuchKey", "NotFound", "NoSuchBucket", "NoSuchVersion", "NoSuchObjectLockConfiguration"]);
const THROTTLED = new Set(["SlowDown", "Throttling", "ThrottlingException", "TooManyRequests", "RequestLimitExceeded"]);
const UNAVAILABLE = new Set(["ServiceUnavailable", "InternalError", "RequestTimeout"]);
const NETWORK = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "TimeoutError"]);

/** S3 reports an Object Lock refusal as 403 AccessDenied; only the message tells it apart. */
const LOCK_MESSAGE = /protected by object lock/i;

function classify(e: S3LikeError): StoreErrorCode {
  if (/checksum mismatch/i.test(e.message ?? "")) return "corrupt";
  const s3Code = e.Code ?? e.name ?? "";
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  if (NOT_FOUND.has(s3Code) || status === 404) return "not_found";
  if (s3Code === "ObjectLocked" || s3Code === "InvalidObjectState") return "locked";
  if (s3Code === "AccessDenied" || status === 403) return LOCK_MESSAGE.test(e.message ?? "") ? "locked" : "access_denied";
  if (THROTTLED.has(s3Code) || status === 429) return "throttled";
  if (s3Code === "MethodNotAllowed" || status === 405) return "access_denied";
  if (UNAVAILABLE.has(s3Code) || (status !== undefined && status >= 500)) return "unavailable";
  if (NETWORK.has(e.code ?? "") || NETWORK.has(s3Code)) return "unavailable";
  if (status !== undefined && status >= 400) return "invalid";
  return "unavailable";
}

const VERBS: Record<StoreErrorCode, string> = {
  not_found: "not found",
  access_denied: "access denied",
  locked: "refused: protected by Object Lock",
  throttled: "throttled by the object store",
  unavailable: "object store unavailable",
  corrupt: "corrupt: content does not match its stored checksum",
  invalid: "rejected by the object store",
};

/** Folds any error from the S3 client into a StoreError whose message names the bucket and key. */
export function toStoreError(err: unknown, op: string, where: { bucket: string; key?: string; versionId?: string }): StoreError {
  if (err instanceof StoreError) return err;
  const e = (typeof err === "object" && err !== null ? err : { message: String(err) }) as S3LikeError;
  const code = classify(e);
  const target = where.key === undefined ? `bucket ${where.bucket}` : `${where.bucket}/${where.key}${where.versionId ? ` (version ${where.versionId})` : ""}`;
  const s3Code = e.Code ?? e.name;
  const status = e.$metadata?.httpStatusCode;
  const detail = [s3Code, e.message].filter((s) => s !== undefined && s !== "" && s !== "UnknownError").join(": ");
  return new StoreError(code, `${op} ${target}: ${VERBS[code]}${detail ? ` (${detail})` : ""}`, { op, ...where, status, s3Code }, { cause: err });
}
