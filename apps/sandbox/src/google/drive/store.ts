// The Drive state of a Google tenant: one "space" per user (their My Drive) and one shared drive
// for the tenant. Each space owns its files and its change log. Seeded files are created on the
// first use of a space, as metadata only (content is generated on demand, see content.ts).
//
// Change tracking follows changes.list (https://developers.google.com/drive/api/guides/manage-changes):
// every change to a file appends (seq, fileId) to its space's log; a page token is the next seq
// to report. The log keeps `retention` entries; an older token is answered as an invalid one.
import { Rng } from "../../data/random";
import type { Content } from "./content";

export const FOLDER = "application/vnd.google-apps.folder";
export const DOC = "application/vnd.google-apps.document";
export const SHEET = "application/vnd.google-apps.spreadsheet";

export interface GRevision {
  id: string;
  modifiedTime: number;
  content: Content;
  originalFilename: string;
}

export interface GFile {
  id: string;
  name: string;
  mimeType: string;
  parents: string[];
  spaceId: string;
  /** Set for files in a shared drive. */
  driveId?: string;
  ownerEmail?: string;
  trashed: boolean;
  createdTime: number;
  modifiedTime: number;
  version: number;
  /** Oldest first; the last one is the head. Folders have none. */
  revisions: GRevision[];
}

export interface ChangeEntry {
  seq: number;
  fileId: string;
  time: number;
}

const EPOCH = Date.UTC(2023, 0, 1);

export function fileId(...key: (string | number)[]): string {
  return `1${Rng.from("gd-id", ...key).bytes(24).toString("base64url").slice(0, 32)}`;
}

export class DriveSpace {
  readonly files = new Map<string, GFile>();
  /** Creation order, for stable paging (deleted ids stay until compaction). */
  readonly order: string[] = [];
  private log: ChangeEntry[] = [];
  private seqValue = 1;
  private floorSeq = 1;
  clock = Date.UTC(2025, 0, 1);

  constructor(
    readonly id: string,
    readonly kind: "user" | "shared",
    readonly name: string,
    private readonly retention: number,
  ) {}

  /** The token changes.getStartPageToken hands out: the next change to happen. */
  get startPageToken(): number {
    return this.seqValue;
  }

  add(f: GFile, logged: boolean): GFile {
    this.files.set(f.id, f);
    this.order.push(f.id);
    if (logged) this.touch(f.id);
    return f;
  }

  touch(id: string): void {
    this.clock += 1_000;
    this.log.push({ seq: this.seqValue++, fileId: id, time: this.clock });
    if (this.log.length > this.retention) {
      const drop = this.log.length - this.retention;
      this.floorSeq = (this.log[drop - 1]?.seq ?? this.floorSeq) + 1;
      this.log = this.log.slice(drop);
    }
  }

  remove(id: string): GFile | undefined {
    const f = this.files.get(id);
    if (!f) return undefined;
    this.files.delete(id);
    this.touch(id);
    return f;
  }

  /** Every token issued so far becomes too old; a fresh getStartPageToken works again. */
  expireHistory(): void {
    this.log = [];
    this.floorSeq = ++this.seqValue;
  }

  /** Entries from `token` on, or undefined when the token is older than the log or in the future. */
  changesFrom(token: number): ChangeEntry[] | undefined {
    if (token < this.floorSeq || token > this.seqValue) return undefined;
    return this.log.filter((e) => e.seq >= token);
  }

  path(f: GFile): string {
    const parts = [f.name];
    for (let p = this.files.get(f.parents[0] ?? ""); p && p.id !== this.id; p = this.files.get(p.parents[0] ?? "")) parts.unshift(p.name);
    return `/${parts.join("/")}`;
  }

  *live(): Generator<GFile> {
    for (const id of this.order) {
      const f = this.files.get(id);
      if (f) yield f;
    }
  }
}

const FOLDERS: [name: string, parent: number][] = [
  ["Documents", -1],
  ["Reports", 0],
  ["Pictures", -1],
  ["Projects", -1],
  ["Apollo", 3],
];

