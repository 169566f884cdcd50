// Gmail: a mailbox as raw RFC 822 messages with their labels.
// - Full sync (https://developers.google.com/gmail/api/guides/sync#full_synchronization): the
//   profile's historyId is taken *before* messages.list (includeSpamTrash) so nothing that changes
//   while listing is lost; each listed id is read with format=metadata for labels and headers.
// - Partial sync: history.list from the stored historyId (messageAdded/Deleted, labelAdded/
//   Removed); a 404 means the id is older than Gmail keeps history → resync_required.
// - Restore: messages.import (raw bytes as they were, internalDateSource=dateHeader), labels
//   recreated by name. A message counts as present only with the very bytes backed up (same id,
//   or same Message-ID *and* equal raw bytes); a different message with the same Message-ID (an
//   attacker's encrypted copy) is a conflict. Nothing is ever deleted; `replace` sets a present
//   message's labels back to the backed-up ones, or imports the original beside the impostor.
import { Readable } from "node:stream";
import type { gmail_v1 } from "googleapis";
import { ConnectorError, isConnectorError } from "../core/errors";
import { collect } from "../core/stream";
import type { Change, ChangePage, Cursor, DiscoveredUnit, ItemContent, ItemDescriptor, ListChangesOptions, RestoreTarget, UnitConnector, WriteResult } from "../core/types";
import { GMAIL_UNITS, type GoogleApis } from "./api";
import { decodeCursor, encodeCursor, gmailPath, gmailVersion, header, isSystemLabel, messageIdOf } from "./transform";
import { mapLimit, once, subjectOf } from "./units";

const METADATA_HEADERS = ["Subject", "From", "To", "Cc", "Date", "Message-ID"];
/** Gmail's import limit (35 MB, "Upload limits" in the API reference). */
const MAX_MESSAGE_BYTES = 35 * 1024 * 1024;
/** System labels messages.import cannot set (Gmail rejects them on import). */
const NOT_IMPORTABLE = new Set(["DRAFT", "CHAT"]);
/** System labels that place a message; a copy or a restore to another mailbox leaves them out. */
const PLACING = new Set(["INBOX", "SPAM", "TRASH", "SENT", "DRAFT"]);
/** Labels messages.modify cannot add or remove (Gmail sets them itself), left out when labels are compared. */
const UNMODIFIABLE = new Set([...NOT_IMPORTABLE, "SENT"]);
/** Messages with one Message-ID looked at on restore (the original, an attacker's copy, earlier restores). */
const MESSAGE_ID_CANDIDATES = 10;

interface GmailCursor extends Record<string, unknown> {
  /** historyId to resume from (full listing: taken before it began). */
  h: string;
  /** Page token of the listing or history in progress. */
  p?: string;
  /** A full listing is in progress. */
  full?: boolean;
}

export class GmailConnector implements UnitConnector {
  readonly kind = "gmail" as const;
  readonly #g: GoogleApis;

  constructor(g: GoogleApis) {
    this.#g = g;
  }

  #user(unit: DiscoveredUnit): string {
    return subjectOf(unit, "gmail", this.#g.config.adminEmail);
  }

