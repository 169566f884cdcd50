// OneDrive for Business drives (unit kind `onedrive`) and SharePoint document libraries
// (`sharepoint`): both are Graph drives addressed as /drives/{drive-id}.
//
// Documented behaviour this implements:
// - Changes: driveItem: delta on the root (https://learn.microsoft.com/graph/api/driveitem-delta):
//   @odata.nextLink pages, @odata.deltaLink at the end; folders before their children; deleted
//   items carry a `deleted` facet; 410 Gone (resyncRequired…) → resync. Delta responses need not
//   carry parentReference.path, so folder paths are kept in the cursor (id → path).
// - Content: GET items/{id}/content answers 302 to a pre-authenticated download URL, fetched
//   without the bearer token (https://learn.microsoft.com/graph/api/driveitem-get-content).
// - Sharing: GET items/{id}/permissions (driveitem-list-permissions) into the read metadata.
// - Restore: PUT root:/{path}:/content for small files (driveitem-put-content), an upload
//   session for large ones (driveitem-createuploadsession: slices in multiples of 320 KiB,
//   Content-Range, no Authorization on the upload URL), `@microsoft.graph.conflictBehavior`
//   fail / rename / replace; folders by POST …/children. A file still in its drive is found by
//   id (GET items/{id}) wherever it is now: unchanged → skipped; moved or changed since → `skip`
//   keeps it, `copy` uploads the backed-up one under the copy folder, `replace` uploads it as a
//   new version of the same item (PUT items/{id}/content, so the intruder's version stays in the
//   version history) and moves it back (PATCH parentReference). A restore deletes nothing.
// - SharePoint resource units: 1 per single item, download or delta page with a token; 2 per
//   collection, first delta page or write; 5 per permissions read.
import { Readable } from "node:stream";
import { collect, toAsyncIterable } from "../core/stream";
import { ConnectorError, isConnectorError } from "../core/errors";
import type { Change, ChangePage, Cursor, DiscoveredUnit, ItemContent, ItemDescriptor, ListChangesOptions, RestoreTarget, UnitConnector, WriteResult } from "../core/types";
import type { MicrosoftConnectorConfig } from "./config";
import { decodeDriveCursor, encodeCursor, type DriveCursor } from "./cursor";
import type { GraphApi, GraphPage } from "./graph";
import { drivePathAddress, driveSafeName, folderPathOfParentReference, segment, splitPath, underCopyFolder } from "./paths";
import { driveItemDescriptor, type GraphDriveItem } from "./transform";

type Behavior = "fail" | "rename" | "replace";

interface Grantee {
  user?: { email?: string; displayName?: string };
  group?: { displayName?: string };
  siteGroup?: { displayName?: string };
}

interface GraphPermission {
  id: string;
  roles?: string[];
  link?: { scope?: string; type?: string } | null;
  grantedToV2?: Grantee | null;
  grantedTo?: Grantee | null;
  inheritedFrom?: object | null;
}

/** The drive id of a `onedrive` / `sharepoint` unit. */
export function driveIdOf(unit: DiscoveredUnit): string {
  const id = unit.attributes?.driveId ?? unit.externalId;
  if (!id) throw new ConnectorError("invalid", `unit ${unit.key} names no drive`);
  return id;
}

export class DriveConnector implements UnitConnector {
  readonly kind: "onedrive" | "sharepoint";
  readonly #api: GraphApi;
  readonly #config: MicrosoftConnectorConfig;
  readonly #folders = new Set<string>();

  constructor(kind: "onedrive" | "sharepoint", api: GraphApi, config: MicrosoftConnectorConfig) {
    this.kind = kind;
    this.#api = api;
    this.#config = config;
  }

