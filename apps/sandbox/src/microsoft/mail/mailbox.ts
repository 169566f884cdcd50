// One user's Exchange Online mailbox as Graph sees it: a folder tree and messages in folders.
// As with Gmail, seeded messages are never stored: message i is a pure function of (seed, user,
// i); changes live in a sparse overlay, so memory grows with what changed.
//
// Change tracking (https://learn.microsoft.com/graph/api/message-delta) is per folder: every
// change takes the next value of a mailbox-wide sequence. A message remembers the sequence of its
// last change; leaving a folder (move, delete) appends a removal record for that folder. A delta
// round from sequence S returns messages now in the folder changed after S, and "@removed" for
// those that left it. Removal records are retained for `historyRetention` changes; a token older
// than that is answered 410 Gone (syncStateNotFound) and the client must sync the folder again.
import { corpusEntry, corpusMessage, corpusSize } from "../../data/corpus";
import { hash32, Rng } from "../../data/random";
import { folderId, messageId, parseMessageId } from "../ids";
import type { ComposeInput } from "./compose";

export interface Folder {
  key: string;
  id: string;
  displayName: string;
  /** Parent folder key; "root" (msgfolderroot) for top-level folders. */
  parentKey: string;
  /** Graph's well-known folder name, usable in place of the id (inbox, sentitems, …). */
  wellKnownName?: string;
  /** mailFolder.isHidden: left out of lists unless `includeHiddenFolders=true`. */
  isHidden?: boolean;
}

/** Why a folder change was refused; the routes turn it into Graph's error. */
export type FolderRefusal = "exists" | "wellKnown";

export interface MessageState {
  index: number;
  id: string;
  folderKey: string;
  receivedAt: number;
  createdAt: number;
  lastModifiedAt: number;
  isRead: boolean;
  flagged: boolean;
  isDraft: boolean;
  /** Sequence of the last change (0: untouched seed data); also the change key. */
  seq: number;
}

interface Stored extends MessageState {
  raw: Buffer;
}

interface Removal {
  seq: number;
  index: number;
  folderKey: string;
}

export interface MailboxPlan {
  seed: number;
  userIndex: number;
  email: string;
  count: number;
  historyRetention: number;
}

export const ROOT_KEY = "root";
const WELL_KNOWN: [key: string, name: string][] = [
  ["inbox", "Inbox"],
  ["drafts", "Drafts"],
  ["sentitems", "Sent Items"],
  ["deleteditems", "Deleted Items"],
  ["junkemail", "Junk Email"],
  ["archive", "Archive"],
  ["outbox", "Outbox"],
];
/** Nested user folders, the realistic case a backup must preserve: [key, name, parent]. */
const USER_FOLDERS: [key: string, name: string, parent: string][] = [
  ["projects", "Projects", "inbox"],
  ["apollo", "Apollo", "projects"],
  ["receipts", "Receipts", "inbox"],
  ["clients", "Clients", ROOT_KEY],
];

export const SEED_END = Date.UTC(2025, 0, 1);
const SEED_SPAN_MS = 730 * 86_400_000;

export class MsMailbox {
  readonly tag: number;
  readonly folders: Folder[];
  /** JSON sources of messages created through Graph, by id (attachments re-render them). */
  readonly composed = new Map<string, ComposeInput>();
  private readonly byKey = new Map<string, Folder>();
  private readonly step: number;
  private readonly deleted = new Set<number>();
  private readonly overrides = new Map<number, Partial<MessageState>>();
  private readonly stored = new Map<number, Stored>();
  private nextIndex: number;
  private clock = SEED_END + 60_000;
  private seqValue = 1;
  private removals: Removal[] = [];
  /** The oldest delta sequence still answerable. */
  private floorSeq = 0;
  /** Folders created through Graph get keys "c1", "c2", … (seeded keys are words). */
  private nextFolder = 1;

  constructor(readonly plan: MailboxPlan) {
    this.tag = hash32("ms-mailbox", plan.seed, plan.userIndex, plan.email);
    this.folders = [
      ...WELL_KNOWN.map(([key, displayName]) => ({ key, id: folderId(this.tag, key), displayName, parentKey: ROOT_KEY, wellKnownName: key })),
      ...USER_FOLDERS.map(([key, displayName, parentKey]) => ({ key, id: folderId(this.tag, key), displayName, parentKey })),
    ];
    for (const f of this.folders) this.byKey.set(f.key, f);
    this.step = Math.max(2_000, Math.floor(SEED_SPAN_MS / Math.max(1, plan.count)));
    this.nextIndex = plan.count;
  }

