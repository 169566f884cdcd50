// One user's Gmail mailbox. The seeded messages are never stored: message i is a pure function
// of (tenant seed, user, i), so 200 users × 20,000 messages cost no memory until they change.
// Changes live in a sparse overlay (deleted set, label overrides, inserted messages) plus the
// mailbox's history log, so memory grows with what was changed, not with what exists.
//
// Gmail semantics implemented here:
// - ids are 64-bit hex strings increasing with the time they were assigned; messages.list
//   returns newest first, and this emulator pages by id ("resultSizeEstimate" is an estimate).
// - every change appends a history record with a mailbox-wide increasing historyId; a message's
//   historyId is that of the last record that touched it (users.history, users.messages).
// - history is retained for a bounded number of records; a startHistoryId older than what is
//   retained gets HTTP 404 and the client must do a full sync (users.history.list reference,
//   "Partial synchronization" in the sync guide).
import { corpusEntry, corpusMessage, corpusSize } from "../../data/corpus";
import { Rng } from "../../data/random";
import { LabelError, SYSTEM_LABELS, userLabels, type GmailLabel, type LabelInput } from "./labels";

export interface MessageMeta {
  id: string;
  threadId: string;
  labelIds: string[];
  internalDate: number;
  historyId: number;
}

export type HistoryType = "messageAdded" | "messageDeleted" | "labelAdded" | "labelRemoved";

export interface HistoryRecord {
  id: number;
  type: HistoryType;
  message: { id: string; threadId: string; labelIds: string[] };
  /** The labels added or removed, for label records. */
  changed?: string[];
}

interface Inserted extends MessageMeta {
  raw: Buffer;
}

interface BaseMeta extends MessageMeta {
  index: number;
  corpusIndex: number;
}

export interface MailboxPlan {
  seed: number;
  userIndex: number;
  email: string;
  count: number;
  historyRetention: number;
}

/** The seeded mail ends here; new mail is stamped by a logical clock after it, for determinism. */
export const SEED_END = Date.UTC(2025, 0, 1);
const SEED_SPAN_MS = 730 * 86_400_000;

export function idFor(time: number, low: number): string {
  return ((BigInt(time) << 20n) | BigInt(low & 0xfffff)).toString(16).padStart(16, "0");
}

export function rfc2822Date(ms: number): string {
  return new Date(ms).toUTCString().replace(/GMT$/, "+0000");
}

export class Mailbox {
  /** The live user labels (seeded ones plus those created through labels.create). */
  readonly labels: GmailLabel[];
  /** The seeded labels as generated: seeded messages pick from this fixed list, so creating or
   * deleting labels never changes which labels a seeded message was generated with. */
  private readonly seededLabelList: GmailLabel[];
  private nextLabelNumber: number;
  private readonly step: number;
  private readonly deleted = new Set<number>();
  private readonly labelOverride = new Map<number, string[]>();
  private readonly touchedAt = new Map<number, number>();
  private readonly inserted = new Map<string, Inserted>();
  /** Inserted ids, ascending; the logical clock makes every new id larger than all before it. */
  private readonly insertedIds: string[] = [];
  private clock = SEED_END + 60_000;
  private history: HistoryRecord[] = [];
  private currentHistoryId: number;
  /** The oldest startHistoryId still answerable. */
  private historyFloor: number;

  constructor(readonly plan: MailboxPlan) {
    this.seededLabelList = userLabels(plan.seed, plan.userIndex);
    this.labels = this.seededLabelList.map((l) => ({ ...l }));
    this.nextLabelNumber = this.labels.length + 1;
    this.step = Math.max(2_000, Math.floor(SEED_SPAN_MS / Math.max(1, plan.count)));
    this.currentHistoryId = plan.count + 100;
    this.historyFloor = this.currentHistoryId;
  }

  get historyId(): number {
    return this.currentHistoryId;
  }

  get size(): number {
    return this.plan.count - this.deleted.size + this.inserted.size;
  }

