// The exports store: finished archives, in a bucket of their own on the vault's S3 server. Not
// object-locked (an archive is a temporary copy); each expires after `ttlDays` and is deleted by
// the worker (versitygw answers NotImplemented to bucket lifecycle rules). Keys:
// `<tenantId>/<exportId>/<random>/<fileName>`, so a retried attempt never meets its predecessor's
// object and the prefix of a job is everything it ever stored.
import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { exportsConfig } from "@holdfast/config";

export interface ExportsStoreOptions {
  bucket: string;
  ttlDays: number;
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface StoredArchive {
  body: Readable;
  size: number;
  contentType: string;
}

/** A file name safe in an object key and a Content-Disposition header's ASCII form. */
export function safeFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const s = name.normalize("NFC").replace(/[\u0000-\u001f\u007f/\\"<>:|?*%]/g, "_").trim().slice(0, 180);
  return s === "" || /^\.+$/.test(s) ? "export" : s;
}

export class ExportsStore {
  readonly bucket: string;
  readonly ttlDays: number;
  readonly client: S3Client;
  #ready: Promise<void> | undefined;

  constructor(opts: ExportsStoreOptions = exportsConfig()) {
    this.bucket = opts.bucket;
    this.ttlDays = opts.ttlDays;
    this.client = new S3Client({
      endpoint: opts.endpoint,
      region: opts.region,
      forcePathStyle: true,
      maxAttempts: 3,
      credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey },
    });
  }

  static jobPrefix(tenantId: string, exportId: string): string {
    return `${tenantId}/${exportId}/`;
  }

  /** A fresh key for one attempt at a job's archive. */
  static objectKey(tenantId: string, exportId: string, fileName: string): string {
    return `${ExportsStore.jobPrefix(tenantId, exportId)}${randomBytes(12).toString("hex")}/${safeFileName(fileName)}`;
  }

  expiresAt(from = new Date()): Date {
    return new Date(from.getTime() + this.ttlDays * 86_400_000);
  }

  /** Creates the bucket when it is missing (plain: no versioning, no object lock). */
  ensureBucket(): Promise<void> {
    this.#ready ??= (async () => {
      try {
        await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
        return;
      } catch (e) {
        const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status !== 404 && (e as Error).name !== "NotFound" && (e as Error).name !== "NoSuchBucket") throw e;
      }
      try {
        await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
      } catch (e) {
        // Another worker created it first.
        if ((e as Error).name !== "BucketAlreadyOwnedByYou") throw e;
      }
    })();
    this.#ready.catch(() => (this.#ready = undefined));
    return this.#ready;
  }

  async open(objectKey: string): Promise<StoredArchive> {
    const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: objectKey }));
    if (!res.Body) throw new Error(`exports store returned no body for ${objectKey}`);
    return { body: res.Body as Readable, size: Number(res.ContentLength ?? 0), contentType: res.ContentType ?? "application/octet-stream" };
  }

  /** A small object in one request (tests, reports); archives are uploaded by the worker in parts. */
  async put(objectKey: string, body: Uint8Array | string, contentType: string): Promise<void> {
    await this.ensureBucket();
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: objectKey, Body: body, ContentType: contentType }));
  }

  async delete(objectKey: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: objectKey }));
  }

  /** Removes what earlier attempts at a job left: unfinished multipart uploads and stored objects. */
  async clearPrefix(prefix: string): Promise<{ aborted: number; deleted: number }> {
    await this.ensureBucket();
    let aborted = 0;
    let deleted = 0;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      const page = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: prefix, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }));
      for (const u of page.Uploads ?? []) {
        if (!u.Key || !u.UploadId) continue;
        await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: u.Key, UploadId: u.UploadId }));
        aborted += 1;
      }
      if (!page.IsTruncated) break;
      keyMarker = page.NextKeyMarker;
      uploadIdMarker = page.NextUploadIdMarker;
    }
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) {
        if (!o.Key) continue;
        await this.delete(o.Key);
        deleted += 1;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return { aborted, deleted };
  }

  /** Empties and removes the bucket (a test suite's own bucket). */
  async dropBucket(): Promise<void> {
    await this.clearPrefix("");
    await this.client.send(new DeleteBucketCommand({ Bucket: this.bucket }));
    this.#ready = undefined;
  }

  destroy(): void {
    this.client.destroy();
  }
}

let shared: ExportsStore | undefined;

/** The process's exports store, from exportsConfig(). */
export function exportsStore(): ExportsStore {
  shared ??= new ExportsStore();
  return shared;
}
