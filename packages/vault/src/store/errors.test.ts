import { describe, expect, it } from "vitest";
import { StoreError, isStoreError, toStoreError } from "./errors.js";

const s3err = (Code: string, status: number, message = "") => Object.assign(new Error(message), { name: Code, Code, $metadata: { httpStatusCode: status } });
const where = { bucket: "vault-t1", key: "packs/ab/ab12", versionId: "v1" };

describe("toStoreError", () => {
  it.each([
    [s3err("NoSuchKey", 404), "not_found"],
    [s3err("NotFound", 404), "not_found"],
    [s3err("NoSuchBucket", 404), "not_found"],
    [s3err("AccessDenied", 403, "Access Denied."), "access_denied"],
    [s3err("AccessDenied", 403, "User: w is not authorized to perform: s3:PutObjectRetention with an explicit deny"), "access_denied"],
    [s3err("AccessDenied", 403, "Access Denied because object protected by object lock."), "locked"],
    [s3err("SlowDown", 503), "throttled"],
    [s3err("TooManyRequests", 429), "throttled"],
    [s3err("ServiceUnavailable", 503), "unavailable"],
    [s3err("InternalError", 500), "unavailable"],
    [Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:7070"), { code: "ECONNREFUSED" }), "unavailable"],
    [new Error('Checksum mismatch: expected "a" but received "b" in response header "x-amz-checksum-sha256".'), "corrupt"],
    [s3err("InvalidArgument", 400, "The retain until date must be in the future!"), "invalid"],
  ] as const)("maps %s to %s", (err, code) => {
    const e = toStoreError(err, "get", where);
    expect(e).toBeInstanceOf(StoreError);
    expect(e.code).toBe(code);
    expect(isStoreError(e, code)).toBe(true);
  });

  it("names the operation, bucket, key and version, and keeps the cause", () => {
    const cause = s3err("AccessDenied", 403, "Access Denied because object protected by object lock.");
    const e = toStoreError(cause, "deleteVersion", where);
    expect(e.message).toContain("deleteVersion vault-t1/packs/ab/ab12 (version v1)");
    expect(e.message).toContain("Object Lock");
    expect(e.cause).toBe(cause);
    expect(e.details).toMatchObject({ op: "deleteVersion", status: 403, s3Code: "AccessDenied" });
  });

  it("passes a StoreError through unchanged", () => {
    const e = new StoreError("locked", "x", { op: "put", bucket: "b" });
    expect(toStoreError(e, "other", { bucket: "c" })).toBe(e);
  });
});
