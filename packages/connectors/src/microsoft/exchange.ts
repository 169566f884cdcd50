// Exchange Online mailboxes (unit kind `exchange`) through Graph v1.0.
//
// Documented behaviour this implements:
// - Folders: mailFolders (top level, with hidden folders) and childFolders, recursively
//   (https://learn.microsoft.com/graph/api/user-list-mailfolders, mailfolder-list-childfolders).
// - Changes: message: delta per folder (https://learn.microsoft.com/graph/api/message-delta):
//   @odata.nextLink pages, an @odata.deltaLink at the end of a round, `@removed` for messages
//   deleted or moved out; `Prefer: odata.maxpagesize`; 410 Gone / syncStateNotFound → resync.
//   `Prefer: IdType="ImmutableId"` keeps a message's id across moves.
// - Content: GET message/$value is the MIME (https://learn.microsoft.com/graph/outlook-get-mime-message).
// - Restore: POST mailFolders/{id}/messages with the MIME base64-encoded as text/plain
//   (https://learn.microsoft.com/graph/api/user-post-messages, "MIME format"; ≤ 4 MB per
//   request). Exchange creates such messages as drafts (isDraft), a documented limitation.
//   A message the mailbox still holds (its immutable id, or its Message-ID with the same MIME
//   bytes) is never written twice: unchanged → skipped; moved or re-flagged since → `skip` keeps
//   it as it is, `copy` writes the backed-up one under the copy folder, `replace` moves it back
//   (message: move) and resets its read and follow-up state. A restore deletes nothing.
import { Readable } from "node:stream";
import { collect } from "../core/stream";
import { ConnectorError, isConnectorError } from "../core/errors";
import type { Change, ChangePage, Cursor, DiscoveredUnit, ItemContent, ItemDescriptor, ListChangesOptions, RestoreTarget, UnitConnector, WriteResult } from "../core/types";
import type { MicrosoftConnectorConfig } from "./config";
import { decodeExchangeCursor, encodeCursor, type ExchangeCursor, type ExchangeRound } from "./cursor";
import { IMMUTABLE_IDS, userPath, type GraphApi, type GraphPage } from "./graph";
import { segment, splitPath, underCopyFolder } from "./paths";
import { mailFolderDescriptor, MESSAGE_SELECT, messageDescriptor, type GraphMailFolder, type GraphMessage } from "./transform";

/** Graph's limit on one create-message request (the base64 MIME body). */
const MAX_MIME_REQUEST_BYTES = 4 * 1024 * 1024;
/** A MIME message is read whole inside its mailbox slot (the slot is held until the body ends). */
const MAX_MIME_BYTES = 150 * 1024 * 1024;

interface FolderInfo {
  id: string;
  path: string[];
  parentId: string | undefined;
}

/** The mailbox owner (object id) of an `exchange` / `ms-calendar` / `ms-contacts` unit. */
export function mailboxOf(unit: DiscoveredUnit): string {
  const id = unit.owner?.externalId ?? unit.externalId;
  if (!id) throw new ConnectorError("invalid", `unit ${unit.key} names no mailbox owner`);
  return id;
}

export class ExchangeConnector implements UnitConnector {
  readonly kind = "exchange" as const;
  readonly #api: GraphApi;
  readonly #config: MicrosoftConnectorConfig;
  /** Restore targets resolved during this connector's life: `<user>\u0000<path>` → folder id. */
  readonly #folderIds = new Map<string, string>();

  constructor(api: GraphApi, config: MicrosoftConnectorConfig) {
    this.#api = api;
    this.#config = config;
  }

