// One user's OneDrive for Business: a small folder tree and seeded files, text (mail exported as
// .eml from the corpus, CSV) and binary (PNG/PDF-looking bytes). As everywhere in the sandbox,
// seeded items are a pure function of (seed, user, i) and only changes are stored.
//
// Change tracking is drive-wide (driveItem: delta, https://learn.microsoft.com/graph/api/driveitem-delta):
// every change takes the next value of a sequence; a round from S returns items changed after
// S (current state) and deleted items as tombstones. Tombstones are kept for `historyRetention`
// changes; an older token is answered 410 Gone, code resyncRequired.
//
// Restores write through the same model (driveItem: put content, createUploadSession, create
// folder, update, delete): every content change of a file is a new version with the same id —
// OneDrive keeps the earlier versions (driveItem: list versions) and so does the sandbox, in
// memory, from the first change on; a deleted folder takes its descendants with it.
import { corpusMessage, corpusSize } from "../../data/corpus";
import { hash32, Rng } from "../../data/random";

export interface DriveItemState {
  index: number;
  id: string;
  name: string;
  parentIndex: number;
  folder: boolean;
  size: number;
  mimeType: string;
  createdAt: number;
  modifiedAt: number;
  version: number;
  seq: number;
}

export interface DrivePlan {
  seed: number;
  userIndex: number;
  email: string;
  files: number;
  historyRetention: number;
}

const FOLDERS: [name: string, parent: number][] = [
  ["root", -1],
  ["Documents", 0],
  ["Reports", 1],
  ["Pictures", 0],
  ["Projects", 0],
  ["Apollo", 4],
];
const BASE = FOLDERS.length;
const EPOCH = Date.UTC(2023, 0, 1);

type Override = Partial<Pick<DriveItemState, "name" | "parentIndex" | "seq" | "modifiedAt">>;

export interface DriveVersion {
  version: number;
  modifiedAt: number;
  size: number;
}

export class MsDrive {
  readonly tag: number;
  readonly id: string;
  private readonly deleted = new Set<number>();
  private readonly overrides = new Map<number, Override>();
  private readonly created = new Map<number, DriveItemState & { content: Buffer }>();
  /** Earlier versions of files, oldest first (the current one is the item itself). */
  private readonly history = new Map<number, (DriveVersion & { content: Buffer })[]>();
  private nextIndex: number;
  private seqValue = 1;
  private tombstones: { seq: number; item: DriveItemState }[] = [];
  private floorSeq = 0;
  private clock = Date.UTC(2025, 0, 1);

  constructor(readonly plan: DrivePlan) {
    this.tag = driveTag(plan);
    this.id = driveIdFor(plan);
    this.nextIndex = BASE + plan.files;
  }

  get seq(): number {
    return this.seqValue;
  }

  itemId(index: number): string {
    return `01SBX${this.tag.toString(16).padStart(8, "0").toUpperCase()}${index.toString(16).padStart(8, "0").toUpperCase()}`;
  }

  indexOf(id: string): number | undefined {
    const prefix = `01SBX${this.tag.toString(16).padStart(8, "0").toUpperCase()}`;
    if (id === "root") return 0;
    if (!id.startsWith(prefix) || id.length !== prefix.length + 8) return undefined;
    const i = parseInt(id.slice(prefix.length), 16);
    return Number.isNaN(i) ? undefined : i;
  }

  private seeded(i: number): DriveItemState & { source: { kind: "eml" | "csv" | "png" | "pdf"; corpus: number } } {
    if (i < BASE) {
      const [name, parent] = FOLDERS[i] ?? ["?", 0];
      // Renames and moves of seeded folders (driveItem: update) live in the overrides like a
      // file's; children's paths follow because path() walks the live parents.
      const folder: DriveItemState = { index: i, id: this.itemId(i), name, parentIndex: parent, folder: true, size: 0, mimeType: "", createdAt: EPOCH, modifiedAt: EPOCH, version: 1, seq: 0 };
      return { ...folder, ...this.overrides.get(i), source: { kind: "csv", corpus: 0 } };
    }
    const rng = Rng.from("ms-file", this.plan.seed, this.plan.userIndex, i);
    const kind = rng.pick(["eml", "eml", "csv", "png", "pdf"] as const);
    const corpus = rng.int(corpusSize());
    const parentIndex = rng.pick([0, 1, 2, 3, 4, 5]);
    const createdAt = EPOCH + rng.int(700) * 86_400_000 + rng.int(86_400_000);
    const ext = { eml: "eml", csv: "csv", png: "png", pdf: "pdf" }[kind];
    const mimeType = { eml: "message/rfc822", csv: "text/csv", png: "image/png", pdf: "application/pdf" }[kind];
    const size = kind === "png" || kind === "pdf" ? 2_000 + rng.int(120_000) : kind === "csv" ? 500 + rng.int(20_000) : 0;
    const base: DriveItemState = { index: i, id: this.itemId(i), name: `${kind === "eml" ? "Mail" : kind === "csv" ? "Ledger" : kind === "png" ? "Scan" : "Report"} ${i - BASE + 1}.${ext}`, parentIndex, folder: false, size, mimeType, createdAt, modifiedAt: createdAt, version: 1, seq: 0 };
    return { ...base, ...this.overrides.get(i), source: { kind, corpus } };
  }

