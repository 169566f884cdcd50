// Reads what `verify-audit` needs from the bucket: every version of the public key and of each
// daily digest under `audit/`. Needs only read credentials — the digests are plaintext (signed,
// not secret), so no recovery key either.
import { S3ObjectStore } from "@holdfast/vault/store";
import type { AuditObjects } from "./audit-verify";
import type { ReadAuditObjects, VaultConnection } from "./types";
import { explain } from "./vault";

const DIGEST_KEY = /^audit\/digests\/(\d{4}-\d{2}-\d{2})\.json$/;
const KEY_OBJECT = "audit/signing-key.json";

export const readAuditObjects: ReadAuditObjects = async (conn: VaultConnection): Promise<AuditObjects> => {
  const store = new S3ObjectStore({
    endpoint: conn.endpoint,
    region: conn.region,
    bucket: conn.bucket,
    credentials: { accessKeyId: conn.accessKeyId, secretAccessKey: conn.secretAccessKey },
    maxAttempts: 3,
  });
  try {
    const versions = new Map<string, { versionId: string; at: number }[]>();
    for await (const v of store.listVersions("audit/")) {
      if (v.isDeleteMarker) continue;
      const list = versions.get(v.key) ?? [];
      list.push({ versionId: v.versionId, at: v.lastModified?.getTime() ?? 0 });
      versions.set(v.key, list);
    }
    const texts = async (key: string) => {
      const oldestFirst = [...(versions.get(key) ?? [])].sort((a, b) => a.at - b.at);
      const out: string[] = [];
      for (const v of oldestFirst) out.push(new TextDecoder().decode(await store.get(key, undefined, v.versionId)));
      return out;
    };
    const digests: AuditObjects["digests"] = [];
    for (const key of versions.keys()) {
      const day = DIGEST_KEY.exec(key)?.[1];
      if (day) digests.push({ day, versions: await texts(key) });
    }
    return { signingKey: await texts(KEY_OBJECT), digests };
  } catch (err) {
    throw explain(err, conn);
  }
};
