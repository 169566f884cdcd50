// GC's side of tombstones: which packs are already announced (and since when), announcing new ones
// before deleting them, and removing tombstones nobody can need any more.
import { collectKey, errorMessage, problem, skip, type GcContext } from "./context";
import { inventory, type StoredVersion } from "./inventory";
import { forEachLimit } from "./pool";
import { readTombstone, sealTombstone, TOMBSTONE_PREFIX, tombstoneIdOf, tombstoneKeyFor } from "./tombstone";

type Entry = { key: string; versions: StoredVersion[] } & ({ kind: "ok"; packs: string[] } | { kind: "forged" } | { kind: "unreadable" });

export interface Tombstones {
  entries: Entry[];
  /** packId → when it was first announced (the server's timestamp of the tombstone). */
  announced: Map<string, Date>;
}

export async function loadTombstones(ctx: GcContext): Promise<Tombstones> {
  const entries: Entry[] = [];
  const announced = new Map<string, Date>();
  await forEachLimit([...(await inventory(ctx.store, TOMBSTONE_PREFIX))], ctx.concurrency, async ([key, versions]) => {
    const id = tombstoneIdOf(key);
    if (id === null) {
      problem(ctx, key, "not a tombstone name (gc/<64 hex>); left alone");
      return;
    }
    try {
      const read = await readTombstone(ctx.store, ctx.keys, ctx.vaultId, id, versions);
      if (read.status === "missing") return;
      if (read.status === "forged") {
        problem(ctx, key, `ignored, not an authentic tombstone: ${read.reason}`);
        entries.push({ key, versions, kind: "forged" });
        return;
      }
      entries.push({ key, versions, kind: "ok", packs: read.value.packs });
      const since = read.lastModified ?? new Date(read.value.createdAt);
      for (const p of read.value.packs) {
        const prev = announced.get(p);
        if (!prev || since.getTime() < prev.getTime()) announced.set(p, since);
      }
    } catch (e) {
      // Its packs count as not announced yet: a new tombstone covers them again.
      problem(ctx, key, `cannot be read, kept: ${errorMessage(e)}`);
      entries.push({ key, versions, kind: "unreadable" });
    }
  });
  return { entries, announced };
}

/** Announces packs through the writer's store (the GC identity may not PUT). False if that failed. */
export async function announce(ctx: GcContext, packs: readonly string[]): Promise<boolean> {
  if (packs.length === 0) return true;
  if (ctx.dryRun) {
    ctx.report.tombstonesWritten++; // would write
    return true;
  }
  const { id, bytes } = sealTombstone(ctx.keys, { formatVersion: 1, vaultId: ctx.vaultId, createdAt: ctx.now.toISOString(), packs: [...packs].sort() });
  try {
    await ctx.writer.put(tombstoneKeyFor(id), bytes, { retainUntil: new Date(ctx.now.getTime() + ctx.tombstoneLockMs) });
  } catch (e) {
    problem(ctx, tombstoneKeyFor(id), `cannot write the tombstone for ${packs.length} pack(s), so they are not deleted: ${errorMessage(e)}`);
    return false;
  }
  ctx.report.tombstonesWritten++;
  return true;
}

/**
 * A tombstone is needed while some index still lists one of its packs (a writer that loads that
 * index must not dedup against them). `indexed` is every pack listed by a remaining index.
 */
export async function removeTombstones(ctx: GcContext, t: Tombstones, indexed: Set<string>): Promise<void> {
  await forEachLimit(t.entries, ctx.concurrency, async (e) => {
    if (e.kind === "unreadable") return;
    if (e.kind === "ok" && e.packs.some((p) => indexed.has(p))) return;
    if (await collectKey(ctx, e.key, e.versions)) ctx.report.tombstonesDeleted++;
  });
}

/** True when the grace since the pack's announcement has passed (a new announcement counts as now). */
export function graceOver(ctx: GcContext, announcedAt: Date): boolean {
  return ctx.graceMs <= 0 || ctx.now.getTime() - announcedAt.getTime() >= ctx.graceMs;
}

export function waitForGrace(ctx: GcContext, key: string, announcedAt: Date): void {
  skip(ctx, key, "waiting", `announced in a tombstone at ${announcedAt.toISOString()}; deleted once the ${ctx.graceMs} ms grace has passed`);
}