  get(indexOrId: number | string): DriveItemState | undefined {
    const i = typeof indexOrId === "number" ? indexOrId : this.indexOf(indexOrId);
    if (i === undefined || this.deleted.has(i)) return undefined;
    const c = this.created.get(i);
    if (c) return strip(c);
    if (i >= BASE + this.plan.files) return undefined;
    return strip(this.seeded(i));
  }

  /** Every live item, folders first (parents before children), then files in index order. */
  *items(afterIndex = -1): Generator<DriveItemState> {
    for (let i = afterIndex + 1; i < this.nextIndex; i++) {
      const item = this.get(i);
      if (item) yield item;
    }
  }

  path(index: number): string {
    const parts: string[] = [];
    for (let it = this.get(index); it && it.index !== 0; it = this.get(it.parentIndex)) parts.unshift(it.name);
    return `/${parts.join("/")}`;
  }

  async content(indexOrId: number | string): Promise<Buffer | undefined> {
    const item = this.get(indexOrId);
    if (!item || item.folder) return undefined;
    const c = this.created.get(item.index);
    if (c) return c.content;
    const s = this.seeded(item.index);
    const rng = Rng.from("ms-file-content", this.plan.seed, this.plan.userIndex, item.index, s.version);
    switch (s.source.kind) {
      case "eml":
        return corpusMessage(s.source.corpus);
      case "csv": {
        let text = "date,account,amount,memo\r\n";
        while (text.length < s.size) text += `2024-${String(1 + rng.int(12)).padStart(2, "0")}-${String(1 + rng.int(28)).padStart(2, "0")},${4000 + rng.int(900)},${(rng.int(1_000_000) / 100).toFixed(2)},v${s.version}\r\n`;
        return Buffer.from(text.slice(0, s.size), "latin1");
      }
      case "png":
        return Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), rng.bytes(s.size - 8)]);
      case "pdf":
        return Buffer.concat([Buffer.from("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "latin1"), rng.bytes(s.size - 15)]);
    }
  }

  // ---- changing -------------------------------------------------------------------------

  private bump(): number {
    this.clock += 1_000;
    return ++this.seqValue;
  }

  /** A new version of a file (an edit, or an intruder's encryption): new content, same id. */
  async rewrite(index: number, transform?: (old: Buffer) => Buffer): Promise<DriveItemState | undefined> {
    const item = this.get(index);
    if (!item || item.folder) return undefined;
    const old = (await this.content(index)) ?? Buffer.alloc(0);
    const seq = this.bump();
    const bytes = transform ? transform(old) : Buffer.concat([old, Buffer.from(`\r\nedited in version ${item.version + 1}\r\n`)]);
    this.history.set(index, [...(this.history.get(index) ?? []), { version: item.version, modifiedAt: item.modifiedAt, size: old.length, content: old }]);
    // From here on the file is stored content, whatever it was seeded from.
    this.overrides.delete(index);
    const next = { ...item, size: bytes.length, version: item.version + 1, seq, modifiedAt: this.clock, content: bytes };
    this.created.set(index, next);
    return strip(next);
  }

  move(index: number, parentIndex: number): DriveItemState | undefined {
    const item = this.get(index);
    if (!item || item.folder) return undefined;
    return this.update(index, { parentIndex });
  }

  /** Rename and/or move any item but the root (driveItem: update). */
  update(index: number, change: { name?: string; parentIndex?: number }): DriveItemState | undefined {
    const item = this.get(index);
    if (!item || index === 0) return undefined;
    const seq = this.bump();
    const patch = { ...(change.name !== undefined ? { name: change.name } : {}), ...(change.parentIndex !== undefined ? { parentIndex: change.parentIndex } : {}), seq, modifiedAt: this.clock };
    const c = this.created.get(index);
    if (c) Object.assign(c, patch);
    else this.overrides.set(index, { ...this.overrides.get(index), ...patch });
    return this.get(index);
  }

  /** Whether `index` is `ancestor` or lies below it. */
  isWithin(index: number, ancestor: number): boolean {
    for (let it = this.get(index); it; it = it.index === 0 ? undefined : this.get(it.parentIndex)) if (it.index === ancestor) return true;
    return false;
  }

  /** Deletes an item (a folder with everything below it); each gets a tombstone for delta. */
  delete(index: number): DriveItemState | undefined {
    const item = this.get(index);
    if (!item || index === 0) return undefined;
    if (item.folder) for (const d of [...this.items()].filter((x) => x.index !== index && this.isWithin(x.index, index)).reverse()) this.deleteOne(d);
    this.deleteOne(item);
    return item;
  }

  private deleteOne(item: DriveItemState): void {
    const index = item.index;
    this.deleted.add(index);
    this.created.delete(index);
    this.overrides.delete(index);
    this.history.delete(index);
    this.tombstones.push({ seq: this.bump(), item });
    if (this.tombstones.length > this.plan.historyRetention) {
      const drop = this.tombstones.length - this.plan.historyRetention;
      this.floorSeq = this.tombstones[drop - 1]?.seq ?? this.floorSeq;
      this.tombstones = this.tombstones.slice(drop);
    }
  }

  createFolder(name: string, parentIndex: number): DriveItemState {
    const index = this.nextIndex++;
    const seq = this.bump();
    const item = { index, id: this.itemId(index), name, parentIndex, folder: true, size: 0, mimeType: "", createdAt: this.clock, modifiedAt: this.clock, version: 1, seq, content: Buffer.alloc(0) };
    this.created.set(index, item);
    return strip(item);
  }

  /** The live child of a folder with this name (OneDrive names are case-insensitive). */
  child(parentIndex: number, name: string): DriveItemState | undefined {
    const n = name.toLowerCase();
    for (const it of this.items()) if (it.parentIndex === parentIndex && it.index !== parentIndex && it.name.toLowerCase() === n) return it;
    return undefined;
  }

  /** conflictBehavior=rename: "report.pdf" → "report 1.pdf", "report 2.pdf", … */
  freeName(parentIndex: number, name: string): string {
    const dot = name.lastIndexOf(".");
    const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
    for (let k = 1; ; k++) {
      const candidate = `${stem} ${k}${ext}`;
      if (!this.child(parentIndex, candidate)) return candidate;
    }
  }

  /** Every version of a file, newest first (the current one included). */
  async versions(index: number): Promise<DriveVersion[]> {
    const item = this.get(index);
    if (!item || item.folder) return [];
    const older = (this.history.get(index) ?? []).map((v) => ({ version: v.version, modifiedAt: v.modifiedAt, size: v.size }));
    const size = (await this.content(index))?.length ?? 0;
    return [...older, { version: item.version, modifiedAt: item.modifiedAt, size }].reverse();
  }

  async versionContent(index: number, version: number): Promise<Buffer | undefined> {
    const item = this.get(index);
    if (!item || item.folder) return undefined;
    if (version === item.version) return this.content(index);
    return this.history.get(index)?.find((v) => v.version === version)?.content;
  }

  create(name: string, parentIndex: number, content: Buffer, mimeType: string): DriveItemState {
    const index = this.nextIndex++;
    const seq = this.bump();
    const item = { index, id: this.itemId(index), name, parentIndex, folder: false, size: content.length, mimeType, createdAt: this.clock, modifiedAt: this.clock, version: 1, seq, content };
    this.created.set(index, item);
    return strip(item);
  }

  expireHistory(): void {
    this.tombstones = [];
    this.floorSeq = this.bump();
  }

  answerable(seq: number): boolean {
    return seq >= this.floorSeq;
  }

  /** Items changed in (since, upto] and tombstones, by sequence, after `afterSeq`. */
  changes(since: number, upto: number, afterSeq: number): { seq: number; item: DriveItemState; deleted: boolean }[] {
    const from = Math.max(since, afterSeq);
    const out: { seq: number; item: DriveItemState; deleted: boolean }[] = [];
    for (const i of new Set([...this.overrides.keys(), ...this.created.keys()])) {
      const it = this.get(i);
      if (it && it.seq > from && it.seq <= upto) out.push({ seq: it.seq, item: it, deleted: false });
    }
    for (const t of this.tombstones) if (t.seq > from && t.seq <= upto && !this.get(t.item.index)) out.push({ seq: t.seq, item: t.item, deleted: true });
    return out.sort((a, b) => a.seq - b.seq);
  }
}

function driveTag(plan: Pick<DrivePlan, "seed" | "userIndex" | "email">): number {
  return hash32("ms-drive", plan.seed, plan.userIndex, plan.email);
}

/** OneDrive for Business drive ids start "b!"; ours are derived without creating the drive. */
export function driveIdFor(plan: Pick<DrivePlan, "seed" | "userIndex" | "email">): string {
  return `b!${Rng.from("drive-id", driveTag(plan)).bytes(24).toString("base64url")}`;
}

function strip(s: DriveItemState): DriveItemState {
  return { index: s.index, id: s.id, name: s.name, parentIndex: s.parentIndex, folder: s.folder, size: s.size, mimeType: s.mimeType, createdAt: s.createdAt, modifiedAt: s.modifiedAt, version: s.version, seq: s.seq };
}