  get rootId(): string {
    return folderId(this.tag, ROOT_KEY);
  }

  get seq(): number {
    return this.seqValue;
  }

  get size(): number {
    return this.plan.count - this.deleted.size + this.stored.size;
  }

  /** By id or well-known name (case-insensitive, as Graph accepts them). */
  folder(idOrName: string): Folder | undefined {
    const lower = idOrName.toLowerCase();
    if (lower === "msgfolderroot") return { key: ROOT_KEY, id: this.rootId, displayName: "Top of Information Store", parentKey: "" };
    const wellKnown = this.byKey.get(lower);
    return wellKnown?.wellKnownName ? wellKnown : this.folders.find((f) => f.id === idOrName);
  }

  folderByKey(key: string): Folder | undefined {
    return this.byKey.get(key);
  }

  children(parentKey: string): Folder[] {
    return this.folders.filter((f) => f.parentKey === parentKey);
  }

  /** Whether `key` is `ancestor` or lies below it. */
  isWithin(key: string, ancestor: string): boolean {
    for (let f = this.byKey.get(key); f; f = this.byKey.get(f.parentKey)) if (f.key === ancestor) return true;
    return ancestor === ROOT_KEY;
  }

  private sibling(parentKey: string, displayName: string, except?: string): Folder | undefined {
    const name = displayName.toLowerCase();
    return this.children(parentKey).find((f) => f.key !== except && f.displayName.toLowerCase() === name);
  }

  /**
   * mailFolder create (user: post mailFolders, mailFolder: post childFolders): a new, empty
   * folder under `parentKey`. Exchange folder names are unique among siblings, ignoring case.
   */
  createFolder(parentKey: string, displayName: string, isHidden = false): Folder | FolderRefusal {
    if (this.sibling(parentKey, displayName)) return "exists";
    const key = `c${this.nextFolder++}`;
    const f: Folder = { key, id: folderId(this.tag, key), displayName, parentKey, ...(isHidden ? { isHidden } : {}) };
    this.folders.push(f);
    this.byKey.set(key, f);
    return f;
  }

  /** mailFolder update: a new displayName (well-known folders keep theirs). */
  renameFolder(key: string, displayName: string): Folder | FolderRefusal {
    const f = this.byKey.get(key);
    if (!f || f.wellKnownName) return "wellKnown";
    if (this.sibling(f.parentKey, displayName, key)) return "exists";
    f.displayName = displayName;
    return f;
  }

  /**
   * mailFolder delete, as Exchange does it: the folder, with its subfolders and messages, moves
   * to Deleted Items (messages keep their folder, so nothing changes for message delta); one
   * already in Deleted Items is removed for good, its messages with it. Well-known folders stay.
   */
  deleteFolder(key: string): "moved" | "purged" | FolderRefusal {
    const f = this.byKey.get(key);
    if (!f || f.wellKnownName) return "wellKnown";
    if (!this.isWithin(key, "deleteditems")) {
      if (this.sibling("deleteditems", f.displayName)) return "exists";
      f.parentKey = "deleteditems";
      return "moved";
    }
    const gone = this.folders.filter((x) => this.isWithin(x.key, key));
    const keys = new Set(gone.map((x) => x.key));
    for (const m of [...this.list()]) if (keys.has(m.folderKey)) this.delete(m.id);
    for (const x of gone) {
      this.byKey.delete(x.key);
      this.folders.splice(this.folders.indexOf(x), 1);
    }
    return "purged";
  }

  /** "Inbox/Projects/Apollo": the folder path a restore is compared on. */
  path(key: string): string {
    const parts: string[] = [];
    for (let f = this.byKey.get(key); f; f = this.byKey.get(f.parentKey)) parts.unshift(f.displayName);
    return parts.join("/");
  }

  // ---- seeded messages ------------------------------------------------------------------