const KINDS = [
  { ext: "txt", mimeType: "text/plain", text: true, magic: undefined },
  { ext: "csv", mimeType: "text/csv", text: true, magic: undefined },
  { ext: "png", mimeType: "image/png", text: false, magic: "\x89PNG\r\n\x1a\n" },
  { ext: "pdf", mimeType: "application/pdf", text: false, magic: "%PDF-1.7\n" },
  { ext: "", mimeType: DOC, text: true, magic: undefined },
  { ext: "", mimeType: SHEET, text: true, magic: undefined },
] as const;

/** Seeds a space: five folders, then `count` files, every 50th (if binary) a large (2–4 MiB) binary. */
export function seedSpace(space: DriveSpace, seed: number, count: number, ownerEmail: string | undefined): void {
  const driveId = space.kind === "shared" ? space.id : undefined;
  const root = space.id;
  const folderIds: string[] = [];
  FOLDERS.forEach(([name, parent], i) => {
    const id = fileId(seed, space.id, "folder", i);
    folderIds.push(id);
    space.add({ id, name, mimeType: FOLDER, parents: [parent < 0 ? root : (folderIds[parent] ?? root)], spaceId: space.id, driveId, ownerEmail, trashed: false, createdTime: EPOCH, modifiedTime: EPOCH, version: 1, revisions: [] }, false);
  });
  for (let i = 0; i < count; i++) {
    const rng = Rng.from("gd-file", seed, space.id, i);
    const kind = rng.pick(KINDS);
    const id = fileId(seed, space.id, "file", i);
    const parent = rng.chance(0.2) ? root : rng.pick(folderIds);
    const created = EPOCH + rng.int(600) * 86_400_000 + rng.int(86_400_000);
    const large = !kind.text && i % 50 === 49;
    const size = large ? 2 * 1024 * 1024 + rng.int(2 * 1024 * 1024) : kind.text ? 200 + rng.int(20_000) : 1_000 + rng.int(200_000);
    const native = kind.mimeType === DOC || kind.mimeType === SHEET;
    // A third of the files have an older revision (binary ones carry its bytes, natives only metadata).
    const revs = rng.chance(0.33) ? 2 : 1;
    const revisions: GRevision[] = [];
    for (let r = 0; r < revs; r++) {
      const key = `${seed}:${space.id}:${i}:r${r}`;
      const content: Content = native ? { kind: "doc", key, paragraphs: 3 + rng.int(40), sheet: kind.mimeType === SHEET } : { kind: "gen", key, size: size + r * 17, text: kind.text, magic: kind.magic };
      revisions.push({ id: native ? `ALm${fileId(key).slice(1, 20)}` : fileId(key, "rev"), modifiedTime: created + r * 3_600_000, content, originalFilename: "" });
    }
    const name = native ? `${kind.mimeType === DOC ? "Notes" : "Budget"} ${i + 1}` : `${kind.ext === "png" ? "Scan" : kind.ext === "pdf" ? "Report" : kind.ext === "csv" ? "Ledger" : "Memo"} ${i + 1}.${kind.ext}`;
    for (const r of revisions) r.originalFilename = name;
    space.add({ id, name, mimeType: kind.mimeType, parents: [parent], spaceId: space.id, driveId, ownerEmail, trashed: false, createdTime: created, modifiedTime: revisions[revisions.length - 1]?.modifiedTime ?? created, version: revs, revisions }, false);
  }
}

/** Extra binary files at the root (the control API's `largeFilesMiB`): content generated per chunk on download. */
export function seedLargeFiles(space: DriveSpace, seed: number, sizesMiB: number[], ownerEmail: string | undefined): void {
  for (const mib of sizesMiB) {
    const id = fileId(seed, space.id, "large", mib);
    const name = `Large ${mib} MiB.bin`;
    const revision: GRevision = { id: fileId(id, "rev"), modifiedTime: EPOCH, content: { kind: "gen", key: `${seed}:${space.id}:large:${mib}`, size: mib * 1024 * 1024, text: false }, originalFilename: name };
    space.add({ id, name, mimeType: "application/octet-stream", parents: [space.id], spaceId: space.id, ownerEmail, trashed: false, createdTime: EPOCH, modifiedTime: EPOCH, version: 1, revisions: [revision] }, false);
  }
}