  async listChanges(unit: DiscoveredUnit, cursor: Cursor | null, options: ListChangesOptions = {}): Promise<ChangePage> {
    const driveId = driveIdOf(unit);
    const pageSize = options.pageSize ?? this.#config.pageSize;
    let state: DriveCursor;
    if (cursor === null) state = { v: 1, link: `/drives/${encodeURIComponent(driveId)}/root/delta`, done: false, full: true, folders: {} };
    else {
      state = decodeDriveCursor(cursor);
      // A finished round's deltaLink starts the next round.
      if (state.done) state = { ...state, done: false, full: false };
    }
    const firstPage = cursor === null;
    const page = await this.#api.get<GraphPage<GraphDriveItem>>(this.#api.sharePoint(firstPage ? 2 : 1), state.link, { prefer: [`odata.maxpagesize=${pageSize}`], ...(options.signal ? { signal: options.signal } : {}) });
    const changes: Change[] = [];
    for (const item of page.value) {
      if (item.deleted) {
        delete state.folders[item.id];
        changes.push({ op: "delete", externalId: item.id });
        continue;
      }
      if (item.root) {
        state.folders[item.id] = [];
        continue;
      }
      const parentId = item.parentReference?.id;
      const parent = (parentId ? state.folders[parentId] : undefined) ?? folderPathOfParentReference(item.parentReference?.path) ?? [];
      const descriptor = driveItemDescriptor(item, parent, driveId);
      if (descriptor.kind === "folder") {
        const before = state.folders[item.id];
        const now = [...parent, descriptor.name];
        state.folders[item.id] = now;
        if (!state.full && before && before.join("/") !== now.join("/") && !state.repath?.includes(item.id)) state.repath = [...(state.repath ?? []), item.id];
      }
      changes.push({ op: "upsert", item: descriptor });
    }
    const next = page["@odata.nextLink"];
    const delta = page["@odata.deltaLink"];
    if (next) state.link = next;
    else if (delta) {
      state.link = delta;
      state.done = true;
      for (const folderId of state.repath ?? []) changes.push(...(await this.#subtree(driveId, folderId, state, options.signal)));
      delete state.repath;
    } else throw new ConnectorError("transient", "Graph ended a drive delta page without a nextLink or deltaLink", { provider: "microsoft" });
    return { changes, cursor: encodeCursor(state), done: state.done, full: state.full };
  }

  /** Everything below a renamed or moved folder, with its new paths (driveItem: list children). */
  async #subtree(driveId: string, folderId: string, state: DriveCursor, signal?: AbortSignal): Promise<Change[]> {
    const out: Change[] = [];
    const walk = async (id: string): Promise<void> => {
      const path = state.folders[id];
      if (!path) return;
      let children: GraphDriveItem[];
      try {
        children = await this.#api.all<GraphDriveItem>(this.#api.sharePoint(2), `/drives/${encodeURIComponent(driveId)}/items/${encodeURIComponent(id)}/children?$top=200`, signal);
      } catch (e) {
        // Deleted since: its removal is in the delta.
        if (isConnectorError(e, "not_found")) return;
        throw e;
      }
      for (const child of children) {
        const d = driveItemDescriptor(child, path, driveId);
        out.push({ op: "upsert", item: d });
        if (d.kind === "folder") {
          state.folders[child.id] = [...path, d.name];
          await walk(child.id);
        }
      }
    };
    await walk(folderId);
    return out;
  }

  async readItem(unit: DiscoveredUnit, item: ItemDescriptor, options: { signal?: AbortSignal } = {}): Promise<ItemContent> {
    if (!item.hasContent) throw new ConnectorError("unsupported", `${item.path} is a folder and has no content`);
    const driveId = driveIdOf(unit);
    const itemPath = `/drives/${encodeURIComponent(driveId)}/items/${encodeURIComponent(item.externalId)}`;
    const signal = options.signal;
    const metadata: Record<string, unknown> = {};
    if (this.#config.drivePermissions) {
      const perms = await this.#api.all<GraphPermission>(this.#api.sharePoint(5), `${itemPath}/permissions`, signal);
      metadata.permissions = perms.map(permissionSummary);
    }
    // The content call and the download in one attempt: a retry asks for a fresh download URL.
    const res = await this.#api.run(
      this.#api.sharePoint(2),
      async (c) => {
        const r = await this.#api.raw(c, (cl) => this.#api.request(cl, `${itemPath}/content`, signal ? { signal } : {}));
        if (r.status < 300 || r.status >= 400) return r;
        const location = r.headers.get("location");
        await r.body?.cancel();
        if (!location) throw new ConnectorError("transient", "Graph answered the content request with a redirect but no Location", { provider: "microsoft" });
        return this.#api.preauthenticated(location, { method: "GET" }, signal, { download: true });
      },
      signal,
    );
    if (!res.body) throw new ConnectorError("transient", `the download of ${item.path} had no body`, { provider: "microsoft" });
    const length = Number(res.headers.get("content-length"));
    return {
      body: toAsyncIterable(res.body),
      contentType: res.headers.get("content-type") ?? (typeof item.metadata.mimeType === "string" ? item.metadata.mimeType : "application/octet-stream"),
      ...(Number.isFinite(length) && res.headers.has("content-length") ? { size: length } : {}),
      metadata,
    };
  }