  private seeded(i: number): MessageState & { corpusIndex: number } {
    const rng = Rng.from("ms-mail", this.plan.seed, this.plan.userIndex, i);
    const receivedAt = SEED_END - (this.plan.count - i) * this.step + rng.int(Math.floor(this.step / 2));
    const corpusIndex = rng.int(corpusSize());
    const r = rng.float();
    const folderKey = corpusEntry(corpusIndex).spam
      ? "junkemail"
      : r < 0.55
        ? "inbox"
        : r < 0.65
          ? "sentitems"
          : r < 0.75
            ? "archive"
            : r < 0.97
              ? rng.pick(USER_FOLDERS)[0]
              : "deleteditems";
    const base: MessageState = {
      index: i,
      id: messageId(this.tag, i),
      folderKey,
      receivedAt,
      createdAt: receivedAt,
      lastModifiedAt: receivedAt,
      isRead: !rng.chance(0.3),
      flagged: rng.chance(0.05),
      isDraft: false,
      seq: 0,
    };
    return { ...base, ...this.overrides.get(i), corpusIndex };
  }

  private indexOf(id: string): number | undefined {
    const i = parseMessageId(id, this.tag);
    if (i === undefined) return undefined;
    if (i < this.plan.count) return this.deleted.has(i) ? undefined : i;
    return this.stored.has(i) ? i : undefined;
  }

  // ---- reading --------------------------------------------------------------------------

  get(id: string): MessageState | undefined {
    const i = this.indexOf(id);
    return i === undefined ? undefined : this.state(i);
  }

  private state(i: number): MessageState | undefined {
    if (i >= this.plan.count) {
      const s = this.stored.get(i);
      return s ? strip(s) : undefined;
    }
    if (this.deleted.has(i)) return undefined;
    return strip(this.seeded(i));
  }

  async raw(id: string): Promise<Buffer | undefined> {
    const i = this.indexOf(id);
    if (i === undefined) return undefined;
    const s = this.stored.get(i);
    if (s) return s.raw;
    const m = this.seeded(i);
    return this.deliver(m.id, m.receivedAt, await corpusMessage(m.corpusIndex));
  }

  /** The trace header Exchange Online's transport adds; it makes each delivered copy distinct. */
  deliver(id: string, receivedAt: number, message: Buffer): Buffer {
    const rng = Rng.from("ms-mx", id);
    const host = `${["AM", "DB", "VI", "PA"][rng.int(4)]}${rng.int(9) + 1}PR0${rng.int(9)}MB${1000 + rng.int(8999)}.eurprd0${rng.int(9)}.prod.outlook.com`;
    const trace = `Received: from mail.example.org by ${host} with Microsoft SMTP Server id 15.20.${rng.int(9000)}.${rng.int(99)}; ${new Date(receivedAt).toUTCString().replace(/GMT$/, "+0000")}\r\n`;
    return Buffer.concat([Buffer.from(trace, "latin1"), message]);
  }

  /** Live messages in index order (oldest first), optionally in one folder, after `afterIndex`. */
  *list(folderKey?: string, afterIndex = -1): Generator<MessageState> {
    for (let i = afterIndex + 1; i < this.plan.count; i++) {
      if (this.deleted.has(i)) continue;
      const m = this.seeded(i);
      if (!folderKey || m.folderKey === folderKey) yield strip(m);
    }
    for (const [i, s] of this.stored) if (i > afterIndex && (!folderKey || s.folderKey === folderKey)) yield strip(s);
  }

  /** Total and unread messages per folder key, in one pass. */
  counts(): Map<string, { total: number; unread: number }> {
    const out = new Map<string, { total: number; unread: number }>();
    for (const m of this.list()) {
      const c = out.get(m.folderKey) ?? { total: 0, unread: 0 };
      c.total++;
      if (!m.isRead) c.unread++;
      out.set(m.folderKey, c);
    }
    return out;
  }

  // ---- changing -------------------------------------------------------------------------

  private bump(): number {
    return ++this.seqValue;
  }

  private removed(index: number, folderKey: string, seq: number): void {
    this.removals.push({ seq, index, folderKey });
    if (this.removals.length > this.plan.historyRetention) {
      const drop = this.removals.length - this.plan.historyRetention;
      this.floorSeq = this.removals[drop - 1]?.seq ?? this.floorSeq;
      this.removals = this.removals.slice(drop);
    }
  }

  private patch(i: number, change: Partial<MessageState>): MessageState {
    const seq = this.bump();
    this.clock += 1_000;
    const s = this.stored.get(i);
    if (s) Object.assign(s, change, { seq, lastModifiedAt: this.clock });
    else this.overrides.set(i, { ...this.overrides.get(i), ...change, seq, lastModifiedAt: this.clock });
    const after = this.state(i);
    if (!after) throw new Error("patched a message that does not exist");
    return after;
  }