  // ---- seeded messages -------------------------------------------------------------------

  private base(i: number): BaseMeta {
    const rng = Rng.from("gmail", this.plan.seed, this.plan.userIndex, i);
    const internalDate = SEED_END - (this.plan.count - i) * this.step + rng.int(Math.floor(this.step / 2));
    const id = idFor(internalDate, rng.next());
    const corpusIndex = rng.int(corpusSize());
    const override = this.labelOverride.get(i);
    return {
      index: i,
      id,
      threadId: id,
      internalDate,
      corpusIndex,
      labelIds: override ?? this.seededLabels(rng, corpusIndex),
      historyId: this.touchedAt.get(i) ?? i + 1,
    };
  }

  private seededLabels(rng: Rng, corpusIndex: number): string[] {
    if (corpusEntry(corpusIndex).spam) return rng.chance(0.6) ? ["SPAM", "UNREAD"] : ["SPAM"];
    const labels: string[] = [];
    const trashed = rng.chance(0.02);
    if (!trashed && !rng.chance(0.25)) labels.push("INBOX");
    if (trashed) labels.push("TRASH");
    labels.push(rng.pick(["CATEGORY_FORUMS", "CATEGORY_FORUMS", "CATEGORY_UPDATES", "CATEGORY_PERSONAL", "CATEGORY_PROMOTIONS"]));
    if (rng.chance(0.3)) labels.push("UNREAD");
    if (rng.chance(0.2)) labels.push("IMPORTANT");
    if (rng.chance(0.04)) labels.push("STARRED");
    if (rng.chance(0.3) && this.seededLabelList.length) labels.push(rng.pick(this.seededLabelList).id);
    return labels;
  }

  /** Index of a seeded message id, derived from the time in its upper bits; O(1). */
  private baseIndexOf(id: string): number | undefined {
    if (!/^[0-9a-f]{16}$/.test(id)) return undefined;
    const time = Number(BigInt(`0x${id}`) >> 20n);
    const approx = this.plan.count - Math.ceil((SEED_END - time) / this.step);
    for (const i of [approx, approx - 1, approx + 1]) {
      if (i >= 0 && i < this.plan.count && !this.deleted.has(i) && this.base(i).id === id) return i;
    }
    return undefined;
  }

  /** Largest seeded index whose id sorts below `id`, or -1. */
  private baseIndexBelow(id: string): number {
    let lo = 0;
    let hi = this.plan.count - 1;
    let ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.base(mid).id < id) {
        ans = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return ans;
  }

  // ---- reading ----------------------------------------------------------------------------

  get(id: string): MessageMeta | undefined {
    const ins = this.inserted.get(id);
    if (ins) return strip(ins);
    const i = this.baseIndexOf(id);
    return i === undefined ? undefined : strip(this.base(i));
  }

  async raw(id: string): Promise<Buffer | undefined> {
    const ins = this.inserted.get(id);
    if (ins) return ins.raw;
    const i = this.baseIndexOf(id);
    if (i === undefined) return undefined;
    const m = this.base(i);
    return this.deliver(m.id, m.internalDate, await corpusMessage(m.corpusIndex));
  }

  /** What Gmail's MX prepends on delivery; it makes each copy of a corpus message distinct. */
  deliver(id: string, internalDate: number, message: Buffer): Buffer {
    const rng = Rng.from("mx", id);
    const host = `2002:a05:${(rng.next() & 0xffff).toString(16)}:${(rng.next() & 0xffff).toString(16)}::1`;
    const trace = `Delivered-To: ${this.plan.email}\r\nReceived: by ${host} with SMTP id ${id};\r\n        ${rfc2822Date(internalDate)}\r\n`;
    return Buffer.concat([Buffer.from(trace, "latin1"), message]);
  }

