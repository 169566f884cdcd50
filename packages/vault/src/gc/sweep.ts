// Phase 3: delete unreferenced packs (after announcing them in a tombstone), then indexes that
// describe no pack any more, then tombstones no index can make a writer need.
//
// An index is the unit: a pack is deleted only when every pack of every index describing it can
// be, and a pack described by an index that a live manifest lists is kept even if that manifest
// does not need the pack. Readers load the manifest's indexes and may take any copy of a blob they
// describe (§7: "any copy is valid"), so no index a live manifest lists may point at a deleted pack.
import { indexKeyFor } from "../repo-index/index-file";
import { collectKey, errorMessage, problem, skip, type GcContext } from "./context";
import { inventory, latestLock, type Inventory, type StoredVersion } from "./inventory";
import { forEachLimit } from "./pool";
import { readIndexPacks } from "./read";
import type { Marks } from "./snapshots";
import { announce, graceOver, loadTombstones, removeTombstones, waitForGrace } from "./tombstones";

const HEX64 = /^[0-9a-f]{64}$/;

function packIdOf(key: string): string | null {
  const m = /^data\/([0-9a-f]{2})\/([0-9a-f]{64})$/.exec(key);
  return m && m[2]?.startsWith(m[1] ?? "") ? (m[2] ?? null) : null;
}

interface Candidate {
  packId: string;
  key: string;
  versions: StoredVersion[];
}

interface IndexInfo {
  key: string;
  versions: StoredVersion[];
  /** Packs it describes ([] for an object that is not an authentic index). */
  packs: string[];
}

export async function sweep(ctx: GcContext, marks: Marks): Promise<void> {
  const indexes = await readIndexes(ctx, await inventory(ctx.store, "index/"));
  if (indexes === null) {
    ctx.report.sweepBlocked = "some index objects could not be read, so which packs they describe is unknown";
    return;
  }
  const pinned = new Set(marks.packs);
  const packIndexes = new Map<string, string[]>();
  for (const [id, info] of indexes) {
    if (marks.keys.has(info.key)) info.packs.forEach((p) => pinned.add(p));
    for (const p of info.packs) packIndexes.set(p, [...(packIndexes.get(p) ?? []), id]);
  }
  const tombstones = await loadTombstones(ctx);
  const { present, candidates } = await findCandidates(ctx, await inventory(ctx.store, "data/"), pinned);

  // Announce before deleting, so writers stop deduplicating against these packs (§13).
  const fresh = candidates.filter((c) => !tombstones.announced.has(c.packId)).map((c) => c.packId);
  const announcedNow = await announce(ctx, fresh);
  const due = new Map<string, Candidate>();
  for (const c of candidates) {
    const at = tombstones.announced.get(c.packId) ?? (announcedNow ? ctx.now : null);
    if (at === null) continue; // its tombstone could not be written: reported by announce()
    if (graceOver(ctx, at)) due.set(c.packId, c);
    else waitForGrace(ctx, c.key, at);
  }
  holdBackPartialIndexes(ctx, due, present, packIndexes, indexes);
  await forEachLimit([...due.values()], ctx.concurrency, async (c) => {
    if (await collectKey(ctx, c.key, c.versions)) {
      ctx.report.packsDeleted++;
      present.delete(c.packId);
    }
  });

  const indexed = await sweepIndexes(ctx, marks, indexes, present);
  await removeTombstones(ctx, tombstones, indexed);
  // Every pack a remaining index lists must exist or be announced, or writers would keep
  // deduplicating against it and failing their commits. Normally already true; not when an index
  // was put back after GC removed it (the writer identity can PUT anything).
  const announced = new Set([...tombstones.announced.keys(), ...(announcedNow ? fresh : [])]);
  const dangling = [...indexed].filter((p) => !present.has(p) && !announced.has(p));
  if (dangling.length > 0) {
    problem(ctx, "index/", `${dangling.length} pack(s) listed by an index are missing and were not announced, e.g. ${dangling[0] ?? ""}; announcing them now`);
    await announce(ctx, dangling);
  }
}