  async listChanges(unit: DiscoveredUnit, cursor: Cursor | null, options: ListChangesOptions = {}): Promise<ChangePage> {
    const user = mailboxOf(unit);
    const budget = this.#api.mailbox(user);
    const pageSize = options.pageSize ?? this.#config.pageSize;
    const changes: Change[] = [];
    let state: ExchangeCursor;
    let round: ExchangeRound;
    if (cursor === null || !decodeExchangeCursor(cursor).round) {
      const previous = cursor === null ? undefined : decodeExchangeCursor(cursor);
      const folders = await this.#folders(user, options.signal);
      const current: Record<string, string[]> = {};
      for (const f of folders) current[f.id] = f.path;
      const vanished = previous ? Object.keys(previous.folders).some((id) => !(id in current)) : true;
      // A vanished folder took its messages with it, and Graph reports nothing for a folder that
      // no longer exists: enumerate everything so the catalogue infers those deletions.
      const full = vanished;
      const links: Record<string, string> = {};
      for (const f of folders) {
        const before = previous?.folders[f.id];
        const moved = before === undefined || before.join("/") !== f.path.join("/");
        const link = previous?.links[f.id];
        if (!full && !moved && link) links[f.id] = link;
        if (full || moved) changes.push({ op: "upsert", item: mailFolderDescriptor({ id: f.id }, f.path, f.parentId, user) });
      }
      round = { queue: folders.map((f) => f.id), full, seen: [], removed: [] };
      state = { v: 1, folders: current, links, round };
    } else {
      state = decodeExchangeCursor(cursor);
      round = state.round as ExchangeRound;
    }

    const seen = new Set(round.seen);
    while (round.queue.length > 0 && changes.length < pageSize) {
      const folderId = round.queue[0] as string;
      const folderPath = state.folders[folderId] ?? [];
      const url = round.next ?? state.links[folderId] ?? `${userPath(user)}/mailFolders/${encodeURIComponent(folderId)}/messages/delta?$select=${MESSAGE_SELECT.join(",")}`;
      const page = await this.#api.get<GraphPage<GraphMessage>>(budget, url, { prefer: [`odata.maxpagesize=${pageSize}`, IMMUTABLE_IDS], ...(options.signal ? { signal: options.signal } : {}) });
      for (const m of page.value) {
        if (m["@removed"]) {
          if (!seen.has(m.id)) round.removed.push(m.id);
          continue;
        }
        changes.push({ op: "upsert", item: messageDescriptor(m, folderPath, user) });
        if (!round.full && !seen.has(m.id)) {
          seen.add(m.id);
          round.seen.push(m.id);
        }
      }
      const next = page["@odata.nextLink"];
      if (next) {
        round.next = next;
        continue;
      }
      const delta = page["@odata.deltaLink"];
      if (!delta) throw new ConnectorError("transient", `Graph ended a message delta page of folder ${folderPath.join("/")} without a nextLink or deltaLink`, { provider: "microsoft" });
      state.links[folderId] = delta;
      delete round.next;
      round.queue.shift();
    }

    if (round.queue.length > 0) return { changes, cursor: encodeCursor(state), done: false, full: round.full };
    // The round is over: removals not followed by an upsert elsewhere are deletions; the rest were moves.
    for (const id of new Set(round.removed)) if (!seen.has(id)) changes.push({ op: "delete", externalId: id });
    const { round: _done, ...rest } = state;
    return { changes, cursor: encodeCursor(rest), done: true, full: round.full };
  }

