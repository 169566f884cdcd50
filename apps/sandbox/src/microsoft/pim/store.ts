// One user's Outlook calendar or contacts: a keyed collection with Exchange-style change
// tracking for Graph's delta queries (event: delta, contact: delta). Seeded items are a pure
// function of (seed, user, i) and the day, materialized on first use (the counts are small); every change
// takes the next value of a sequence, deletions leave tombstones, and a token older than the
// retained tombstones (or expired through the control API) is answered 410 syncStateNotFound.
import { pimToday } from "./data";
export interface PimItem<T> {
  id: string;
  /** Insertion order, the tie-breaker between items with the same sequence. */
  ord: number;
  seq: number;
  createdAt: number;
  modifiedAt: number;
  data: T;
  /** The data before the last change (a calendar delta reports occurrences a change removed). */
  prev?: T;
}

/** A position in a round: items are ordered by (seq, ord). */
export interface Cursor {
  seq: number;
  ord: number;
}

export interface PimChange<T> {
  seq: number;
  ord: number;
  id: string;
  item?: PimItem<T>;
  /** For a tombstone: the item as it was when deleted. */
  removed?: PimItem<T>;
}

export class PimStore<T> {
  private readonly items = new Map<string, PimItem<T>>();
  private tombstones: { seq: number; ord: number; id: string; removed: PimItem<T> }[] = [];
  private seqValue = 1;
  private floorSeq = 0;
  private nextOrd = 0;
  /** Logical clock for changes (from today's midnight, after every seeded creation), so mutations stay deterministic within a day. */
  private clock = pimToday();

  constructor(
    private readonly makeId: (ord: number) => string,
    private readonly historyRetention: number,
    seed: Iterable<{ createdAt: number; data: T }>,
  ) {
    for (const s of seed) this.insert(s.data, 0, s.createdAt);
  }

  get seq(): number {
    return this.seqValue;
  }

  get size(): number {
    return this.items.size;
  }

  get(id: string): PimItem<T> | undefined {
    return this.items.get(id);
  }

  list(): PimItem<T>[] {
    return [...this.items.values()];
  }

  private bump(): number {
    this.clock += 1_000;
    return ++this.seqValue;
  }

  private insert(data: T, seq: number, at: number): PimItem<T> {
    const ord = this.nextOrd++;
    const item = { id: this.makeId(ord), ord, seq, createdAt: at, modifiedAt: at, data };
    this.items.set(item.id, item);
    return item;
  }

  create(data: T): PimItem<T> {
    const seq = this.bump();
    return this.insert(data, seq, this.clock);
  }

  update(id: string, change: (data: T) => T): PimItem<T> | undefined {
    const item = this.items.get(id);
    if (!item) return undefined;
    Object.assign(item, { prev: item.data, data: change(item.data), seq: this.bump(), modifiedAt: this.clock });
    return item;
  }

  delete(id: string): PimItem<T> | undefined {
    const item = this.items.get(id);
    if (!item) return undefined;
    this.items.delete(id);
    this.tombstones.push({ seq: this.bump(), ord: item.ord, id, removed: item });
    if (this.tombstones.length > this.historyRetention) {
      const drop = this.tombstones.length - this.historyRetention;
      this.floorSeq = this.tombstones[drop - 1]?.seq ?? this.floorSeq;
      this.tombstones = this.tombstones.slice(drop);
    }
    return item;
  }

  expireHistory(): void {
    this.tombstones = [];
    this.floorSeq = this.bump();
  }

  answerable(since: number): boolean {
    return since >= this.floorSeq;
  }

  /**
   * A round's entries after `after`: with `since` undefined every live item (a full round),
   * else items changed in (since, upto] and tombstones of items deleted then.
   */
  changes(since: number | undefined, upto: number, after: Cursor | undefined): PimChange<T>[] {
    const out: PimChange<T>[] = [];
    for (const item of this.items.values()) {
      if (item.seq > upto) continue;
      if (since === undefined || item.seq > since) out.push({ seq: item.seq, ord: item.ord, id: item.id, item });
    }
    if (since !== undefined) for (const t of this.tombstones) if (t.seq > since && t.seq <= upto) out.push(t);
    out.sort((a, b) => a.seq - b.seq || a.ord - b.ord);
    return after ? out.filter((e) => e.seq > after.seq || (e.seq === after.seq && e.ord > after.ord)) : out;
  }
}