  async writeItem(target: RestoreTarget, item: ItemDescriptor, content: ItemContent, options: { signal?: AbortSignal } = {}): Promise<WriteResult> {
    const driveId = driveIdOf(target.unit);
    const signal = options.signal;
    const segments = splitPath(item.path);
    if (segments.length === 0) throw new ConnectorError("invalid", "the drive root itself cannot be restored");
    const sameDrive = item.metadata.driveId === driveId;
    const copy = underCopyFolder(driveSafeName(target.copyFolder), segments);
    const original = sameDrive ? segments : copy;
    if (item.kind === "folder") {
      const existed = await this.#ensureFolder(driveId, original, signal);
      return { outcome: sameDrive ? (existed ? "skipped" : "created") : "copied", ...(existed ? { reason: "the folder already exists" } : {}) };
    }
    if (item.kind !== "file") throw new ConnectorError("unsupported", `a drive cannot hold a ${item.kind}`);
    const size = content.size ?? item.size;
    // Small (or unknown-size) files are buffered once, so a conflict retry can send them again.
    const buffered = size === undefined || size <= this.#config.simpleUploadMaxBytes ? await collect(content.body, 250 * 1024 * 1024) : undefined;
    const upload = (address: string, behavior: Behavior) => (buffered ? this.#putSmallOrSession(driveId, address, buffered, behavior, signal) : this.#session(driveId, address, content.body, size as number, behavior, signal));

    // In its own drive the file is found by id wherever it is now: ids survive moves and new versions.
    const now = sameDrive ? await this.#itemById(driveId, item.externalId, signal) : undefined;
    if (now) {
      const at = [...(folderPathOfParentReference(now.parentReference?.path) ?? []), segment(now.name)];
      const moved = at.join("/").toLowerCase() !== original.join("/").toLowerCase();
      const same = sameContent(item, now);
      if (!moved && same) return { outcome: "skipped", externalId: now.id, reason: "the file is in place, unchanged" };
      const since = `the file was ${[moved ? `moved to /${at.join("/")}` : "", same ? "" : "changed"].filter(Boolean).join(" and ")} since`;
      if (target.conflict === "skip") return { outcome: "skipped", externalId: now.id, reason: `${since}; kept as it is` };
      if (target.conflict === "copy") {
        const r = await upload(pathAddress(copy), "rename");
        return { outcome: "copied", externalId: r.item.id, reason: since };
      }
      // Replace: the same item gets the backed-up bytes as a new version and goes back to its path.
      if (!same) await upload(`items/${encodeURIComponent(now.id)}`, "replace");
      if (moved && !(await this.#moveBack(driveId, now.id, original, signal))) {
        const r = await upload(pathAddress(original), "replace");
        return { outcome: "replaced", externalId: r.item.id, reason: `${since}; another file had taken its place at /${original.join("/")} and was overwritten (its earlier versions stay in its version history)` };
      }
      return { outcome: "replaced", externalId: now.id, reason: since };
    }

    // Gone from its drive (or restored into another one): written at its path; what is there decides.
    try {
      const r = await upload(pathAddress(original), target.conflict === "replace" ? "replace" : "fail");
      if (!sameDrive) return { outcome: r.replaced ? "replaced" : "copied", externalId: r.item.id, reason: "restored to another drive" };
      return { outcome: r.replaced ? "replaced" : "created", externalId: r.item.id };
    } catch (e) {
      if (!isConnectorError(e, "conflict")) throw e;
      const there = await this.#itemAt(driveId, original, signal);
      if (there && sameContent(item, there)) return { outcome: "skipped", externalId: there.id, reason: `a file with the same content is already at /${original.join("/")}` };
      const why = `another file is at /${original.join("/")}`;
      if (target.conflict === "skip") return { outcome: "skipped", reason: `${why}; kept as it is` };
      if (!buffered) throw new ConnectorError("conflict", `${why}; a large upload cannot be replayed as a copy`, { provider: "microsoft", cause: e });
      const r = await upload(pathAddress(sameDrive ? copy : original), "rename");
      return { outcome: "copied", externalId: r.item.id, reason: why };
    }
  }

  /** The item with this id, or undefined when the drive no longer holds it. */
  async #itemById(driveId: string, id: string, signal?: AbortSignal): Promise<GraphDriveItem | undefined> {
    try {
      const found = await this.#api.get<GraphDriveItem>(this.#api.sharePoint(1), `/drives/${encodeURIComponent(driveId)}/items/${encodeURIComponent(id)}?$select=id,name,parentReference,file,cTag,deleted`, signal ? { signal } : {});
      return found.deleted ? undefined : found;
    } catch (e) {
      if (isConnectorError(e, "not_found")) return undefined;
      throw e;
    }
  }

  /** The item at `path`, found by listing children one level at a time (names compare case-insensitively, as OneDrive's do). */
  async #itemAt(driveId: string, path: readonly string[], signal?: AbortSignal): Promise<GraphDriveItem | undefined> {
    let parent = "root";
    let found: GraphDriveItem | undefined;
    for (const name of path) {
      const url = parent === "root" ? `/drives/${encodeURIComponent(driveId)}/root/children?$top=200` : `/drives/${encodeURIComponent(driveId)}/items/${encodeURIComponent(parent)}/children?$top=200`;
      let children: GraphDriveItem[];
      try {
        children = await this.#api.all<GraphDriveItem>(this.#api.sharePoint(2), url, signal);
      } catch (e) {
        if (isConnectorError(e, "not_found")) return undefined;
        throw e;
      }
      found = children.find((c) => segment(c.name).toLowerCase() === name.toLowerCase());
      if (!found) return undefined;
      parent = found.id;
    }
    return found;
  }

