// One segment of a unit's backup: page through the provider's changes from a cursor, stream
// new and changed items into a vault snapshot that continues the unit's previous one, and commit
// it. The committed snapshot is the checkpoint: a crash repeats at most one segment, whose items
// dedup against what the first attempt already stored.
//
// What the snapshot holds after a segment is always a whole unit: the parent's items carried over
// (re-filed under a new path when they moved), minus deletions, plus what this segment read.
// A full enumeration (first run, or after the provider forgot our cursor) marks every item it
// lists with its enumeration id in the item's vault metadata; at its end, parent items without
// the mark were not listed and are deleted.
import { createHash } from "node:crypto";
import { isConnectorError, type ChangePage, type ConnectorErrorCode, type DiscoveredUnit, type ItemDescriptor, type UnitConnector } from "@holdfast/connectors";
import type { ItemMeta, SnapshotItem, SnapshotWriter, Vault } from "@holdfast/vault";
import { addStats, EMPTY_STATS, type IssueCode, type SegmentBudget, type SegmentStats, type UnitProgress } from "../../contracts";
import type { IssueRecord, VersionRecord } from "./ports";
import { ReadAhead, readAheadLimits, SourceReadError, type EarlyRead, type ReadAheadLimits } from "./read-ahead";
import { folderMarkerPath, vaultPathFor } from "./vault-paths";

/** What the vault keeps beside each item (encrypted in the manifest): enough to restore without us. */
export interface StoredItemMeta extends ItemMeta {
  externalId: string;
  kind: ItemDescriptor["kind"];
  version: string;
  contentVersion?: string;
  path: string;
  name: string;
  parentExternalId?: string;
  contentType: string;
  sha256: string;
  modifiedAt?: string;
  /** The full enumeration that last listed the item. */
  seen?: string;
  metadata: Record<string, unknown>;
}

export interface SegmentEnv {
  connector: UnitConnector;
  vault: Vault;
  unit: DiscoveredUnit;
  source: string;
  unitId: string;
  retainUntil: Date;
  now: () => number;
  newEnumerationId: () => string;
  heartbeat?: (details: { cursor: string | null; stats: SegmentStats }) => void;
  signal?: AbortSignal;
  /** Changes per page asked of the provider (default: the connector's). */
  pageSize?: number;
  /** Attempts per item when reading its content fails transiently mid-stream. Default 3. */
  readAttempts?: number;
  /**
   * Reading ahead within a page (see read-ahead.ts). Default: 4 items, 4 MiB each, 32 MiB in all;
   * `reads: 0` reads every item at its turn.
   */
  readAhead?: Partial<ReadAheadLimits>;
}

export interface SegmentOutcome {
  vaultSnapshotId: string;
  progress: UnitProgress;
  done: boolean;
  stats: SegmentStats;
  versions: VersionRecord[];
  deleted: string[];
  issues: IssueRecord[];
}

/** The source cannot be read at all (consent revoked, app removed): the run fails with this. */
export class SourceDisconnectedError extends Error {
  override readonly name = "SourceDisconnectedError";
}

const ISSUE_FOR: Partial<Record<ConnectorErrorCode, IssueCode>> = {
  rate_limited: "rate_limited",
  unsupported: "unsupported",
  permission_denied: "permission",
  not_found: "not_found",
  transient: "failed",
  invalid: "failed",
  conflict: "failed",
  resync_required: "failed",
};

async function* hashing(body: AsyncIterable<Uint8Array>, into: { hash: ReturnType<typeof createHash>; bytes: number }): AsyncGenerator<Uint8Array> {
  const it = body[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Uint8Array>;
    try {
      next = await it.next();
    } catch (e) {
      throw new SourceReadError(e);
    }
    if (next.done) return;
    into.hash.update(next.value);
    into.bytes += next.value.byteLength;
    yield next.value;
  }
}

function metaOf(item: SnapshotItem): StoredItemMeta | undefined {
  const m = item.meta as Partial<StoredItemMeta>;
  return typeof m.externalId === "string" && typeof m.version === "string" ? (m as StoredItemMeta) : undefined;
}

const EMPTY_SHA256 = createHash("sha256").digest("hex");