  insert(raw: Buffer | ((id: string, receivedAt: number) => Buffer), folderKey: string, opts: { receivedAt?: number; isDraft?: boolean; isRead?: boolean } = {}): MessageState {
    this.clock += 1_000;
    const index = this.nextIndex++;
    const id = messageId(this.tag, index);
    const s: Stored = {
      index,
      id,
      folderKey,
      receivedAt: opts.receivedAt ?? this.clock,
      createdAt: this.clock,
      lastModifiedAt: this.clock,
      isRead: opts.isRead ?? false,
      flagged: false,
      isDraft: opts.isDraft ?? false,
      seq: this.bump(),
      raw: typeof raw === "function" ? raw(id, this.clock) : raw,
    };
    this.stored.set(index, s);
    return strip(s);
  }

  /** Replaces a stored message's bytes (an attachment added to a draft). */
  replaceRaw(id: string, raw: Buffer): MessageState | undefined {
    const i = this.indexOf(id);
    const s = i === undefined ? undefined : this.stored.get(i);
    if (!s || i === undefined) return undefined;
    s.raw = raw;
    return this.patch(i, {});
  }

  update(id: string, change: { isRead?: boolean; flagged?: boolean }): MessageState | undefined {
    const i = this.indexOf(id);
    return i === undefined ? undefined : this.patch(i, change);
  }

  move(id: string, folderKey: string): MessageState | undefined {
    const i = this.indexOf(id);
    const before = i === undefined ? undefined : this.state(i);
    if (i === undefined || !before) return undefined;
    if (before.folderKey === folderKey) return before;
    const after = this.patch(i, { folderKey });
    this.removed(i, before.folderKey, after.seq);
    return after;
  }

  /** Permanent deletion (DELETE /messages/{id} on an item; Graph's soft delete is a move). */
  delete(id: string): MessageState | undefined {
    const i = this.indexOf(id);
    const before = i === undefined ? undefined : this.state(i);
    if (i === undefined || !before) return undefined;
    if (i < this.plan.count) {
      this.deleted.add(i);
      this.overrides.delete(i);
    } else this.stored.delete(i);
    this.composed.delete(id);
    this.removed(i, before.folderKey, this.bump());
    return before;
  }

  /** Every delta token issued so far becomes unanswerable (the "expired cursor" fault). */
  expireHistory(): void {
    this.removals = [];
    // A sequence step of its own, so tokens minted from now on are answerable again.
    this.floorSeq = this.bump();
  }

  /**
   * One delta round's entries for a folder: messages now in it changed in (since, upto] and
   * removals from it in that range (unless the message is back), in sequence order, after
   * `afterSeq`. Undefined when `since` is older than the retained history.
   */
  changes(folderKey: string, since: number, upto: number, afterSeq: number): { seq: number; message?: MessageState; removedId?: string }[] | undefined {
    if (since < this.floorSeq) return undefined;
    const from = Math.max(since, afterSeq);
    const out: { seq: number; message?: MessageState; removedId?: string }[] = [];
    const changedIdx = new Set<number>([...this.overrides.keys(), ...this.stored.keys()]);
    for (const i of changedIdx) {
      const m = this.state(i);
      if (m && m.folderKey === folderKey && m.seq > from && m.seq <= upto) out.push({ seq: m.seq, message: m });
    }
    for (const r of this.removals) {
      if (r.folderKey !== folderKey || r.seq <= from || r.seq > upto) continue;
      if (this.state(r.index)?.folderKey === folderKey) continue;
      out.push({ seq: r.seq, removedId: messageId(this.tag, r.index) });
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  /** Whether a delta token minted at `seq` can still be answered. */
  answerable(seq: number): boolean {
    return seq >= this.floorSeq;
  }
}

function strip(m: MessageState): MessageState {
  return {
    index: m.index,
    id: m.id,
    folderKey: m.folderKey,
    receivedAt: m.receivedAt,
    createdAt: m.createdAt,
    lastModifiedAt: m.lastModifiedAt,
    isRead: m.isRead,
    flagged: m.flagged,
    isDraft: m.isDraft,
    seq: m.seq,
  };
}