  /** Moves the item back to `path` (driveItem: update parentReference and name); false when another item holds that name. */
  async #moveBack(driveId: string, id: string, path: readonly string[], signal?: AbortSignal): Promise<boolean> {
    const folders = path.slice(0, -1);
    if (folders.length > 0) await this.#ensureFolder(driveId, folders, signal);
    const parent = folders.length > 0 ? await this.#itemAt(driveId, folders, signal) : await this.#api.get<GraphDriveItem>(this.#api.sharePoint(1), `/drives/${encodeURIComponent(driveId)}/root?$select=id`, signal ? { signal } : {});
    if (!parent) throw new ConnectorError("transient", `the folder /${folders.join("/")} vanished while a file was moved back into it`, { provider: "microsoft" });
    try {
      await this.#api.run(
        this.#api.sharePoint(2),
        (c) => this.#api.request(c, `/drives/${encodeURIComponent(driveId)}/items/${encodeURIComponent(id)}`, signal ? { signal } : {}).patch({ parentReference: { id: parent.id }, name: path[path.length - 1], "@microsoft.graph.conflictBehavior": "fail" }) as Promise<unknown>,
        signal,
      );
      return true;
    } catch (e) {
      if (isConnectorError(e, "conflict")) return false;
      throw e;
    }
  }

  /** `address`: `root:/{path}:` (a new file or the one at that path, by `behavior`) or `items/{id}` (a new version of that file). */
  async #putSmallOrSession(driveId: string, address: string, bytes: Buffer, behavior: Behavior, signal?: AbortSignal): Promise<{ item: GraphDriveItem; replaced: boolean }> {
    if (bytes.length > this.#config.simpleUploadMaxBytes) return this.#session(driveId, address, toAsyncIterable(Readable.from([bytes])), bytes.length, behavior, signal);
    const url = `/drives/${encodeURIComponent(driveId)}/${address}/content?@microsoft.graph.conflictBehavior=${behavior}`;
    return this.#api.run(
      this.#api.sharePoint(2),
      async (c) => {
        const res = await this.#api.raw(c, (cl) => this.#api.request(cl, url, signal ? { signal } : {}).header("Content-Type", "application/octet-stream"), "put", bytes);
        return { item: (await res.json()) as GraphDriveItem, replaced: res.status === 200 };
      },
      signal,
    );
  }

  /** An upload session: slices of `uploadChunkBytes` (a multiple of 320 KiB), each PUT with its Content-Range. */
  async #session(driveId: string, address: string, body: AsyncIterable<Uint8Array>, size: number, behavior: Behavior, signal?: AbortSignal): Promise<{ item: GraphDriveItem; replaced: boolean }> {
    const session = await this.#api.run(
      this.#api.sharePoint(2),
      (c) => this.#api.request(c, `/drives/${encodeURIComponent(driveId)}/${address}/createUploadSession`, signal ? { signal } : {}).post({ item: { "@microsoft.graph.conflictBehavior": behavior } }) as Promise<{ uploadUrl?: string }>,
      signal,
    );
    const uploadUrl = session.uploadUrl;
    if (!uploadUrl) throw new ConnectorError("transient", "Graph created an upload session without an uploadUrl", { provider: "microsoft" });
    const chunkBytes = this.#config.uploadChunkBytes;
    let offset = 0;
    let pending = Buffer.alloc(0);
    let last: Response | undefined;
    const send = async (slice: Buffer) => {
      const start = offset;
      const end = offset + slice.length - 1;
      last = await this.#api.run(this.#api.sharePoint(1), () => this.#api.preauthenticated(uploadUrl, { method: "PUT", headers: { "content-range": `bytes ${start}-${end}/${size}`, "content-length": String(slice.length) }, body: slice }, signal), signal);
      offset = end + 1;
      if (offset < size) await last.body?.cancel();
    };
    try {
      for await (const chunk of body) {
        pending = pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([pending, chunk]);
        while (pending.length >= chunkBytes && offset + chunkBytes < size) {
          await send(pending.subarray(0, chunkBytes));
          pending = pending.subarray(chunkBytes);
        }
      }
      if (offset + pending.length !== size) throw new ConnectorError("invalid", `the content for ${address} is ${offset + pending.length} bytes, not the ${size} its size promised`);
      while (pending.length > 0) {
        const slice = pending.length > chunkBytes ? pending.subarray(0, chunkBytes) : pending;
        await send(slice);
        pending = pending.subarray(slice.length);
      }
    } catch (e) {
      // Cancel the session so no half-written upload lingers (DELETE uploadUrl).
      await this.#api.preauthenticated(uploadUrl, { method: "DELETE" }).catch(() => undefined);
      throw e;
    }
    const done = last;
    if (!done) throw new ConnectorError("invalid", "an empty file cannot go through an upload session");
    return { item: (await done.json()) as GraphDriveItem, replaced: done.status === 200 };
  }

  /** Creates the folders of `path` that are missing; true when the last one already existed. */
  async #ensureFolder(driveId: string, path: readonly string[], signal?: AbortSignal): Promise<boolean> {
    let existed = true;
    for (let i = 0; i < path.length; i++) {
      const here = path.slice(0, i + 1);
      const key = `${driveId}\u0000${here.join("/").toLowerCase()}`;
      if (this.#folders.has(key)) continue;
      const parent = here.slice(0, -1);
      const children = parent.length ? `/drives/${encodeURIComponent(driveId)}/root:/${drivePathAddress(parent)}:/children` : `/drives/${encodeURIComponent(driveId)}/root/children`;
      try {
        await this.#api.run(this.#api.sharePoint(2), (c) => this.#api.request(c, children, signal ? { signal } : {}).post({ name: segment(here[here.length - 1]), folder: {}, "@microsoft.graph.conflictBehavior": "fail" }) as Promise<unknown>, signal);
        existed = false;
      } catch (e) {
        if (!isConnectorError(e, "conflict")) throw e;
        existed = true;
      }
      this.#folders.add(key);
    }
    return existed;
  }
}