  async readItem(unit: DiscoveredUnit, item: ItemDescriptor, options: { signal?: AbortSignal } = {}): Promise<ItemContent> {
    if (item.kind === "folder") throw new ConnectorError("unsupported", `mail folder ${item.path} has no content`);
    const user = mailboxOf(unit);
    const bytes = await this.#api.run(
      this.#api.mailbox(user),
      async (c) => {
        const res = await this.#api.raw(c, (cl) => this.#api.request(cl, `${userPath(user)}/messages/${encodeURIComponent(item.externalId)}/$value`, { prefer: [IMMUTABLE_IDS], ...(options.signal ? { signal: options.signal } : {}) }));
        if (!res.body) return Buffer.alloc(0);
        // Read inside the slot: Graph counts a request as in flight until its response ends.
        return collect(res.body as AsyncIterable<Uint8Array>, MAX_MIME_BYTES);
      },
      options.signal,
    );
    return { body: oneChunk(bytes), contentType: "message/rfc822", size: bytes.length };
  }

  async writeItem(target: RestoreTarget, item: ItemDescriptor, content: ItemContent, options: { signal?: AbortSignal } = {}): Promise<WriteResult> {
    const user = mailboxOf(target.unit);
    const signal = options.signal;
    if (item.kind === "folder") {
      const folders = splitPath(item.path);
      const same = item.metadata.mailbox === user;
      const { id, created } = await this.#ensureFolder(user, same ? folders : underCopyFolder(target.copyFolder, folders), signal);
      if (!same) return { outcome: "copied", externalId: id, reason: "restored to another mailbox" };
      return created ? { outcome: "created", externalId: id } : { outcome: "skipped", externalId: id, reason: "the folder already exists" };
    }
    if (item.kind !== "message") throw new ConnectorError("unsupported", `an Exchange mailbox cannot hold a ${item.kind}`);
    const mime = await collect(content.body, MAX_MIME_BYTES);
    if (Math.ceil(mime.length / 3) * 4 > MAX_MIME_REQUEST_BYTES) {
      throw new ConnectorError("unsupported", `message of ${mime.length} bytes exceeds Graph's 4 MB limit for creating a message from MIME`, { provider: "microsoft" });
    }
    const folder = typeof item.metadata.folder === "string" && item.metadata.folder !== "" ? item.metadata.folder.split("/") : ["Inbox"];
    const sameMailbox = item.metadata.mailbox === user;
    const home = sameMailbox ? folder : underCopyFolder(target.copyFolder, folder);
    const want = { isRead: typeof item.metadata.isRead === "boolean" ? item.metadata.isRead : undefined, flagged: typeof item.metadata.flagged === "boolean" ? item.metadata.flagged : undefined };
    const imid = typeof item.metadata.internetMessageId === "string" && item.metadata.internetMessageId !== "" ? item.metadata.internetMessageId : undefined;

    const existing = await this.#sameMessage(user, sameMailbox ? item.externalId : undefined, imid, mime, signal);
    if (!existing) {
      const created = await this.#create(user, home, mime, want, signal);
      return sameMailbox ? { outcome: "created", externalId: created } : { outcome: "copied", externalId: created, reason: "restored to another mailbox" };
    }
    const homeId = (await this.#ensureFolder(user, home, signal)).id;
    const changed: string[] = [];
    if (existing.parentFolderId !== homeId) changed.push(`moved out of ${home.join("/")}`);
    if (want.isRead !== undefined && existing.isRead !== want.isRead) changed.push(want.isRead ? "marked unread" : "marked read");
    if (want.flagged !== undefined && existing.flagged !== want.flagged) changed.push(want.flagged ? "unflagged" : "flagged");
    if (changed.length === 0) return { outcome: "skipped", externalId: existing.id, reason: "the message is in the mailbox, unchanged" };
    const since = `the message is still in the mailbox but was ${changed.join(" and ")} since`;
    if (target.conflict === "skip") return { outcome: "skipped", externalId: existing.id, reason: `${since}; kept as it is` };
    if (target.conflict === "copy") {
      const created = await this.#create(user, sameMailbox ? underCopyFolder(target.copyFolder, folder) : home, mime, want, signal);
      return { outcome: "copied", externalId: created, reason: since };
    }
    // Replace: the same message goes back where it was, as it was (message: move keeps an immutable id).
    let id = existing.id;
    if (existing.parentFolderId !== homeId) {
      const moved = await this.#api.run(
        this.#api.mailbox(user),
        (c) => this.#api.request(c, `${userPath(user)}/messages/${encodeURIComponent(id)}/move`, { prefer: [IMMUTABLE_IDS], ...(signal ? { signal } : {}) }).post({ destinationId: homeId }) as Promise<GraphMessage>,
        signal,
      );
      id = moved.id;
    }
    await this.#setState(user, id, existing, want, signal);
    return { outcome: "replaced", externalId: id, reason: since };
  }

  /** Creates the message from its MIME in the folder at `path`, with its read and follow-up state; its new id. */
  async #create(user: string, path: readonly string[], mime: Buffer, want: { isRead: boolean | undefined; flagged: boolean | undefined }, signal?: AbortSignal): Promise<string> {
    const folderId = (await this.#ensureFolder(user, path, signal)).id;
    const created = await this.#api.run(
      this.#api.mailbox(user),
      (c) => this.#api.request(c, `${userPath(user)}/mailFolders/${encodeURIComponent(folderId)}/messages`, { prefer: [IMMUTABLE_IDS], ...(signal ? { signal } : {}) }).header("Content-Type", "text/plain").post(mime.toString("base64")) as Promise<GraphMessage>,
      signal,
    );
    // MIME carries no read or follow-up state: set them as they were (message: update).
    await this.#setState(user, created.id, { isRead: created.isRead ?? undefined, flagged: created.flag?.flagStatus === "flagged" }, want, signal);
    return created.id;
  }

  async #setState(user: string, id: string, now: { isRead: boolean | undefined; flagged: boolean }, want: { isRead: boolean | undefined; flagged: boolean | undefined }, signal?: AbortSignal): Promise<void> {
    const patch: Record<string, unknown> = {};
    if (want.isRead !== undefined && now.isRead !== want.isRead) patch.isRead = want.isRead;
    if (want.flagged !== undefined && now.flagged !== want.flagged) patch.flag = { flagStatus: want.flagged ? "flagged" : "notFlagged" };
    if (Object.keys(patch).length === 0) return;
    await this.#api.run(this.#api.mailbox(user), (c) => this.#api.request(c, `${userPath(user)}/messages/${encodeURIComponent(id)}`, { prefer: [IMMUTABLE_IDS], ...(signal ? { signal } : {}) }).patch(patch) as Promise<unknown>, signal);
  }

  /**
   * The backed-up message if the mailbox still holds it: by its own id (immutable ids survive
   * moves), else a message with its Internet Message-ID and the same MIME bytes (one an earlier
   * restore created). A message that only shares the Message-ID is another message: a ransomware
   * copy keeps the headers and replaces the body, and must not stand in for the original.
   */
  async #sameMessage(user: string, id: string | undefined, imid: string | undefined, mime: Buffer, signal?: AbortSignal): Promise<{ id: string; parentFolderId: string | undefined; isRead: boolean | undefined; flagged: boolean } | undefined> {
    const budget = this.#api.mailbox(user);
    const state = (m: GraphMessage) => ({ id: m.id, parentFolderId: m.parentFolderId ?? undefined, isRead: m.isRead ?? undefined, flagged: m.flag?.flagStatus === "flagged" });
    if (id) {
      try {
        return state(await this.#api.get<GraphMessage>(budget, `${userPath(user)}/messages/${encodeURIComponent(id)}?$select=id,parentFolderId,isRead,flag`, { prefer: [IMMUTABLE_IDS], ...(signal ? { signal } : {}) }));
      } catch (e) {
        if (!isConnectorError(e, "not_found")) throw e;
      }
    }
    if (!imid) return undefined;
    for (const candidate of await this.#byInternetMessageId(user, imid, signal)) {
      const bytes = await this.#api.run(
        budget,
        async (c) => {
          const res = await this.#api.raw(c, (cl) => this.#api.request(cl, `${userPath(user)}/messages/${encodeURIComponent(candidate.id)}/$value`, { prefer: [IMMUTABLE_IDS], ...(signal ? { signal } : {}) }));
          return res.body ? collect(res.body as AsyncIterable<Uint8Array>, MAX_MIME_BYTES) : Buffer.alloc(0);
        },
        signal,
      ).catch((e: unknown) => {
        if (isConnectorError(e, "not_found")) return undefined;
        throw e;
      });
      if (bytes?.equals(mime)) return state(candidate);
    }
    return undefined;
  }

  /** Every folder of the mailbox with its path, parents before children. */
  async #folders(user: string, signal?: AbortSignal): Promise<FolderInfo[]> {
    const budget = this.#api.mailbox(user);
    const out: FolderInfo[] = [];
    const walk = async (url: string, parent: FolderInfo | undefined): Promise<void> => {
      const children = await this.#api.all<GraphMailFolder>(budget, url, signal);
      for (const f of children) {
        const info: FolderInfo = { id: f.id, path: [...(parent?.path ?? []), segment(f.displayName)], parentId: parent?.id };
        out.push(info);
        if ((f.childFolderCount ?? 0) > 0) await walk(`${userPath(user)}/mailFolders/${encodeURIComponent(f.id)}/childFolders?$top=250&includeHiddenFolders=true`, info);
      }
    };
    await walk(`${userPath(user)}/mailFolders?$top=250&includeHiddenFolders=true`, undefined);
    return out;
  }

  /** Finds (or creates) the folder at `path`, one level at a time; `created`: the last level was made now. Matching is by display name, case-insensitive. */
  async #ensureFolder(user: string, path: readonly string[], signal?: AbortSignal): Promise<{ id: string; created: boolean }> {
    if (path.length === 0) throw new ConnectorError("invalid", "a message cannot be restored outside a folder");
    const budget = this.#api.mailbox(user);
    let parentId: string | undefined;
    let created = false;
    for (let i = 0; i < path.length; i++) {
      const key = `${user}\u0000${path.slice(0, i + 1).join("/").toLowerCase()}`;
      const cached = this.#folderIds.get(key);
      if (cached) {
        parentId = cached;
        created = false;
        continue;
      }
      const name = path[i] as string;
      const base = parentId ? `${userPath(user)}/mailFolders/${encodeURIComponent(parentId)}/childFolders` : `${userPath(user)}/mailFolders`;
      const siblings = await this.#api.all<GraphMailFolder>(budget, `${base}?$top=250&includeHiddenFolders=true`, signal);
      let found = siblings.find((f) => segment(f.displayName).toLowerCase() === name.toLowerCase());
      created = found === undefined;
      // mailFolder: create / childFolders: create (https://learn.microsoft.com/graph/api/user-post-mailfolders).
      // Paths carry "/" in names as U+2215; the folder gets its real name back.
      found ??= await this.#api.run(budget, (c) => this.#api.request(c, base).post({ displayName: name.replace(/\u2215/g, "/"), isHidden: false }) as Promise<GraphMailFolder>, signal);
      this.#folderIds.set(key, found.id);
      parentId = found.id;
    }
    return { id: parentId as string, created };
  }

  /**
   * The mailbox's messages with this Internet Message-ID ($filter on internetMessageId).
   * The equality is checked again here, so a server that ignores the filter costs more pages but
   * never a wrong answer.
   */
  async #byInternetMessageId(user: string, imid: string, signal?: AbortSignal): Promise<GraphMessage[]> {
    const budget = this.#api.mailbox(user);
    const out: GraphMessage[] = [];
    let next: string | undefined;
    let first = true;
    while (first || next) {
      const page: GraphPage<GraphMessage> = await this.#api.run(
        budget,
        (c) => {
          const r = first ? this.#api.request(c, `${userPath(user)}/messages`, { prefer: [IMMUTABLE_IDS] }).filter(`internetMessageId eq '${imid.replace(/'/g, "''")}'`).select("id,internetMessageId,parentFolderId,isRead,flag").top(1000) : this.#api.request(c, next as string, { prefer: [IMMUTABLE_IDS] });
          return r.get() as Promise<GraphPage<GraphMessage>>;
        },
        signal,
      );
      first = false;
      for (const m of page.value) if (m.internetMessageId === imid) out.push(m);
      next = page["@odata.nextLink"];
    }
    return out;
  }
}

export function oneChunk(bytes: Buffer): AsyncIterable<Uint8Array> {
  return Readable.from(bytes.length > 0 ? [bytes] : []) as AsyncIterable<Uint8Array>;
}
