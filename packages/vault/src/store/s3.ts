// ObjectStore over any S3-compatible service (AWS S3, versitygw, MinIO, Wasabi, Backblaze B2 …).
// Every PUT carries a COMPLIANCE lock and a SHA-256 checksum: Object Lock PUTs must carry an
// integrity checksum, and the checksum also proves the bytes that reached the disk are ours.
import { createHash } from "node:crypto";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  PutObjectRetentionCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { isStoreError, StoreError, toStoreError } from "./errors.js";
import type { DeletingObjectStore, ObjectInfo, ObjectStore, ObjectVersionInfo, PutOptions } from "./types.js";

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface S3Endpoint {
  /** e.g. http://127.0.0.1:7070; omit for AWS S3 itself. */
  endpoint?: string;
  region: string;
  /** Path-style addressing; required by versitygw and most self-hosted servers. Default: true when an endpoint is given. */
  forcePathStyle?: boolean;
  /** Total attempts per request, including the first (SDK "standard" retry mode: backoff with jitter). Default 5. */
  maxAttempts?: number;
}

export interface S3StoreOptions extends S3Endpoint {
  bucket: string;
  credentials: S3Credentials;
  /** Reuse an existing client (its own credentials and endpoint win over the fields above). */
  client?: S3Client;
}

/**
 * A client for one identity. The SDK's "standard" retry strategy retries 5xx, SlowDown/throttling
 * and network errors with exponential backoff and jitter, and never retries 4xx refusals — so a
 * denied DELETE is reported at once instead of being hammered.
 */
export function createS3Client(endpoint: S3Endpoint, credentials: S3Credentials): S3Client {
  return new S3Client({
    endpoint: endpoint.endpoint,
    region: endpoint.region,
    forcePathStyle: endpoint.forcePathStyle ?? endpoint.endpoint !== undefined,
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
    retryMode: "standard",
    maxAttempts: endpoint.maxAttempts ?? 5,
  });
}

export function sha256Base64(body: Uint8Array): string {
  return createHash("sha256").update(body).digest("base64");
}

/**
 * Reads a response body of known length into one buffer: no list of chunks and no concatenated
 * copy (restore holds a few 8 MiB ranges at once). A short body comes back short; callers check
 * lengths against what they asked for.
 */
async function readInto(body: AsyncIterable<Uint8Array>, length: number): Promise<Uint8Array> {
  const out = Buffer.allocUnsafeSlow(length);
  let at = 0;
  for await (const chunk of body) {
    if (at + chunk.length > length) throw new Error(`response body longer than its Content-Length ${length}`);
    out.set(chunk, at);
    at += chunk.length;
  }
  return at === length ? out : out.subarray(0, at);
}

/** The backup writer's store: puts locked objects, reads, lists, extends locks. It has no delete. */
export class S3ObjectStore implements ObjectStore {
  readonly bucket: string;
  protected readonly client: S3Client;

  constructor(opts: S3StoreOptions) {
    this.bucket = opts.bucket;
    this.client = opts.client ?? createS3Client(opts, opts.credentials);
  }