  #call<T>(user: string, op: keyof typeof GMAIL_UNITS, fn: () => Promise<T>, options: { cursor?: boolean; signal?: AbortSignal } = {}): Promise<T> {
    return this.#g.call("gmail", user, op, fn, { ...options, cost: GMAIL_UNITS[op] });
  }

  async #labels(user: string, access: "read" | "write", signal?: AbortSignal): Promise<gmail_v1.Schema$Label[]> {
    const api = this.#g.gmail(user, access);
    const res = await this.#call(user, "labels.list", () => api.users.labels.list({ userId: "me" }, { signal }), { signal });
    return res.data.labels ?? [];
  }

  async listChanges(unit: DiscoveredUnit, cursor: Cursor | null, options: ListChangesOptions = {}): Promise<ChangePage> {
    const user = this.#user(unit);
    const { signal } = options;
    const pageSize = Math.min(500, Math.max(1, options.pageSize ?? 100));
    const api = this.#g.gmail(user);
    let state: GmailCursor;
    if (cursor === null) {
      const profile = await this.#call(user, "getProfile", () => api.users.getProfile({ userId: "me" }, { signal }), { signal });
      const h = profile.data.historyId;
      if (!h) throw new ConnectorError("invalid", "gmail getProfile returned no historyId", { provider: "google" });
      state = { h, full: true };
    } else {
      state = decodeCursor<GmailCursor>("gmail", cursor);
    }
    const labels = new Map((await this.#labels(user, "read", signal)).map((l) => [l.id ?? "", l.name ?? l.id ?? ""]));

    if (state.full) {
      const res = await this.#call(
        user,
        "messages.list",
        () => api.users.messages.list({ userId: "me", includeSpamTrash: true, maxResults: pageSize, pageToken: state.p }, { signal }),
        { signal },
      );
      const ids = (res.data.messages ?? []).map((m) => m.id).filter((id): id is string => !!id);
      const items = await mapLimit(ids, this.#g.config.concurrencyPerUser, (id) => this.#describe(user, id, labels, signal));
      const changes: Change[] = items.filter((i): i is ItemDescriptor => i !== undefined).map((item) => ({ op: "upsert", item }));
      const next = res.data.nextPageToken ?? undefined;
      return next
        ? { changes, cursor: encodeCursor("gmail", { h: state.h, p: next, full: true }), done: false, full: true }
        : { changes, cursor: encodeCursor("gmail", { h: state.h }), done: true, full: true };
    }

    const res = await this.#call(
      user,
      "history.list",
      () => api.users.history.list({ userId: "me", startHistoryId: state.h, pageToken: state.p, maxResults: pageSize }, { signal }),
      { signal, cursor: true },
    );
    const deleted = new Set<string>();
    const touched = new Set<string>();
    for (const r of res.data.history ?? []) {
      for (const d of r.messagesDeleted ?? []) if (d.message?.id) deleted.add(d.message.id);
      for (const list of [r.messagesAdded, r.labelsAdded, r.labelsRemoved]) for (const a of list ?? []) if (a.message?.id) touched.add(a.message.id);
    }
    for (const id of deleted) touched.delete(id);
    const current = await mapLimit([...touched], this.#g.config.concurrencyPerUser, (id) => this.#describe(user, id, labels, signal));
    const changes: Change[] = [...deleted].map((externalId) => ({ op: "delete", externalId }));
    [...touched].forEach((id, i) => {
      const item = current[i];
      // Gone by the time we looked: deleted later in the history we have not paged to yet, or now.
      changes.push(item ? { op: "upsert", item } : { op: "delete", externalId: id });
    });
    const next = res.data.nextPageToken ?? undefined;
    if (next) return { changes, cursor: encodeCursor("gmail", { h: state.h, p: next }), done: false, full: false };
    return { changes, cursor: encodeCursor("gmail", { h: res.data.historyId ?? state.h }), done: true, full: false };
  }

  /** The message's descriptor, or undefined when it no longer exists. */
  async #describe(user: string, id: string, labels: ReadonlyMap<string, string>, signal?: AbortSignal): Promise<ItemDescriptor | undefined> {
    const api = this.#g.gmail(user);
    let m: gmail_v1.Schema$Message;
    try {
      m = (await this.#call(user, "messages.get", () => api.users.messages.get({ userId: "me", id, format: "metadata", metadataHeaders: METADATA_HEADERS }, { signal }), { signal })).data;
    } catch (e) {
      if (isConnectorError(e, "not_found")) return undefined;
      throw e;
    }
    return describeMessage(user, m, labels);
  }

  async readItem(unit: DiscoveredUnit, item: ItemDescriptor, options: { signal?: AbortSignal } = {}): Promise<ItemContent> {
    const user = this.#user(unit);
    const api = this.#g.gmail(user);
    const { signal } = options;
    const res = await this.#call(user, "messages.get", () => api.users.messages.get({ userId: "me", id: item.externalId, format: "raw" }, { signal }), { signal });
    if (typeof res.data.raw !== "string") throw new ConnectorError("invalid", `gmail messages.get returned no raw body for ${item.externalId}`, { provider: "google" });
    const raw = Buffer.from(res.data.raw, "base64url");
    return { body: once(raw), contentType: "message/rfc822", size: raw.length };
  }

  async writeItem(target: RestoreTarget, item: ItemDescriptor, content: ItemContent, options: { signal?: AbortSignal } = {}): Promise<WriteResult> {
    if (item.kind !== "message") throw new ConnectorError("invalid", `gmail restores messages, not ${item.kind} items`, { provider: "google" });
    const user = this.#user(target.unit);
    const { signal } = options;
    const raw = await collect(content.body, MAX_MESSAGE_BYTES);
    const api = this.#g.gmail(user, "write");
    const sameMailbox = typeof item.metadata.mailbox === "string" && item.metadata.mailbox.toLowerCase() === user.toLowerCase();
    const names = Array.isArray(item.metadata.labels) ? item.metadata.labels.filter((l): l is string => typeof l === "string") : [];

    const found = await this.#findExisting(user, sameMailbox ? item.externalId : undefined, raw, signal);
    if (found.same && !sameMailbox) {
      // These very bytes are already in the other mailbox (an earlier restore of the same item).
      return { outcome: "skipped", externalId: found.same.id, reason: "an identical message is already in the target mailbox" };
    }
    if (found.same) {
      const byId = new Map((await this.#labels(user, "write", signal)).map((l) => [l.id ?? "", l.name ?? l.id ?? ""]));
      const wanted = new Set(names.filter((n) => !UNMODIFIABLE.has(n)));
      const current = new Set(found.same.labelIds.map((l) => byId.get(l) ?? l).filter((n) => !UNMODIFIABLE.has(n)));
      const add = [...wanted].filter((n) => !current.has(n));
      const remove = [...current].filter((n) => !wanted.has(n));
      if (add.length === 0 && remove.length === 0) return { outcome: "skipped", externalId: found.same.id, reason: "the message is in the mailbox as it was backed up" };
      const change = `its labels changed since the backup (${[add.length ? `removed since: ${add.join(", ")}` : "", remove.length ? `added since: ${remove.join(", ")}` : ""].filter(Boolean).join("; ")})`;
      if (target.conflict === "skip") return { outcome: "skipped", externalId: found.same.id, reason: `the message is in the mailbox but ${change}; left as it is` };
      if (target.conflict === "replace") {
        // Gmail messages are immutable: the one present has these very bytes, so replace makes its
        // labels exactly the backed-up ones (out of the trash, back into the label it was moved from).
        const id = found.same.id;
        const addLabelIds = await this.#labelIds(user, add, signal);
        const nameToId = new Map([...byId].map(([i, n]) => [n, i]));
        const removeLabelIds = remove.map((n) => nameToId.get(n) ?? n);
        await this.#call(user, "messages.modify", () => api.users.messages.modify({ userId: "me", id, requestBody: { addLabelIds, removeLabelIds } }, { signal }), { signal });
        return { outcome: "replaced", externalId: id, reason: `the message was present but ${change}; its labels were restored` };
      }
      const copied = await this.#import(user, await this.#labelIds(user, copyNames(target.copyFolder, names), signal), raw, signal);
      return { outcome: "copied", externalId: copied, reason: `the message is in the mailbox but ${change}; imported again under "${target.copyFolder}"` };
    }
    if (found.other && sameMailbox) {
      // Same Message-ID, other bytes: not the message we backed up (ransomware leaves exactly that).
      const clash = `a different message with the same Message-ID is in the mailbox (${found.other})`;
      if (target.conflict === "skip") return { outcome: "skipped", externalId: found.other, reason: `${clash}; left as it is (choose replace or copy to bring the original back)` };
      if (target.conflict === "replace") {
        const id = await this.#import(user, await this.#labelIds(user, names.filter((n) => !NOT_IMPORTABLE.has(n)), signal), raw, signal);
        return { outcome: "replaced", externalId: id, reason: `${clash}; the original was imported with its labels and the other left untouched` };
      }
      const id = await this.#import(user, await this.#labelIds(user, copyNames(target.copyFolder, names), signal), raw, signal);
      return { outcome: "copied", externalId: id, reason: `${clash}; the original was imported under "${target.copyFolder}"` };
    }
    if (!sameMailbox) {
      const id = await this.#import(user, await this.#labelIds(user, copyNames(target.copyFolder, names), signal), raw, signal);
      return { outcome: "copied", externalId: id, reason: `restored into another mailbox under "${target.copyFolder}"` };
    }
    const id = await this.#import(user, await this.#labelIds(user, names.filter((n) => !NOT_IMPORTABLE.has(n)), signal), raw, signal);
    return { outcome: "created", externalId: id };
  }

  async #import(user: string, labelIds: string[], raw: Buffer, signal?: AbortSignal): Promise<string | undefined> {
    const api = this.#g.gmail(user, "write");
    const res = await this.#call(
      user,
      "messages.import",
      () =>
        api.users.messages.import(
          { userId: "me", internalDateSource: "dateHeader", neverMarkSpam: true, requestBody: { labelIds }, media: { mimeType: "message/rfc822", body: Readable.from([raw]) } },
          { signal, rootUrl: this.#g.rootUrl },
        ),
      { signal },
    );
    return res.data.id ?? undefined;
  }

  /**
   * The message in `user`'s mailbox: `same` when it holds these very bytes (by id in the same
   * mailbox — Gmail messages are immutable — or a Message-ID match whose raw bytes are equal),
   * `other` when only a message with the same Message-ID and different bytes is there.
   */
  async #findExisting(user: string, id: string | undefined, raw: Buffer, signal?: AbortSignal): Promise<{ same?: { id: string; labelIds: string[] }; other?: string }> {
    const api = this.#g.gmail(user, "write");
    if (id) {
      try {
        const m = await this.#call(user, "messages.get", () => api.users.messages.get({ userId: "me", id, format: "minimal" }, { signal }), { signal });
        return { same: { id, labelIds: m.data.labelIds ?? [] } };
      } catch (e) {
        if (!isConnectorError(e, "not_found")) throw e;
      }
    }
    const messageId = this.#g.config.messageIdSearch ? messageIdOf(raw) : undefined;
    if (!messageId) return {};
    const res = await this.#call(
      user,
      "messages.list",
      () => api.users.messages.list({ userId: "me", q: `rfc822msgid:${messageId.replace(/^<|>$/g, "")}`, includeSpamTrash: true, maxResults: MESSAGE_ID_CANDIDATES }, { signal }),
      { signal },
    );
    let other: string | undefined;
    for (const c of res.data.messages ?? []) {
      const cid = c.id;
      if (!cid) continue;
      // A Message-ID is only a claim: an attacker's re-encrypted copy keeps it. Equal bytes decide.
      let m: gmail_v1.Schema$Message;
      try {
        m = (await this.#call(user, "messages.get", () => api.users.messages.get({ userId: "me", id: cid, format: "raw" }, { signal }), { signal })).data;
      } catch (e) {
        if (isConnectorError(e, "not_found")) continue;
        throw e;
      }
      if (typeof m.raw === "string" && Buffer.from(m.raw, "base64url").equals(raw)) return { same: { id: cid, labelIds: m.labelIds ?? [] } };
      other ??= cid;
    }
    return other ? { other } : {};
  }

  /** Label ids for names, creating user labels that do not exist (parents first, as Gmail nests by name). */
  async #labelIds(user: string, names: readonly string[], signal?: AbortSignal): Promise<string[]> {
    if (names.length === 0) return [];
    const api = this.#g.gmail(user, "write");
    const byName = new Map((await this.#labels(user, "write", signal)).map((l) => [l.name ?? "", l.id ?? ""]));
    const ids: string[] = [];
    for (const name of new Set(names)) {
      let id = byName.get(name);
      if (!id) {
        if (isSystemLabel(name) && !name.includes("/")) throw new ConnectorError("invalid", `gmail system label ${name} does not exist in the target mailbox`, { provider: "google" });
        const created = await this.#call(
          user,
          "labels.create",
          () => api.users.labels.create({ userId: "me", requestBody: { name, labelListVisibility: "labelShow", messageListVisibility: "show" } }, { signal }),
          { signal },
        );
        id = created.data.id ?? undefined;
        if (!id) throw new ConnectorError("invalid", `gmail labels.create returned no id for "${name}"`, { provider: "google" });
        byName.set(name, id);
      }
      ids.push(id);
    }
    return ids;
  }
}

/** A copy's labels: the copy folder, and the message's own user labels below it (placing labels left out). */
function copyNames(copyFolder: string, names: readonly string[]): string[] {
  return [copyFolder, ...names.filter((n) => !PLACING.has(n) && !NOT_IMPORTABLE.has(n)).map((n) => (isSystemLabel(n) ? n : `${copyFolder}/${n}`))];
}

/** Descriptor of a message read with format=metadata. Exported for the unit tests. */
export function describeMessage(mailbox: string, m: gmail_v1.Schema$Message, labels: ReadonlyMap<string, string>): ItemDescriptor {
  const id = m.id ?? "";
  const labelIds = m.labelIds ?? [];
  const headers = m.payload?.headers ?? undefined;
  const subject = header(headers, "Subject") ?? "";
  const internal = Number(m.internalDate);
  return {
    externalId: id,
    kind: "message",
    path: gmailPath(labelIds, labels, subject),
    name: subject || "(no subject)",
    version: gmailVersion(id, labelIds),
    // Gmail messages are immutable: only labels change, never the raw bytes.
    contentVersion: id,
    size: m.sizeEstimate ?? undefined,
    modifiedAt: Number.isFinite(internal) ? new Date(internal).toISOString() : undefined,
    hasContent: true,
    metadata: {
      mailbox,
      subject,
      from: header(headers, "From"),
      to: header(headers, "To"),
      cc: header(headers, "Cc"),
      date: header(headers, "Date"),
      messageId: header(headers, "Message-ID"),
      labels: labelIds.map((l) => labels.get(l) ?? l),
      labelIds,
      threadId: m.threadId ?? undefined,
      sizeEstimate: m.sizeEstimate ?? undefined,
      historyId: m.historyId ?? undefined,
    },
  };
}
