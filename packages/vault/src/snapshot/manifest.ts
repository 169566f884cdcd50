// Snapshot manifests (docs/vault-format.md §8).
import { z } from "zod";
import { FORMAT_VERSION, VaultFormatError, unsupportedVersion } from "../errors";

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/);

export const ItemMeta = z.record(z.string(), z.unknown());
export type ItemMeta = z.infer<typeof ItemMeta>;

export const SnapshotItem = z.object({
  path: z.string().min(1),
  size: z.number().int().nonnegative(),
  meta: ItemMeta,
  blobs: z.array(Hex64),
});
export type SnapshotItem = z.infer<typeof SnapshotItem>;

export const SnapshotManifest = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  vaultId: z.string(),
  source: z.string(),
  unit: z.string(),
  startedAt: z.string(),
  committedAt: z.string(),
  retainUntil: z.string(),
  items: z.array(SnapshotItem),
  packs: z.array(Hex64),
  indexes: z.array(Hex64),
});
export type SnapshotManifest = z.infer<typeof SnapshotManifest>;

export function snapshotKeyFor(id: string): string {
  return `snapshots/${id}`;
}

export function encodeManifest(m: SnapshotManifest): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(m));
}

export function decodeManifest(objectKey: string, payload: Uint8Array): SnapshotManifest {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload).toString("utf8"));
  } catch (e) {
    throw new VaultFormatError(`${objectKey}: manifest is not JSON`, { cause: e });
  }
  const version = (json as { formatVersion?: unknown } | null)?.formatVersion;
  if (version !== FORMAT_VERSION) throw unsupportedVersion(objectKey, version);
  const parsed = SnapshotManifest.safeParse(json);
  if (!parsed.success) throw new VaultFormatError(`${objectKey}: malformed manifest: ${parsed.error.message}`);
  return parsed.data;
}