  /** Runs one S3 call and folds its failure into a StoreError that names the key. */
  protected async call<T>(op: string, where: { key?: string; versionId?: string }, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toStoreError(err, op, { bucket: this.bucket, ...where });
    }
  }

  async put(key: string, body: Uint8Array, opts: PutOptions): Promise<{ versionId?: string }> {
    if (!(opts.retainUntil instanceof Date) || Number.isNaN(opts.retainUntil.getTime())) {
      throw new StoreError("invalid", `put ${this.bucket}/${key}: retainUntil must be a valid Date`, { op: "put", bucket: this.bucket, key });
    }
    const out = await this.call("put", { key }, () =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentLength: body.byteLength,
          ContentType: opts.contentType ?? "application/octet-stream",
          ObjectLockMode: "COMPLIANCE",
          ObjectLockRetainUntilDate: opts.retainUntil,
          ChecksumAlgorithm: "SHA256",
          ChecksumSHA256: opts.sha256 ? Buffer.from(opts.sha256).toString("base64") : sha256Base64(body),
        }),
      ),
    );
    return out.VersionId === undefined ? {} : { versionId: out.VersionId };
  }

  async get(key: string, range?: { offset: number; length: number }, versionId?: string): Promise<Uint8Array> {
    if (range && range.length === 0) return new Uint8Array(0);
    if (range && (range.offset < 0 || range.length < 0 || !Number.isInteger(range.offset) || !Number.isInteger(range.length))) {
      throw new StoreError("invalid", `get ${this.bucket}/${key}: invalid range ${range.offset}+${range.length}`, { op: "get", bucket: this.bucket, key });
    }
    return this.call("get", { key, versionId }, async () => {
      const out = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          VersionId: versionId,
          Range: range ? `bytes=${range.offset}-${range.offset + range.length - 1}` : undefined,
        }),
      );
      if (!out.Body) return new Uint8Array(0);
      const length = out.ContentLength;
      if (length === undefined) return out.Body.transformToByteArray();
      return readInto(out.Body as AsyncIterable<Uint8Array>, length);
    });
  }

  async head(key: string): Promise<ObjectInfo | null> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        key,
        size: out.ContentLength ?? 0,
        lastModified: out.LastModified,
        versionId: out.VersionId,
        retainUntil: out.ObjectLockRetainUntilDate ?? null,
      };
    } catch (err) {
      const e = toStoreError(err, "head", { bucket: this.bucket, key });
      if (e.code === "not_found") return null;
      throw e;
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    let token: string | undefined;
    do {
      const page = await this.call("list", { key: `${prefix}*` }, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token })),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined) continue;
        yield { key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async *listVersions(prefix: string): AsyncIterable<ObjectVersionInfo> {
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    for (;;) {
      const page = await this.call("listVersions", { key: `${prefix}*` }, () =>
        this.client.send(
          new ListObjectVersionsCommand({ Bucket: this.bucket, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }),
        ),
      );
      const entries: ObjectVersionInfo[] = [];
      for (const v of page.Versions ?? []) {
        if (v.Key === undefined || v.VersionId === undefined) continue;
        entries.push({ key: v.Key, size: v.Size ?? 0, lastModified: v.LastModified, versionId: v.VersionId, isLatest: v.IsLatest ?? false, isDeleteMarker: false });
      }
      for (const m of page.DeleteMarkers ?? []) {
        if (m.Key === undefined || m.VersionId === undefined) continue;
        entries.push({ key: m.Key, size: 0, lastModified: m.LastModified, versionId: m.VersionId, isLatest: m.IsLatest ?? false, isDeleteMarker: true });
      }
      // S3 returns versions and delete markers in two lists; put them back in key, newest-first order.
      entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : (b.lastModified?.getTime() ?? 0) - (a.lastModified?.getTime() ?? 0)));
      yield* entries;
      if (!page.IsTruncated) return;
      keyMarker = page.NextKeyMarker;
      versionIdMarker = page.NextVersionIdMarker;
      if (keyMarker === undefined) return;
    }
  }

  /** The compliance retain-until date of one version (latest when versionId is omitted), or null if it has none. */
  async retention(key: string, versionId?: string): Promise<{ mode?: string; retainUntil: Date | null }> {
    try {
      const out = await this.client.send(new GetObjectRetentionCommand({ Bucket: this.bucket, Key: key, VersionId: versionId }));
      return { mode: out.Retention?.Mode, retainUntil: out.Retention?.RetainUntilDate ?? null };
    } catch (err) {
      const e = toStoreError(err, "retention", { bucket: this.bucket, key, versionId });
      // An object written without a lock has no retention to report (S3: NoSuchObjectLockConfiguration).
      if (e.code === "not_found" && e.details.s3Code === "NoSuchObjectLockConfiguration") return { retainUntil: null };
      throw e;
    }
  }

  async extendRetention(key: string, retainUntil: Date, versionId?: string): Promise<void> {
    // Pin the version first so the date we compare against and the lock we raise are the same
    // object's, even if someone writes a new version of the key in between.
    let version = versionId;
    if (version === undefined) {
      const info = await this.head(key);
      if (!info) throw new StoreError("not_found", `extendRetention ${this.bucket}/${key}: not found`, { op: "extendRetention", bucket: this.bucket, key });
      version = info.versionId;
    }
    // Writers extend shared objects (config, packs) concurrently. One that read the lock before
    // another raised it further would, by writing its own earlier date, ask to *shorten* it, which
    // the server refuses as `locked`. So a refusal is checked against the lock as it is now: if it
    // already reaches our date, someone did the work; otherwise we try again from the fresh value.
    for (let attempt = 1; ; attempt++) {
      const current = await this.retention(key, version);
      if (current.mode === "COMPLIANCE" && current.retainUntil && current.retainUntil.getTime() >= retainUntil.getTime()) return;
      const until = current.retainUntil && current.retainUntil.getTime() > retainUntil.getTime() ? current.retainUntil : retainUntil;
      try {
        await this.call("extendRetention", { key, versionId: version }, () =>
          this.client.send(
            new PutObjectRetentionCommand({
              Bucket: this.bucket,
              Key: key,
              VersionId: version,
              Retention: { Mode: "COMPLIANCE", RetainUntilDate: until },
              ChecksumAlgorithm: "SHA256",
            }),
          ),
        );
        return;
      } catch (e) {
        if (!isStoreError(e, "locked") || attempt >= 3) throw e;
      }
    }
  }

  /** Releases the client's sockets; the store is unusable afterwards. */
  close(): void {
    this.client.destroy();
  }
}

/** The garbage collector's store: the only one whose credentials may delete, and the server still refuses locked versions. */
export class S3DeletingObjectStore extends S3ObjectStore implements DeletingObjectStore {
  async deleteVersion(key: string, versionId: string): Promise<void> {
    if (!versionId) {
      // A versionless DELETE only adds a delete marker; GC must name the version it means to remove.
      throw new StoreError("invalid", `deleteVersion ${this.bucket}/${key}: a versionId is required`, { op: "deleteVersion", bucket: this.bucket, key });
    }
    await this.call("deleteVersion", { key, versionId }, () =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key, VersionId: versionId })),
    );
  }
}

/** The name the brief uses; kept as an alias so both spellings import. */
export { S3DeletingObjectStore as DeletingS3ObjectStore };