  /** Live messages, newest first, strictly below `beforeId` when given. */
  *descending(beforeId?: string): Generator<MessageMeta> {
    let k = this.insertedIds.length - 1;
    if (beforeId !== undefined) while (k >= 0 && (this.insertedIds[k] ?? "") >= beforeId) k--;
    for (; k >= 0; k--) {
      const ins = this.inserted.get(this.insertedIds[k] ?? "");
      if (ins) yield strip(ins);
    }
    let i = beforeId === undefined ? this.plan.count - 1 : this.baseIndexBelow(beforeId);
    for (; i >= 0; i--) if (!this.deleted.has(i)) yield strip(this.base(i));
  }

  /** Live messages, oldest first (manifest order). */
  *ascending(): Generator<MessageMeta> {
    for (let i = 0; i < this.plan.count; i++) if (!this.deleted.has(i)) yield strip(this.base(i));
    for (const id of this.insertedIds) {
      const ins = this.inserted.get(id);
      if (ins) yield strip(ins);
    }
  }

  // ---- changing ---------------------------------------------------------------------------

  private record(type: HistoryType, m: MessageMeta, changed?: string[]): number {
    const id = ++this.currentHistoryId;
    this.history.push({ id, type, message: { id: m.id, threadId: m.threadId, labelIds: [...m.labelIds] }, changed });
    if (this.history.length > this.plan.historyRetention) {
      const drop = this.history.length - this.plan.historyRetention;
      this.historyFloor = this.history[drop - 1]?.id ?? this.historyFloor;
      this.history = this.history.slice(drop);
    }
    return id;
  }

  /** Adds a message; `internalDate` defaults to the logical receive time. */
  insert(raw: Buffer | ((id: string, receivedAt: number) => Buffer), labelIds: string[], opts: { internalDate?: number; threadId?: string } = {}): MessageMeta {
    this.clock += 1_000;
    const id = idFor(this.clock, Rng.from("ins", this.plan.seed, this.plan.userIndex, this.clock).next());
    const meta: Inserted = {
      id,
      threadId: opts.threadId && this.get(opts.threadId) ? opts.threadId : id,
      labelIds: [...new Set(labelIds)],
      internalDate: opts.internalDate ?? this.clock,
      historyId: 0,
      raw: typeof raw === "function" ? raw(id, this.clock) : raw,
    };
    meta.historyId = this.record("messageAdded", meta);
    this.inserted.set(id, meta);
    this.insertedIds.push(id);
    return strip(meta);
  }

  /** Permanent deletion (users.messages.delete semantics, not trash). */
  delete(id: string): MessageMeta | undefined {
    const ins = this.inserted.get(id);
    if (ins) {
      this.inserted.delete(id);
      this.insertedIds.splice(this.insertedIds.indexOf(id), 1);
      this.record("messageDeleted", ins);
      return strip(ins);
    }
    const i = this.baseIndexOf(id);
    if (i === undefined) return undefined;
    const m = this.base(i);
    this.deleted.add(i);
    this.labelOverride.delete(i);
    this.touchedAt.delete(i);
    this.record("messageDeleted", m);
    return strip(m);
  }

  /** users.messages.modify semantics: one history record per direction that changed something. */
  modifyLabels(id: string, add: string[], remove: string[]): MessageMeta | undefined {
    const current = this.get(id);
    if (!current) return undefined;
    const added = add.filter((l) => !current.labelIds.includes(l));
    const removed = remove.filter((l) => current.labelIds.includes(l) && !add.includes(l));
    if (!added.length && !removed.length) return current;
    const labelIds = [...current.labelIds.filter((l) => !removed.includes(l)), ...added];
    const next: MessageMeta = { ...current, labelIds };
    let h = current.historyId;
    if (added.length) h = this.record("labelAdded", next, added);
    if (removed.length) h = this.record("labelRemoved", next, removed);
    next.historyId = h;
    const ins = this.inserted.get(id);
    if (ins) {
      ins.labelIds = labelIds;
      ins.historyId = h;
    } else {
      const i = this.baseIndexOf(id);
      if (i !== undefined) {
        this.labelOverride.set(i, labelIds);
        this.touchedAt.set(i, h);
      }
    }
    return next;
  }

