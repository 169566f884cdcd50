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
import { Readable } from "node:stream";
import { collect } from "../core/stream";
import { ConnectorError } from "../core/errors";
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
    if (item.kind === "folder") {
      const folders = splitPath(item.path);
      const same = item.metadata.mailbox === user;
      const id = await this.#ensureFolder(user, same ? folders : underCopyFolder(target.copyFolder, folders), options.signal);
      return { outcome: same ? "created" : "copied", externalId: id };
    }
    if (item.kind !== "message") throw new ConnectorError("unsupported", `an Exchange mailbox cannot hold a ${item.kind}`);
    const mime = await collect(content.body, MAX_MIME_BYTES);
    const base64 = mime.toString("base64");
    if (base64.length > MAX_MIME_REQUEST_BYTES) {
      throw new ConnectorError("unsupported", `message of ${mime.length} bytes exceeds Graph's 4 MB limit for creating a message from MIME`, { provider: "microsoft" });
    }
    const folder = typeof item.metadata.folder === "string" && item.metadata.folder !== "" ? item.metadata.folder.split("/") : ["Inbox"];
    const sameMailbox = item.metadata.mailbox === user;
    let dest = sameMailbox ? folder : underCopyFolder(target.copyFolder, folder);
    let outcome: WriteResult["outcome"] = sameMailbox ? "created" : "copied";
    let reason: string | undefined = sameMailbox ? undefined : "restored to another mailbox";
    let replace: string[] = [];
    const imid = typeof item.metadata.internetMessageId === "string" ? item.metadata.internetMessageId : undefined;
    if (imid) {
      const existing = await this.#byInternetMessageId(user, imid, options.signal);
      if (existing.length > 0) {
        const why = `a message with Internet Message-ID ${imid} is already in the mailbox`;
        if (target.conflict === "skip") return { outcome: "skipped", reason: why };
        if (target.conflict === "copy") {
          if (sameMailbox) dest = underCopyFolder(target.copyFolder, folder);
          outcome = "copied";
          reason = why;
        } else {
          replace = existing;
          outcome = "replaced";
          reason = why;
        }
      }
    }
    const folderId = await this.#ensureFolder(user, dest, options.signal);
    const created = await this.#api.run(
      this.#api.mailbox(user),
      (c) => this.#api.request(c, `${userPath(user)}/mailFolders/${encodeURIComponent(folderId)}/messages`, { prefer: [IMMUTABLE_IDS], ...(options.signal ? { signal: options.signal } : {}) }).header("Content-Type", "text/plain").post(base64) as Promise<GraphMessage>,
      options.signal,
    );
    // MIME carries no read or follow-up state: set them as they were (message: update).
    const wantRead = typeof item.metadata.isRead === "boolean" ? item.metadata.isRead : undefined;
    const wantFlag = typeof item.metadata.flagged === "boolean" ? item.metadata.flagged : undefined;
    const patch: Record<string, unknown> = {};
    if (wantRead !== undefined && created.isRead !== wantRead) patch.isRead = wantRead;
    if (wantFlag !== undefined && (created.flag?.flagStatus === "flagged") !== wantFlag) patch.flag = { flagStatus: wantFlag ? "flagged" : "notFlagged" };
    if (Object.keys(patch).length > 0) {
      await this.#api.run(this.#api.mailbox(user), (c) => this.#api.request(c, `${userPath(user)}/messages/${encodeURIComponent(created.id)}`, { prefer: [IMMUTABLE_IDS] }).patch(patch) as Promise<unknown>, options.signal);
    }
    // Replace = the restored copy first, then the one it replaces: a failure in between never loses both.
    for (const id of replace) {
      await this.#api.run(this.#api.mailbox(user), (c) => this.#api.request(c, `${userPath(user)}/messages/${encodeURIComponent(id)}`).delete() as Promise<unknown>, options.signal).catch((e: unknown) => {
        if (!(e instanceof ConnectorError && e.code === "not_found")) throw e;
      });
    }
    return { outcome, externalId: created.id, ...(reason ? { reason } : {}) };
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

  /** Finds (or creates) the folder at `path`, one level at a time. Matching is by display name, case-insensitive. */
  async #ensureFolder(user: string, path: readonly string[], signal?: AbortSignal): Promise<string> {
    if (path.length === 0) throw new ConnectorError("invalid", "a message cannot be restored outside a folder");
    const budget = this.#api.mailbox(user);
    let parentId: string | undefined;
    for (let i = 0; i < path.length; i++) {
      const key = `${user}\u0000${path.slice(0, i + 1).join("/").toLowerCase()}`;
      const cached = this.#folderIds.get(key);
      if (cached) {
        parentId = cached;
        continue;
      }
      const name = path[i] as string;
      const base = parentId ? `${userPath(user)}/mailFolders/${encodeURIComponent(parentId)}/childFolders` : `${userPath(user)}/mailFolders`;
      const siblings = await this.#api.all<GraphMailFolder>(budget, `${base}?$top=250&includeHiddenFolders=true`, signal);
      let found = siblings.find((f) => segment(f.displayName).toLowerCase() === name.toLowerCase());
      // mailFolder: create / childFolders: create (https://learn.microsoft.com/graph/api/user-post-mailfolders).
      // Paths carry "/" in names as U+2215; the folder gets its real name back.
      found ??= await this.#api.run(budget, (c) => this.#api.request(c, base).post({ displayName: name.replace(/\u2215/g, "/"), isHidden: false }) as Promise<GraphMailFolder>, signal);
      this.#folderIds.set(key, found.id);
      parentId = found.id;
    }
    return parentId as string;
  }

  /**
   * Ids of the mailbox's messages with this Internet Message-ID ($filter on internetMessageId).
   * The equality is checked again here, so a server that ignores the filter costs more pages but
   * never a wrong answer.
   */
  async #byInternetMessageId(user: string, imid: string, signal?: AbortSignal): Promise<string[]> {
    const budget = this.#api.mailbox(user);
    const out: string[] = [];
    let next: string | undefined;
    let first = true;
    while (first || next) {
      const page: GraphPage<GraphMessage> = await this.#api.run(
        budget,
        (c) => {
          const r = first ? this.#api.request(c, `${userPath(user)}/messages`, { prefer: [IMMUTABLE_IDS] }).filter(`internetMessageId eq '${imid.replace(/'/g, "''")}'`).select("id,internetMessageId").top(1000) : this.#api.request(c, next as string, { prefer: [IMMUTABLE_IDS] });
          return r.get() as Promise<GraphPage<GraphMessage>>;
        },
        signal,
      );
      first = false;
      for (const m of page.value) if (m.internetMessageId === imid) out.push(m.id);
      next = page["@odata.nextLink"];
    }
    return out;
  }
}

export function oneChunk(bytes: Buffer): AsyncIterable<Uint8Array> {
  return Readable.from(bytes.length > 0 ? [bytes] : []) as AsyncIterable<Uint8Array>;
}
