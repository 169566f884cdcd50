// Phases 1 and 2: delete snapshot manifests whose locks have passed, then mark what every remaining
// one needs. "Live" means "still in the bucket after the deletes", not "lock later than GC's
// clock": a snapshot the server refused to delete (legal hold, a clock that runs fast) is marked
// like any other, so its packs survive even where their own locks have passed.
import { packKeyFor } from "../pack/format";
import { indexKeyFor } from "../repo-index/index-file";
import { collectKey, errorMessage, problem, type GcContext } from "./context";
import { inventory, type StoredVersion } from "./inventory";
import { forEachLimit } from "./pool";
import { readManifestForGc } from "./read";

const PREFIX = "snapshots/";
const HEX64 = /^[0-9a-f]{64}$/;

export interface Marks {
  /** Keys (data/…, index/…) that live snapshots need. */
  keys: Set<string>;
  packs: Set<string>;
  /** Why the mark is incomplete (then nothing but manifests may be deleted), or null. */
  blocked: string | null;
}

/** Phase 1. Returns the snapshot keys still present (with their remaining versions). */
export async function expireSnapshots(ctx: GcContext): Promise<Map<string, StoredVersion[]>> {
  const live = new Map<string, StoredVersion[]>();
  const all = [...(await inventory(ctx.store, PREFIX))];
  await forEachLimit(all, ctx.concurrency, async ([key, versions]) => {
    if (!HEX64.test(key.slice(PREFIX.length))) {
      problem(ctx, key, "not a snapshot name (snapshots/<64 hex>); left alone");
      return;
    }
    if (await collectKey(ctx, key, versions, true)) ctx.report.snapshotsDeleted++;
    else live.set(key, versions);
  });
  return live;
}

/** Phase 2. Reads every remaining manifest; any that cannot be interpreted blocks the sweep. */
export async function markLive(ctx: GcContext, live: Map<string, StoredVersion[]>): Promise<Marks> {
  const marks: Marks = { keys: new Set(), packs: new Set(), blocked: null };
  const blockers: string[] = [];
  await forEachLimit([...live], ctx.concurrency, async ([key, versions]) => {
    const id = key.slice(PREFIX.length);
    try {
      const read = await readManifestForGc(ctx.store, ctx.keys, ctx.vaultId, id, versions);
      if (read.status === "missing") return;
      if (read.status === "forged") {
        // Not sealed by this vault's key: it references nothing of ours. Deleted once its lock passes.
        problem(ctx, key, `ignored, not an authentic snapshot manifest: ${read.reason}`);
        return;
      }
      ctx.report.liveSnapshots++;
      ctx.report.kept.referenced++;
      for (const p of read.value.packs) {
        marks.packs.add(p);
        marks.keys.add(packKeyFor(p));
      }
      for (const i of read.value.indexes) marks.keys.add(indexKeyFor(i));
    } catch (e) {
      blockers.push(key);
      problem(ctx, key, `cannot be interpreted, so no pack or index is deleted in this run: ${errorMessage(e)}`);
    }
  });
  if (blockers.length > 0) marks.blocked = `${blockers.length} live snapshot manifest(s) could not be read: ${blockers.slice(0, 5).join(", ")}`;
  return marks;
}