/** Every index's pack list; null when one could not be read (a store error, or a format we do not know). */
async function readIndexes(ctx: GcContext, inv: Inventory): Promise<Map<string, IndexInfo> | null> {
  const out = new Map<string, IndexInfo>();
  let complete = true;
  await forEachLimit([...inv], ctx.concurrency, async ([key, versions]) => {
    const id = key.slice("index/".length);
    if (!HEX64.test(id) || key !== indexKeyFor(id)) return problem(ctx, key, "not an index name (index/<64 hex>); left alone");
    try {
      const read = await readIndexPacks(ctx.store, ctx.keys, id, versions);
      if (read.status === "missing") return;
      if (read.status === "forged") problem(ctx, key, `not an authentic index (deleted once unlocked): ${read.reason}`);
      out.set(id, { key, versions, packs: read.status === "ok" ? read.value : [] });
    } catch (e) {
      complete = false;
      problem(ctx, key, `cannot be read, so no pack is deleted in this run: ${errorMessage(e)}`);
    }
  });
  return complete ? out : null;
}

/** Unreferenced packs whose every version's lock has passed by GC's clock. */
async function findCandidates(ctx: GcContext, packs: Inventory, pinned: Set<string>): Promise<{ present: Set<string>; candidates: Candidate[] }> {
  const present = new Set<string>();
  const candidates: Candidate[] = [];
  await forEachLimit([...packs], ctx.concurrency, async ([key, versions]) => {
    const packId = packIdOf(key);
    if (packId === null) return problem(ctx, key, "not a pack name (data/<hh>/<64 hex>); left alone");
    present.add(packId);
    if (pinned.has(packId)) {
      ctx.report.kept.referenced++;
      return;
    }
    try {
      const lock = await latestLock(ctx.store, key, versions);
      if (lock && lock.getTime() > ctx.now.getTime()) return skip(ctx, key, "locked", `locked until ${lock.toISOString()}`);
    } catch (e) {
      return problem(ctx, key, `cannot read its lock, kept: ${errorMessage(e)}`);
    }
    candidates.push({ packId, key, versions });
  });
  return { present, candidates };
}

/** Drops from `due` every pack that shares an index with a pack that stays (until a fixed point). */
function holdBackPartialIndexes(ctx: GcContext, due: Map<string, Candidate>, present: Set<string>, packIndexes: Map<string, string[]>, indexes: Map<string, IndexInfo>): void {
  for (let changed = true; changed; ) {
    changed = false;
    for (const [packId, c] of due) {
      const stays = (packIndexes.get(packId) ?? []).flatMap((i) => indexes.get(i)?.packs ?? []).find((p) => present.has(p) && !due.has(p));
      if (stays === undefined) continue;
      due.delete(packId);
      skip(ctx, c.key, "waiting", `shares an index with data/${stays.slice(0, 2)}/${stays}, which is kept; deleted together with it`);
      changed = true;
    }
  }
}

/**
 * Deletes an unreferenced index once none of the packs it describes is still in the bucket (a
 * crash between the two deletes just leaves the index for the next run). Returns the packs listed
 * by the indexes that remain.
 */
async function sweepIndexes(ctx: GcContext, marks: Marks, indexes: Map<string, IndexInfo>, present: Set<string>): Promise<Set<string>> {
  const indexed = new Set<string>();
  await forEachLimit([...indexes.values()], ctx.concurrency, async ({ key, versions, packs }) => {
    const keep = () => packs.forEach((p) => indexed.add(p));
    if (marks.keys.has(key) || packs.some((p) => marks.packs.has(p))) {
      ctx.report.kept.referenced++;
      return keep();
    }
    const remaining = packs.filter((p) => present.has(p));
    if (remaining.length > 0) {
      skip(ctx, key, "waiting", `describes ${remaining.length} pack(s) not deleted yet, e.g. ${remaining[0] ?? ""}`);
      return keep();
    }
    if (await collectKey(ctx, key, versions)) ctx.report.indexesDeleted++;
    else keep();
  });
  return indexed;
}
