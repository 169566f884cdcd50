// Restores items from the vault through a connector: each item's bytes are streamed out of the
// snapshot that holds them (verified blob by blob) into the provider's write path, and every
// item gets an outcome — created, replaced, copied, skipped (with why) or failed (with why).
// The item's descriptor is rebuilt from the metadata the backup filed beside it in the vault.
import { isConnectorError, type ItemDescriptor, type RestoreTarget, type UnitConnector, type WriteResult } from "@holdfast/connectors";
import type { SnapshotItem, Vault } from "@holdfast/vault";
import type { StoredItemMeta } from "../backup/segment";

export interface RestoreRef {
  vaultSnapshotId: string;
  vaultPath: string;
  /** The catalogue's item id, when known: recorded with the outcome, so an erasure meanwhile still scrubs it. */
  itemId?: string;
}

export type RestoreOutcome = WriteResult["outcome"] | "failed";

export interface RestoreItemResult extends RestoreRef {
  externalId: string | null;
  path: string | null;
  outcome: RestoreOutcome;
  newExternalId?: string;
  reason?: string;
}

export interface RestoreEnv {
  connector: UnitConnector;
  vault: Vault;
  target: RestoreTarget;
  signal?: AbortSignal;
  onItem?: (result: RestoreItemResult) => void;
}

/** The source refused us altogether (consent revoked): the restore stops, with the reason. */
export class RestoreDisconnectedError extends Error {
  override readonly name = "RestoreDisconnectedError";
}

function storedMeta(item: SnapshotItem): StoredItemMeta | null {
  const m = item.meta as Partial<StoredItemMeta>;
  return typeof m.externalId === "string" && typeof m.kind === "string" && typeof m.path === "string" ? (m as StoredItemMeta) : null;
}

export function descriptorOf(meta: StoredItemMeta, size: number): ItemDescriptor {
  return {
    externalId: meta.externalId,
    kind: meta.kind,
    path: meta.path,
    name: meta.name,
    ...(meta.parentExternalId !== undefined ? { parentExternalId: meta.parentExternalId } : {}),
    version: meta.version,
    ...(meta.contentVersion !== undefined ? { contentVersion: meta.contentVersion } : {}),
    size,
    ...(meta.modifiedAt !== undefined ? { modifiedAt: meta.modifiedAt } : {}),
    hasContent: meta.kind !== "folder",
    metadata: meta.metadata,
  };
}

/**
 * Restores `refs` in order: folders first (shallowest first), so items land in folders that
 * exist. Resolves with one result per ref; throws only when the target cannot be written at all.
 */
export async function restoreItems(env: RestoreEnv, refs: readonly RestoreRef[]): Promise<RestoreItemResult[]> {
  const resolved: { ref: RestoreRef; item: SnapshotItem | undefined; meta: StoredItemMeta | null }[] = [];
  const bySnapshot = new Map<string, Map<string, SnapshotItem>>();
  for (const ref of refs) {
    let items = bySnapshot.get(ref.vaultSnapshotId);
    if (!items) {
      const manifest = await env.vault.readSnapshot(ref.vaultSnapshotId);
      items = new Map(manifest.items.map((i) => [i.path, i]));
      bySnapshot.set(ref.vaultSnapshotId, items);
    }
    const item = items.get(ref.vaultPath);
    resolved.push({ ref, item, meta: item ? storedMeta(item) : null });
  }
  const depth = (p: string | undefined) => (p ?? "").split("/").length;
  resolved.sort((a, b) => {
    const fa = a.meta?.kind === "folder" ? 0 : 1;
    const fb = b.meta?.kind === "folder" ? 0 : 1;
    return fa - fb || (fa === 0 ? depth(a.meta?.path) - depth(b.meta?.path) : 0);
  });

  const results: RestoreItemResult[] = [];
  const done = (r: RestoreItemResult) => {
    results.push(r);
    env.onItem?.(r);
  };
  for (const { ref, item, meta } of resolved) {
    if (!item) {
      done({ ...ref, externalId: null, path: null, outcome: "failed", reason: `snapshot ${ref.vaultSnapshotId} holds no item ${ref.vaultPath}` });
      continue;
    }
    if (!meta) {
      done({ ...ref, externalId: null, path: null, outcome: "failed", reason: `item ${ref.vaultPath} carries no backup metadata; restore it with holdfast-restore instead` });
      continue;
    }
    const descriptor = descriptorOf(meta, item.size);
    try {
      const result = await env.connector.writeItem(env.target, descriptor, { body: env.vault.readItem(ref.vaultSnapshotId, ref.vaultPath), contentType: meta.contentType, size: item.size }, { signal: env.signal });
      done({
        ...ref,
        externalId: meta.externalId,
        path: meta.path,
        outcome: result.outcome,
        ...(result.externalId !== undefined ? { newExternalId: result.externalId } : {}),
        ...(result.reason !== undefined ? { reason: result.reason } : {}),
      });
    } catch (e) {
      if (isConnectorError(e, "disconnected")) throw new RestoreDisconnectedError(e.message);
      done({ ...ref, externalId: meta.externalId, path: meta.path, outcome: "failed", reason: e instanceof Error ? e.message : String(e) });
    }
  }
  return results;
}