class Segment {
  readonly stats: SegmentStats = { ...EMPTY_STATS };
  readonly versions: VersionRecord[] = [];
  readonly deleted: string[] = [];
  readonly issues: IssueRecord[] = [];
  /** Parent items by external id. */
  readonly #parent = new Map<string, SnapshotItem>();
  /** Items this segment has decided, by external id → the version decided. */
  readonly #decided = new Map<string, string>();

  readonly #limits: ReadAheadLimits;

  constructor(
    private readonly env: SegmentEnv,
    private readonly writer: SnapshotWriter,
    parentItems: readonly SnapshotItem[],
    private progress: UnitProgress,
  ) {
    this.#limits = readAheadLimits(env.readAhead);
    for (const item of parentItems) {
      const meta = metaOf(item);
      if (meta) this.#parent.set(meta.externalId, item);
    }
  }

  get currentProgress(): UnitProgress {
    return this.progress;
  }

  /** Applies one page. Returns false when an item changed twice within the segment (see below). */
  async apply(page: ChangePage): Promise<boolean> {
    for (const change of page.changes) {
      const id = change.op === "upsert" ? change.item.externalId : change.externalId;
      const decided = this.#decided.get(id);
      if (decided !== undefined) {
        // Listed again in the same segment. The same version is a repeat (delta pages may repeat
        // an item); a different one cannot be applied to a snapshot that already holds the item,
        // so the segment ends before this page and the next segment re-reads it.
        if (change.op === "upsert" && change.item.version === decided) continue;
        return false;
      }
    }
    // Within one page the last change of an item is its state.
    const last = new Map<string, number>();
    page.changes.forEach((c, i) => last.set(c.op === "upsert" ? c.item.externalId : c.externalId, i));
    // The changes the loop below will decide, and of them the items it will certainly read: those
    // are read ahead, a few at a time, while the loop stores them one by one in page order.
    const applies = (c: ChangePage["changes"][number], i: number): boolean => {
      const id = c.op === "upsert" ? c.item.externalId : c.externalId;
      return last.get(id) === i && !this.#decided.has(id);
    };
    const toRead = page.changes.flatMap((c, i) => (c.op === "upsert" && applies(c, i) && this.#mustRead(c.item) ? [c.item] : []));
    const ahead = new ReadAhead(toRead, this.#limits, (item, signal) => this.env.connector.readItem(this.env.unit, item, { signal }), this.env.signal);
    try {
      for (const [i, change] of page.changes.entries()) {
        const id = change.op === "upsert" ? change.item.externalId : change.externalId;
        this.stats.listed++;
        if (!applies(change, i)) continue;
        if (change.op === "delete") {
          this.#decided.set(id, "\u0000deleted");
          this.#delete(id);
        } else {
          this.#decided.set(id, change.item.version);
          await this.#upsert(change.item, ahead);
        }
      }
    } finally {
      // On an error, reads still under way are cancelled and their results dropped here, before
      // the segment's error goes up (nothing is left running, nothing rejects unobserved).
      await ahead.close();
    }
    return true;
  }

  /** Whether `#upsert` will read the item (rather than mark or carry it), known before its turn. */
  #mustRead(item: ItemDescriptor): boolean {
    if (!item.hasContent) return false;
    if (item.size !== undefined && item.size > this.#limits.maxItemBytes) return false; // read at its turn, streamed
    return !this.#carryPlan(item)?.sameContent;
  }

  #carryPlan(item: ItemDescriptor): { prevItem: SnapshotItem; prev: StoredItemMeta; path: string; unchanged: boolean; sameContent: boolean } | undefined {
    const prevItem = this.#parent.get(item.externalId);
    const prev = prevItem ? metaOf(prevItem) : undefined;
    if (!prevItem || !prev) return undefined;
    const path = vaultPathFor(item, prev.contentType);
    const unchanged = prev.version === item.version && prevItem.path === path;
    const sameContent = unchanged || (item.contentVersion !== undefined && prev.contentVersion === item.contentVersion);
    return { prevItem, prev, path, unchanged, sameContent };
  }

  #delete(externalId: string): void {
    this.deleted.push(externalId);
    this.stats.deleted++;
  }

  #meta(item: ItemDescriptor, contentType: string, sha256: string, prev?: StoredItemMeta): StoredItemMeta {
    const seen = this.progress.full ? this.progress.enumeration : prev?.seen;
    return {
      externalId: item.externalId,
      kind: item.kind,
      version: item.version,
      ...(item.contentVersion !== undefined ? { contentVersion: item.contentVersion } : {}),
      path: item.path,
      name: item.name,
      ...(item.parentExternalId !== undefined ? { parentExternalId: item.parentExternalId } : {}),
      contentType,
      sha256,
      ...(item.modifiedAt !== undefined ? { modifiedAt: item.modifiedAt } : {}),
      ...(seen !== undefined ? { seen } : {}),
      metadata: item.metadata,
    };
  }

