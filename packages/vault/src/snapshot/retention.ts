// The extension rule (docs/vault-format.md §9): every object a snapshot needs stays locked at
// least until the snapshot's retain-until. A key that has more than one version has been
// overwritten (or, for config, rewritten); its head may be an intruder's copy, so every version
// is raised — the authentic one among them is what readers fall back to.
import { VaultError } from "../errors";
import type { ObjectStore } from "../store/types";

async function versionCounts(store: ObjectStore, prefixes: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const prefix of prefixes) {
    for await (const v of store.listVersions(prefix)) {
      if (v.isDeleteMarker) continue;
      const list = out.get(v.key) ?? [];
      list.push(v.versionId);
      out.set(v.key, list);
    }
  }
  return out;
}

export async function extendLocks(store: ObjectStore, keys: readonly string[], until: Date, concurrency = 8): Promise<void> {
  if (keys.length === 0) return;
  const prefixes = [...new Set(keys.map((k) => (k.includes("/") ? `${k.split("/")[0]}/` : k)))];
  const versions = await versionCounts(store, prefixes);
  const queue = [...keys];
  const work = async () => {
    for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
      const all = versions.get(key) ?? [];
      if (all.length > 1) {
        for (const versionId of all) await store.extendRetention(key, until, versionId);
        continue;
      }
      const info = await store.head(key);
      if (!info) throw new VaultError(`${key}: referenced by the new snapshot but missing`);
      if (!info.retainUntil || info.retainUntil.getTime() < until.getTime()) await store.extendRetention(key, until, info.versionId);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, work));
}
