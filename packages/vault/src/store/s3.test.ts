// S3ObjectStore's request shapes and decisions, against a scripted client (no I/O). The real
// server's behaviour is covered by intruder.int.test.ts.
import { createHash } from "node:crypto";
import type { S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { isStoreError } from "./errors.js";
import { S3DeletingObjectStore, S3ObjectStore } from "./s3.js";

interface Sent {
  name: string;
  input: Record<string, unknown>;
}

/** A stand-in client: records each command and answers from `reply` by command name. */
function fakeClient(reply: (name: string, input: Record<string, unknown>, n: number) => unknown) {
  const sent: Sent[] = [];
  const client = {
    send: (cmd: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = cmd.constructor.name.replace(/Command$/, "");
      sent.push({ name, input: cmd.input });
      try {
        return Promise.resolve(reply(name, cmd.input, sent.filter((s) => s.name === name).length));
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
    },
    destroy: () => undefined,
  };
  return { client: client as unknown as S3Client, sent };
}

const s3error = (Code: string, status: number, message = "") => Object.assign(new Error(message), { name: Code, Code, $metadata: { httpStatusCode: status } });
const opts = (client: S3Client) => ({ bucket: "vault-t1", region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" }, client });

describe("S3ObjectStore.put", () => {
  it("always sends a COMPLIANCE lock, its date, and a SHA-256 checksum of the body", async () => {
    const { client, sent } = fakeClient(() => ({ VersionId: "v1" }));
    const store = new S3ObjectStore(opts(client));
    const body = new TextEncoder().encode("pack bytes");
    const until = new Date("2030-01-01T00:00:00Z");
    expect(await store.put("packs/ab/1", body, { retainUntil: until })).toEqual({ versionId: "v1" });
    expect(sent[0]?.input).toMatchObject({
      Bucket: "vault-t1",
      Key: "packs/ab/1",
      ObjectLockMode: "COMPLIANCE",
      ObjectLockRetainUntilDate: until,
      ChecksumAlgorithm: "SHA256",
      ChecksumSHA256: createHash("sha256").update(body).digest("base64"),
      ContentLength: body.byteLength,
    });
  });

  it("refuses to send an object without a valid retain-until date", async () => {
    const { client, sent } = fakeClient(() => ({}));
    const store = new S3ObjectStore(opts(client));
    await expect(store.put("k", new Uint8Array(1), { retainUntil: new Date(Number.NaN) })).rejects.toSatisfy((e) => isStoreError(e, "invalid"));
    expect(sent).toEqual([]);
  });

  it("folds a refusal into a StoreError naming the key", async () => {
    const { client } = fakeClient(() => {
      throw s3error("AccessDenied", 403, "Access Denied.");
    });
    const err: unknown = await new S3ObjectStore(opts(client)).put("packs/x", new Uint8Array(1), { retainUntil: new Date(Date.now() + 1000) }).catch((e: unknown) => e);
    expect(isStoreError(err, "access_denied")).toBe(true);
    expect((err as Error).message).toContain("vault-t1/packs/x");
  });
});

describe("S3ObjectStore.get", () => {
  it("turns a range into an inclusive HTTP byte range and passes the version", async () => {
    const { client, sent } = fakeClient(() => ({ Body: { transformToByteArray: () => Promise.resolve(new Uint8Array([1, 2, 3])) } }));
    const store = new S3ObjectStore(opts(client));
    expect(await store.get("k", { offset: 10, length: 3 }, "v7")).toEqual(new Uint8Array([1, 2, 3]));
    expect(sent[0]?.input).toMatchObject({ Range: "bytes=10-12", VersionId: "v7" });
    expect(await store.get("k", { offset: 5, length: 0 })).toEqual(new Uint8Array(0));
    expect(sent).toHaveLength(1);
  });
});

describe("S3ObjectStore.head", () => {
  it("returns null for a missing key and the lock date otherwise", async () => {
    const until = new Date("2030-01-01T00:00:00Z");
    const { client } = fakeClient((_n, input) => {
      if (input.Key === "missing") throw s3error("NotFound", 404);
      return { ContentLength: 5, VersionId: "v2", ObjectLockRetainUntilDate: until };
    });
    const store = new S3ObjectStore(opts(client));
    expect(await store.head("missing")).toBeNull();
    expect(await store.head("k")).toMatchObject({ key: "k", size: 5, versionId: "v2", retainUntil: until });
  });
});

describe("S3ObjectStore listing", () => {
  it("pages through list with continuation tokens", async () => {
    const { client, sent } = fakeClient((_n, _i, n) =>
      n === 1 ? { Contents: [{ Key: "a", Size: 1 }], IsTruncated: true, NextContinuationToken: "t2" } : { Contents: [{ Key: "b", Size: 2 }], IsTruncated: false },
    );
    const keys: string[] = [];
    for await (const o of new S3ObjectStore(opts(client)).list("")) keys.push(o.key);
    expect(keys).toEqual(["a", "b"]);
    expect(sent[1]?.input).toMatchObject({ ContinuationToken: "t2" });
  });

  it("pages through versions with both markers and includes delete markers", async () => {
    const t = (s: number) => new Date(1_800_000_000_000 + s * 1000);
    const { client, sent } = fakeClient((_n, _i, n) =>
      n === 1
        ? {
            Versions: [{ Key: "a", VersionId: "a1", Size: 1, IsLatest: false, LastModified: t(1) }],
            DeleteMarkers: [{ Key: "a", VersionId: "a2", IsLatest: true, LastModified: t(2) }],
            IsTruncated: true,
            NextKeyMarker: "a",
            NextVersionIdMarker: "a1",
          }
        : { Versions: [{ Key: "b", VersionId: "b1", Size: 3, IsLatest: true, LastModified: t(3) }], IsTruncated: false },
    );
    const out = [];
    for await (const v of new S3ObjectStore(opts(client)).listVersions("")) out.push([v.key, v.versionId, v.isDeleteMarker, v.isLatest]);
    expect(out).toEqual([
      ["a", "a2", true, true],
      ["a", "a1", false, false],
      ["b", "b1", false, true],
    ]);
    expect(sent[1]?.input).toMatchObject({ KeyMarker: "a", VersionIdMarker: "a1" });
  });
});

describe("S3ObjectStore.extendRetention", () => {
  const current = new Date("2030-06-01T00:00:00Z");
  const store = (mode = "COMPLIANCE") => {
    const f = fakeClient((name) => {
      if (name === "HeadObject") return { ContentLength: 1, VersionId: "v9" };
      if (name === "GetObjectRetention") return { Retention: { Mode: mode, RetainUntilDate: current } };
      return {};
    });
    return { ...f, store: new S3ObjectStore(opts(f.client)) };
  };

  it("raises the lock of the current version, pinned by its version id", async () => {
    const { store: s, sent } = store();
    const later = new Date("2031-01-01T00:00:00Z");
    await s.extendRetention("packs/a", later);
    expect(sent.map((x) => x.name)).toEqual(["HeadObject", "GetObjectRetention", "PutObjectRetention"]);
    expect(sent[1]?.input).toMatchObject({ VersionId: "v9" });
    expect(sent[2]?.input).toMatchObject({ VersionId: "v9", Retention: { Mode: "COMPLIANCE", RetainUntilDate: later } });
  });

  it("a refusal because another writer raised the lock further in between counts as done", async () => {
    const raisedByOther = new Date("2032-01-01T00:00:00Z");
    const { client, sent } = fakeClient((name, _input, n) => {
      if (name === "GetObjectRetention") return { Retention: { Mode: "COMPLIANCE", RetainUntilDate: n === 1 ? current : raisedByOther } };
      if (name === "PutObjectRetention") throw s3error("AccessDenied", 403, "Access Denied because object protected by object lock.");
      return {};
    });
    await new S3ObjectStore(opts(client)).extendRetention("config", new Date("2031-01-01T00:00:00Z"), "v9");
    expect(sent.map((x) => x.name)).toEqual(["GetObjectRetention", "PutObjectRetention", "GetObjectRetention"]);
  });

  it("a refusal that still leaves the lock short is retried, then reported", async () => {
    const { client, sent } = fakeClient((name) => {
      if (name === "GetObjectRetention") return { Retention: { Mode: "COMPLIANCE", RetainUntilDate: current } };
      if (name === "PutObjectRetention") throw s3error("AccessDenied", 403, "Access Denied because object protected by object lock.");
      return {};
    });
    await expect(new S3ObjectStore(opts(client)).extendRetention("config", new Date("2031-01-01T00:00:00Z"), "v9")).rejects.toSatisfy((e) => isStoreError(e, "locked"));
    expect(sent.filter((x) => x.name === "PutObjectRetention")).toHaveLength(3);
  });

  it("never sends an earlier date", async () => {
    const { store: s, sent } = store();
    await s.extendRetention("packs/a", new Date("2030-01-01T00:00:00Z"), "v9");
    expect(sent.map((x) => x.name)).toEqual(["GetObjectRetention"]);
  });
});

describe("S3DeletingObjectStore.deleteVersion", () => {
  it("requires a version id (a versionless delete would only add a marker)", async () => {
    const { client, sent } = fakeClient(() => ({}));
    await expect(new S3DeletingObjectStore(opts(client)).deleteVersion("k", "")).rejects.toSatisfy((e) => isStoreError(e, "invalid"));
    expect(sent).toEqual([]);
  });

  it("reports a locked version as locked", async () => {
    const { client } = fakeClient(() => {
      throw s3error("AccessDenied", 403, "Access Denied because object protected by object lock.");
    });
    await expect(new S3DeletingObjectStore(opts(client)).deleteVersion("k", "v1")).rejects.toSatisfy((e) => isStoreError(e, "locked"));
  });
});