  #record(item: ItemDescriptor, vaultPath: string, size: number, sha256: string): void {
    this.versions.push({
      externalId: item.externalId,
      kind: item.kind,
      version: item.version,
      path: item.path,
      name: item.name,
      ...(item.parentExternalId !== undefined ? { parentExternalId: item.parentExternalId } : {}),
      size,
      contentSha256: sha256,
      vaultPath,
      ...(item.modifiedAt !== undefined ? { modifiedAt: item.modifiedAt } : {}),
      metadata: item.metadata,
    });
  }

  async #upsert(item: ItemDescriptor, ahead: ReadAhead): Promise<void> {
    const prevItem = this.#parent.get(item.externalId);
    const prev = prevItem ? metaOf(prevItem) : undefined;

    if (!item.hasContent) {
      const path = folderMarkerPath(item);
      if (prevItem && prev && prev.version === item.version && prevItem.path === path) {
        this.writer.carryOver(prevItem.path, this.#meta(item, prev.contentType, EMPTY_SHA256, prev));
        this.stats.carried++;
        return;
      }
      await this.writer.putItem(path, new Uint8Array(0), this.#meta(item, "application/x-directory", EMPTY_SHA256, prev));
      this.#record(item, path, 0, EMPTY_SHA256);
      return;
    }

    const plan = this.#carryPlan(item);
    if (plan?.sameContent && this.#tryCarry(plan.prevItem, this.#meta(item, plan.prev.contentType, plan.prev.sha256, plan.prev), plan.path)) {
      this.stats.carried++;
      // Unchanged: nothing new to catalogue. Moved, renamed or relabelled: a new version.
      if (!plan.unchanged) this.#record(item, plan.path, plan.prevItem.size, plan.prev.sha256);
      return;
    }
    // Read ahead when `#mustRead` said so; otherwise (too large to buffer, or its carry-over
    // failed just now) read here, as the first attempt.
    const early = ahead.take(item);
    await this.#read(item, prevItem, early);
  }

  #tryCarry(prevItem: SnapshotItem, meta: StoredItemMeta, as: string): boolean {
    try {
      this.writer.carryOver(prevItem.path, meta, as);
      return true;
    } catch {
      // Its blobs are gone from every index (collected, or never indexed): read it again.
      return false;
    }
  }

  /** `early`: the first attempt, made ahead of the item's turn; it counts as one of the attempts. */
  async #read(item: ItemDescriptor, prevItem: SnapshotItem | undefined, early: Promise<EarlyRead> | undefined): Promise<void> {
    const attempts = this.env.readAttempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      const first = attempt === 1 && early ? await early : undefined;
      try {
        if (first && !first.ok) throw first.error;
        const content = first?.ok ? first.content : await this.env.connector.readItem(this.env.unit, item, { signal: this.env.signal });
        const path = vaultPathFor(item, content.contentType);
        const sink = { hash: createHash("sha256"), bytes: 0 };
        const meta = this.#meta(item, content.contentType, "", prevItem ? metaOf(prevItem) : undefined);
        await this.writer.putItem(path, hashing(content.body, sink), meta);
        const sha256 = sink.hash.digest("hex");
        this.writer.setMeta(path, { ...meta, sha256 });
        this.stats.stored++;
        this.stats.bytesRead += sink.bytes;
        this.#record(item, path, sink.bytes, sha256);
        return;
      } catch (e) {
        const cause = e instanceof SourceReadError ? e.original : e;
        const fromSource = e instanceof SourceReadError || isConnectorError(cause);
        if (!fromSource) throw e; // the vault failed: the activity retries the segment
        if (isConnectorError(cause, "disconnected")) throw new SourceDisconnectedError(cause.message);
        if (isConnectorError(cause, "not_found")) {
          // Gone between listing and reading: it was deleted.
          this.#delete(item.externalId);
          return;
        }
        const retryable = !isConnectorError(cause) || cause.retryable;
        if (retryable && attempt < attempts) continue;
        const code: IssueCode = isConnectorError(cause) ? (ISSUE_FOR[cause.code] ?? "failed") : "failed";
        const issue: IssueRecord = { externalId: item.externalId, path: item.path, code, message: cause instanceof Error ? cause.message : String(cause) };
        // The version we hold stays in the backup (it is the last one we could capture).
        if (prevItem) {
          const prev = metaOf(prevItem);
          if (prev && this.#tryCarry(prevItem, this.progress.full ? { ...prev, seen: this.progress.enumeration } : prev, prevItem.path)) this.stats.carried++;
          else issue.message += "; the previously captured version could not be kept in this snapshot either";
        }
        this.issues.push(issue);
        this.stats.issues++;
        return;
      } finally {
        first?.release();
      }
    }
  }

  /** Carries every parent item nobody decided; at the end of a full enumeration, unlisted ones are deleted. */
  finish(done: boolean): void {
    for (const [externalId, item] of this.#parent) {
      if (this.#decided.has(externalId)) continue;
      const meta = metaOf(item);
      if (done && this.progress.full && meta?.seen !== this.progress.enumeration) {
        this.#delete(externalId);
        continue;
      }
      this.writer.carryOver(item.path);
      this.stats.carried++;
    }
  }

  restart(): void {
    this.progress = { ...this.progress, cursor: null, full: true, enumeration: this.env.newEnumerationId() };
  }
}