  /**
   * Makes every startHistoryId issued so far unanswerable (the "expired cursor" fault). Gmail
   * keeps history for about a week and answers 404 for any startHistoryId outside the available
   * range, so after an expiry even the mailbox's current historyId (what getProfile just
   * returned) is too old: the id moves on by one and the floor sits on the new value, which is
   * the first cursor that works again.
   */
  expireHistory(): void {
    this.history = [];
    this.currentHistoryId += 1;
    this.historyFloor = this.currentHistoryId;
  }

  // ---- labels (users.labels) --------------------------------------------------------------

  label(id: string): GmailLabel | undefined {
    return SYSTEM_LABELS.find((l) => l.id === id) ?? this.labels.find((l) => l.id === id);
  }

  /**
   * Gmail refuses a name that equals, ignoring case, an existing label's or a system label's
   * (409 "Label name exists or conflicts"). Nested labels are plain names with "/" separators;
   * a child does not need its parent to exist.
   */
  private checkName(name: string, exceptId?: string): void {
    const lower = name.toLowerCase();
    const taken = [...SYSTEM_LABELS, ...this.labels].some((l) => l.id !== exceptId && l.name.toLowerCase() === lower);
    if (taken) throw new LabelError("conflict", "Label name exists or conflicts");
  }

  createLabel(input: LabelInput & { name: string }): GmailLabel {
    this.checkName(input.name);
    const label: GmailLabel = {
      id: `Label_${this.nextLabelNumber++}`,
      name: input.name,
      type: "user",
      messageListVisibility: input.messageListVisibility ?? "show",
      labelListVisibility: input.labelListVisibility ?? "labelShow",
    };
    this.labels.push(label);
    return { ...label };
  }

  /** labels.patch (only the given fields) and labels.update (all fields; `name` required). */
  updateLabel(id: string, input: LabelInput): GmailLabel | undefined {
    const label = this.labels.find((l) => l.id === id);
    if (!label) return undefined;
    if (input.name !== undefined) this.checkName(input.name, id);
    if (input.name !== undefined) label.name = input.name;
    if (input.messageListVisibility !== undefined) label.messageListVisibility = input.messageListVisibility;
    if (input.labelListVisibility !== undefined) label.labelListVisibility = input.labelListVisibility;
    return { ...label };
  }

  /**
   * labels.delete: "Immediately and permanently deletes the specified label and removes it from
   * any messages and threads that it is applied to" — each such message gets a labelsRemoved
   * history record, as any other label removal does.
   */
  deleteLabel(id: string): boolean {
    const i = this.labels.findIndex((l) => l.id === id);
    if (i === -1) return false;
    const carrying: string[] = [];
    for (const m of this.ascending()) if (m.labelIds.includes(id)) carrying.push(m.id);
    for (const m of carrying) this.modifyLabels(m, [], [id]);
    this.labels.splice(i, 1);
    return true;
  }

  /** messagesTotal / messagesUnread of labels.get (threads are single messages here). */
  labelCounts(id: string): { messagesTotal: number; messagesUnread: number } {
    let messagesTotal = 0;
    let messagesUnread = 0;
    for (const m of this.ascending()) {
      if (!m.labelIds.includes(id)) continue;
      messagesTotal++;
      if (m.labelIds.includes("UNREAD")) messagesUnread++;
    }
    return { messagesTotal, messagesUnread };
  }

  /**
   * Records after `start`, or undefined when `start` is older than the retained history (the
   * caller answers 404). A start in the future yields no records.
   */
  historySince(start: number): HistoryRecord[] | undefined {
    if (start < this.historyFloor) return undefined;
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.history[mid]?.id ?? 0) <= start) lo = mid + 1;
      else hi = mid;
    }
    return this.history.slice(lo);
  }
}

function strip(m: MessageMeta): MessageMeta {
  return { id: m.id, threadId: m.threadId, labelIds: [...m.labelIds], internalDate: m.internalDate, historyId: m.historyId };
}