/** A path address below the drive root: `root:/a/b%20c.txt:`. */
const pathAddress = (path: readonly string[]) => `root:/${drivePathAddress(path)}:`;

/**
 * Whether the drive's item holds the backed-up content: by a hash both sides have (sha256 on
 * personal OneDrive, quickXor on OneDrive for Business), else — the same item only — by cTag,
 * which moves with content changes and nothing else.
 */
function sameContent(item: ItemDescriptor, now: GraphDriveItem): boolean {
  const h = now.file?.hashes;
  const m = item.metadata;
  if (h?.sha256Hash && typeof m.sha256Hash === "string") return h.sha256Hash.toLowerCase() === m.sha256Hash.toLowerCase();
  if (h?.quickXorHash && typeof m.quickXorHash === "string") return h.quickXorHash === m.quickXorHash;
  if (h?.sha1Hash && typeof m.sha1Hash === "string") return h.sha1Hash.toLowerCase() === m.sha1Hash.toLowerCase();
  return now.id === item.externalId && typeof now.cTag === "string" && now.cTag === m.cTag;
}

function permissionSummary(p: GraphPermission): Record<string, unknown> {
  const g = p.grantedToV2 ?? p.grantedTo;
  const grantee = g?.user?.email ?? g?.user?.displayName ?? g?.siteGroup?.displayName ?? g?.group?.displayName;
  return {
    id: p.id,
    roles: p.roles ?? [],
    ...(grantee ? { grantedTo: grantee } : {}),
    ...(p.link ? { link: { scope: p.link.scope ?? null, type: p.link.type ?? null } } : {}),
    inherited: p.inheritedFrom != null,
  };
}