/**
 * Runs one segment and commits its snapshot. The caller records the outcome in the catalogue
 * (after the commit: a crash in between repeats the segment, and recording is idempotent).
 */
export async function runSegment(env: SegmentEnv, progress: UnitProgress, budget: SegmentBudget): Promise<SegmentOutcome> {
  const started = env.now();
  const parentItems = progress.parent === null ? [] : (await env.vault.readSnapshot(progress.parent)).items;
  const writer = await env.vault.startSnapshot({
    source: env.source,
    unit: env.unitId,
    startedAt: new Date(started),
    retainUntil: env.retainUntil,
    ...(progress.parent === null ? {} : { parent: progress.parent }),
  });
  try {
    const seg = new Segment(env, writer, parentItems, progress);
    let done = false;
    let resynced = false;
    let cursor = progress.cursor;
    for (;;) {
      let page: ChangePage;
      try {
        page = await env.connector.listChanges(env.unit, cursor, { signal: env.signal, ...(env.pageSize ? { pageSize: env.pageSize } : {}) });
      } catch (e) {
        if (isConnectorError(e, "resync_required") && !resynced) {
          // The provider forgot our cursor: enumerate everything again (dedup keeps it cheap).
          resynced = true;
          seg.restart();
          cursor = null;
          continue;
        }
        if (isConnectorError(e, "disconnected")) throw new SourceDisconnectedError(e.message);
        throw e;
      }
      if (cursor === null && !seg.currentProgress.full) seg.restart();
      const applied = await seg.apply(page);
      if (!applied) break; // re-read this page in the next segment, from `cursor`
      cursor = page.cursor;
      env.heartbeat?.({ cursor, stats: seg.stats });
      if (page.done) {
        done = true;
        break;
      }
      if (seg.stats.listed >= budget.maxItems || env.now() - started >= budget.maxMs) break;
    }
    seg.finish(done);
    const vaultSnapshotId = await writer.commit();
    const stats = { ...seg.stats, bytesUploaded: writer.stats.bytesUploaded };
    const p = seg.currentProgress;
    const next: UnitProgress = done
      ? { parent: vaultSnapshotId, cursor, full: false, enumeration: p.enumeration, stats: addStats(p.stats, stats), segments: p.segments + 1 }
      : { ...p, parent: vaultSnapshotId, cursor, stats: addStats(p.stats, stats), segments: p.segments + 1 };
    return { vaultSnapshotId, progress: next, done, stats, versions: seg.versions, deleted: seg.deleted, issues: seg.issues };
  } catch (e) {
    // The segment's own error is the one to report; packs an abort leaves behind are unreferenced
    // and garbage collection removes them once their locks pass.
    await writer.abort().catch(() => undefined);
    throw e;
  }
}
