// Bucket chores for the benchmark, with the local stack's root identity.
import { CreateBucketCommand, ListObjectsV2Command, ListObjectVersionsCommand, S3Client } from "@aws-sdk/client-s3";

export interface S3Target {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export function s3Client(t: S3Target): S3Client {
  return new S3Client({
    endpoint: t.endpoint,
    region: t.region,
    forcePathStyle: true,
    credentials: { accessKeyId: t.accessKeyId, secretAccessKey: t.secretAccessKey },
  });
}

export async function createBucket(s3: S3Client, bucket: string, objectLock: boolean): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: objectLock || undefined }));
}

/** Stored bytes as a bill would count them: every current object (ListObjectsV2) and every version. */
export async function bucketUsage(s3: S3Client, bucket: string): Promise<{ objects: number; bytes: number; versionBytes: number }> {
  let objects = 0;
  let bytes = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      objects++;
      bytes += o.Size ?? 0;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);

  let versionBytes = 0;
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  try {
    do {
      const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionMarker }));
      for (const v of page.Versions ?? []) versionBytes += v.Size ?? 0;
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
    } while (keyMarker);
  } catch {
    versionBytes = bytes; // unversioned bucket on a server without ListObjectVersions
  }
  return { objects, bytes, versionBytes };
}
