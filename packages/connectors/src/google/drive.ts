// Drive (a user's My Drive, or a shared drive): files and folders with their paths, content,
// Google-native documents exported, sharing permissions and revision ids as metadata.
// - Full sync: changes.getStartPageToken *before* files.list, so changes made while listing are
//   picked up by the next incremental run (https://developers.google.com/drive/api/guides/manage-changes).
// - Incremental: changes.list from the saved token; `removed` or `file.trashed` → delete; an
//   expired token (400 invalid on pageToken, or 410) → resync_required.
// - Content: files.get alt=media for binary files; files.export for Docs Editors files, to the
//   Office format by default (ref-export-formats), recorded as `exportMimeType` in the metadata.
//
// Revisions (decision): each run captures the *head* revision as the item's version; every
// revision id Drive still lists (with modifiedTime, size, md5) is recorded in the metadata. Past
// revisions are not downloaded: the catalogue's versions are points in time we observed, and a
// backfilled revision would claim to have been seen at a time it was not. Running incrementally
// captures every later head revision as it appears, and dedup makes unchanged bytes free.
// Folder moves: Drive reports only the moved folder, so descendants keep the path they were last
// listed with until they change or a full run re-lists them.
import { createHash } from "node:crypto";
import type { drive_v3 } from "googleapis";
import { ConnectorError, isConnectorError } from "../core/errors";
import { toAsyncIterable } from "../core/stream";
import type { Change, ChangePage, Cursor, DiscoveredUnit, ItemContent, ItemDescriptor, ListChangesOptions, RestoreTarget, UnitConnector, WriteResult } from "../core/types";
import type { GoogleApis } from "./api";
import { DEFAULT_EXPORT_FORMATS } from "./config";
import { classifyGoogleError } from "./errors";
import { writeDriveItem } from "./drive-write";
import { decodeCursor, drivePath, encodeCursor, FOLDER_MIME, NATIVE_PREFIX, type DriveNode } from "./transform";
import { mapLimit, subjectOf } from "./units";

export const FILE_FIELDS =
  "id,name,mimeType,parents,trashed,createdTime,modifiedTime,version,size,md5Checksum,sha256Checksum,headRevisionId,driveId,ownedByMe,owners(emailAddress,displayName,me),shortcutDetails,webViewLink";

/** Google-native kinds that have no exportable content (Drive lists no export format for them). */
export const UNSUPPORTED_KINDS: Readonly<Record<string, string>> = {
  "application/vnd.google-apps.form": "Google Forms cannot be exported through the Drive API",
  "application/vnd.google-apps.site": "Google Sites cannot be exported through the Drive API",
  "application/vnd.google-apps.shortcut": "a shortcut only points at another file, which is backed up where it lives",
  "application/vnd.google-apps.map": "Google My Maps cannot be exported through the Drive API",
  "application/vnd.google-apps.jam": "Jamboards cannot be exported through the Drive API",
  "application/vnd.google-apps.fusiontable": "Fusion Tables no longer exist",
};

/** Where a drive unit's calls go: the user acting, and the shared drive id if any. */
export interface DriveScope {
  user: string;
  driveId?: string;
}

interface DriveCursor extends Record<string, unknown> {
  /** The changes page token (start token while a full listing runs). */
  t: string;
  /** files.list page token of the full listing in progress. */
  p?: string;
  full?: boolean;
}

export class DriveConnector implements UnitConnector {
  readonly kind: "drive" | "shared-drive";
  readonly #g: GoogleApis;
  /** Folders seen (id → name, parents), to compute paths without a call per ancestor. */
  readonly #folders = new Map<string, DriveNode>();
  readonly #roots = new Map<string, string>();

  constructor(g: GoogleApis, kind: "drive" | "shared-drive") {
    this.#g = g;
    this.kind = kind;
  }

  scopeOf(unit: DiscoveredUnit): DriveScope {
    const user = subjectOf(unit, this.kind, this.#g.config.adminEmail);
    return this.kind === "shared-drive" ? { user, driveId: unit.attributes?.driveId ?? unit.externalId } : { user };
  }

  call<T>(scope: DriveScope, op: string, fn: () => Promise<T>, options: { cursor?: boolean; signal?: AbortSignal } = {}): Promise<T> {
    return this.#g.call("drive", scope.user, op, fn, options);
  }

  /** The id of the drive's root folder (My Drive's own id, or the shared drive id). */
  async rootId(scope: DriveScope, signal?: AbortSignal): Promise<string> {
    if (scope.driveId) return scope.driveId;
    const known = this.#roots.get(scope.user);
    if (known) return known;
    const api = this.#g.drive(scope.user);
    const res = await this.call(scope, "files.get", () => api.files.get({ fileId: "root", fields: "id" }, { signal }), { signal });
    const id = res.data.id;
    if (!id) throw new ConnectorError("invalid", "drive files.get(root) returned no id", { provider: "google" });
    this.#roots.set(scope.user, id);
    return id;
  }

  remember(f: { id?: string | null; name?: string | null; parents?: string[] | null; mimeType?: string | null }): void {
    if (f.id && f.mimeType === FOLDER_MIME) this.#folders.set(f.id, { id: f.id, name: f.name ?? f.id, parents: f.parents ?? undefined });
  }

  /** Loads the ancestors of `ids` that are not cached yet (files.get per unknown folder). */
  async #loadAncestors(scope: DriveScope, parents: (string | undefined)[], root: string, signal?: AbortSignal): Promise<void> {
    const api = this.#g.drive(scope.user);
    let pending = [...new Set(parents.filter((p): p is string => !!p && p !== root && !this.#folders.has(p)))];
    for (let depth = 0; pending.length > 0 && depth < 100; depth++) {
      const found = await mapLimit(pending, this.#g.config.concurrencyPerUser, async (id) => {
        try {
          return (await this.call(scope, "files.get", () => api.files.get({ fileId: id, fields: "id,name,parents,mimeType", supportsAllDrives: true }, { signal }), { signal })).data;
        } catch (e) {
          // A parent we may not see (shared with the user from elsewhere): the path stops there.
          if (isConnectorError(e, "not_found") || isConnectorError(e, "permission_denied")) return undefined;
          throw e;
        }
      });
      const next: string[] = [];
      for (const f of found) {
        if (!f?.id) continue;
        this.#folders.set(f.id, { id: f.id, name: f.name ?? f.id, parents: f.parents ?? undefined });
        const p = f.parents?.[0];
        if (p && p !== root && !this.#folders.has(p)) next.push(p);
      }
      pending = [...new Set(next)];
    }
  }

  async listChanges(unit: DiscoveredUnit, cursor: Cursor | null, options: ListChangesOptions = {}): Promise<ChangePage> {
    const scope = this.scopeOf(unit);
    const { signal } = options;
    const pageSize = Math.min(1000, Math.max(1, options.pageSize ?? 200));
    const api = this.#g.drive(scope.user);
    const shared = scope.driveId ? { driveId: scope.driveId, supportsAllDrives: true, includeItemsFromAllDrives: true } : { supportsAllDrives: true };
    let state: DriveCursor;
    if (cursor === null) {
      const res = await this.call(scope, "changes.getStartPageToken", () => api.changes.getStartPageToken({ ...(scope.driveId ? { driveId: scope.driveId } : {}), supportsAllDrives: true }, { signal }), { signal });
      const t = res.data.startPageToken;
      if (!t) throw new ConnectorError("invalid", "drive changes.getStartPageToken returned no token", { provider: "google" });
      state = { t, full: true };
    } else {
      state = decodeCursor<DriveCursor>("drive", cursor);
    }
    const root = await this.rootId(scope, signal);

    if (state.full) {
      const res = await this.call(
        scope,
        "files.list",
        () =>
          api.files.list(
            {
              ...shared,
              corpora: scope.driveId ? "drive" : "user",
              q: "trashed = false",
              pageSize,
              pageToken: state.p,
              fields: `nextPageToken,files(${FILE_FIELDS})`,
            },
            { signal },
          ),
        { signal },
      );
      const files = (res.data.files ?? []).filter((f) => this.#inUnit(scope, f));
      const changes: Change[] = (await this.#describeAll(scope, files, root, signal)).map((item) => ({ op: "upsert", item }));
      const next = res.data.nextPageToken ?? undefined;
      return next
        ? { changes, cursor: encodeCursor("drive", { t: state.t, p: next, full: true }), done: false, full: true }
        : { changes, cursor: encodeCursor("drive", { t: state.t }), done: true, full: true };
    }

    const res = await this.call(
      scope,
      "changes.list",
      () =>
        api.changes.list(
          {
            ...shared,
            pageToken: state.t,
            pageSize,
            includeRemoved: true,
            fields: `nextPageToken,newStartPageToken,changes(changeType,removed,fileId,time,driveId,file(${FILE_FIELDS}))`,
          },
          { signal },
        ),
      { signal, cursor: true },
    );
    // The last state of each file in this page wins.
    const last = new Map<string, drive_v3.Schema$Change>();
    for (const c of res.data.changes ?? []) if (c.changeType !== "drive" && c.fileId) last.set(c.fileId, c);
    const live: drive_v3.Schema$File[] = [];
    const changes: Change[] = [];
    for (const [fileId, c] of last) {
      if (c.removed || !c.file || c.file.trashed || !this.#inUnit(scope, c.file)) {
        if (c.file?.mimeType === FOLDER_MIME || !c.file) this.#folders.delete(fileId);
        changes.push({ op: "delete", externalId: fileId });
      } else live.push(c.file);
    }
    for (const item of await this.#describeAll(scope, live, root, signal)) changes.push({ op: "upsert", item });
    const next = res.data.nextPageToken ?? undefined;
    if (next) return { changes, cursor: encodeCursor("drive", { t: next }), done: false, full: false };
    const fresh = res.data.newStartPageToken;
    if (!fresh) throw new ConnectorError("invalid", "drive changes.list returned neither nextPageToken nor newStartPageToken", { provider: "google" });
    return { changes, cursor: encodeCursor("drive", { t: fresh }), done: true, full: false };
  }

  /** My Drive holds what the user owns (files shared with them belong to another unit). */
  #inUnit(scope: DriveScope, f: drive_v3.Schema$File): boolean {
    if (scope.driveId) return f.driveId === scope.driveId;
    if (f.driveId) return false;
    if (f.ownedByMe !== undefined && f.ownedByMe !== null) return f.ownedByMe;
    return f.owners?.some((o) => o.me || o.emailAddress?.toLowerCase() === scope.user.toLowerCase()) ?? true;
  }

  async #describeAll(scope: DriveScope, files: drive_v3.Schema$File[], root: string, signal?: AbortSignal): Promise<ItemDescriptor[]> {
    for (const f of files) this.remember(f);
    await this.#loadAncestors(scope, files.map((f) => f.parents?.[0] ?? undefined), root, signal);
    const roots = new Set([root]);
    return mapLimit(files, this.#g.config.concurrencyPerUser, async (f) => {
      const [permissions, revisions] = await Promise.all([this.#permissions(scope, f, signal), this.#revisions(scope, f, signal)]);
      const path = drivePath({ id: f.id ?? "", name: f.name ?? "", parents: f.parents ?? undefined }, (id) => this.#folders.get(id), roots);
      return describeFile(scope, f, path, permissions, revisions);
    });
  }

  async #permissions(scope: DriveScope, f: drive_v3.Schema$File, signal?: AbortSignal): Promise<Record<string, unknown>[]> {
    const api = this.#g.drive(scope.user);
    const out: Record<string, unknown>[] = [];
    let pageToken: string | undefined;
    do {
      const res = await this.call(
        scope,
        "permissions.list",
        () => api.permissions.list({ fileId: f.id ?? "", supportsAllDrives: true, pageToken, fields: "nextPageToken,permissions(id,type,role,emailAddress,domain,displayName,allowFileDiscovery,permissionDetails)" }, { signal }),
        { signal },
      );
      for (const p of res.data.permissions ?? []) out.push({ id: p.id, type: p.type, role: p.role, emailAddress: p.emailAddress, domain: p.domain, displayName: p.displayName, allowFileDiscovery: p.allowFileDiscovery, inherited: p.permissionDetails?.some((d) => d.inherited) ?? undefined });
      pageToken = res.data.nextPageToken ?? undefined;
    } while (pageToken);
    return out;
  }

  async #revisions(scope: DriveScope, f: drive_v3.Schema$File, signal?: AbortSignal): Promise<Record<string, unknown>[] | undefined> {
    if (f.mimeType === FOLDER_MIME || f.mimeType?.startsWith(NATIVE_PREFIX)) return undefined;
    const api = this.#g.drive(scope.user);
    let res;
    try {
      res = await this.call(scope, "revisions.list", () => api.revisions.list({ fileId: f.id ?? "", fields: "revisions(id,modifiedTime,size,md5Checksum,keepForever,originalFilename)" }, { signal }), { signal });
    } catch (e) {
      // The file was listed a moment ago; if its revisions cannot be read now the head content
      // is still captured and the gap is recorded on the item rather than failing the page.
      if (isConnectorError(e, "not_found")) return [{ unavailable: e.message }];
      throw e;
    }
    return (res.data.revisions ?? []).map((r) => ({ id: r.id, modifiedTime: r.modifiedTime, size: r.size === undefined || r.size === null ? undefined : Number(r.size), md5Checksum: r.md5Checksum, keepForever: r.keepForever }));
  }

  exportFormat(mimeType: string): string | undefined {
    return this.#g.config.exportFormats[mimeType] ?? DEFAULT_EXPORT_FORMATS[mimeType];
  }

  async readItem(unit: DiscoveredUnit, item: ItemDescriptor, options: { signal?: AbortSignal } = {}): Promise<ItemContent> {
    const scope = this.scopeOf(unit);
    const { signal } = options;
    const mimeType = typeof item.metadata.mimeType === "string" ? item.metadata.mimeType : "application/octet-stream";
    if (item.kind === "folder") throw new ConnectorError("invalid", `drive folder ${item.externalId} has no content`, { provider: "google" });
    const why = UNSUPPORTED_KINDS[mimeType];
    if (why) throw new ConnectorError("unsupported", `${item.path}: ${why} (${mimeType})`, { provider: "google", providerCode: mimeType });
    if (item.size !== undefined && item.size > this.#g.config.maxFileBytes) {
      throw new ConnectorError("unsupported", `${item.path}: ${item.size} bytes is above the configured maximum of ${this.#g.config.maxFileBytes}`, { provider: "google" });
    }
    const api = this.#g.drive(scope.user);
    if (mimeType.startsWith(NATIVE_PREFIX)) {
      const target = this.exportFormat(mimeType);
      if (!target) throw new ConnectorError("unsupported", `${item.path}: no export format is configured for ${mimeType}`, { provider: "google", providerCode: mimeType });
      const res = await this.call(scope, "files.export", () => api.files.export({ fileId: item.externalId, mimeType: target }, { signal, responseType: "stream" }), { signal });
      return { body: classified(toAsyncIterable(res.data), "drive files.export"), contentType: target, metadata: { exportMimeType: target, exportedFrom: mimeType } };
    }
    const res = await this.call(scope, "files.get", () => api.files.get({ fileId: item.externalId, alt: "media", supportsAllDrives: true }, { signal, responseType: "stream" }), { signal });
    return { body: classified(toAsyncIterable(res.data), "drive files.get"), contentType: mimeType, size: item.size };
  }

  writeItem(target: RestoreTarget, item: ItemDescriptor, content: ItemContent, options: { signal?: AbortSignal } = {}): Promise<WriteResult> {
    return writeDriveItem(this, this.#g, target, item, content, options.signal);
  }
}

/** A download that fails after its headers (connection cut mid-body) fails as a ConnectorError too. */
async function* classified(body: AsyncIterable<Uint8Array>, op: string): AsyncIterable<Uint8Array> {
  try {
    yield* body;
  } catch (e) {
    throw classifyGoogleError(e, { op: `${op} (body)` });
  }
}

/** A Drive file as an item descriptor. Exported for the unit tests. */
export function describeFile(scope: DriveScope, f: drive_v3.Schema$File, path: string, permissions: Record<string, unknown>[], revisions: Record<string, unknown>[] | undefined): ItemDescriptor {
  const folder = f.mimeType === FOLDER_MIME;
  const size = f.size === undefined || f.size === null ? undefined : Number(f.size);
  const owners = (f.owners ?? []).map((o) => o.emailAddress).filter((e): e is string => !!e);
  // Any change Drive tracks (content, rename, move, sharing) makes a new version; content is
  // only fetched again when headRevisionId/md5 differ, thanks to dedup.
  const version = createHash("sha256")
    .update(JSON.stringify([f.version, f.name, f.parents, f.headRevisionId, f.md5Checksum, f.modifiedTime, permissions]))
    .digest("base64url")
    .slice(0, 22);
  return {
    externalId: f.id ?? "",
    kind: folder ? "folder" : "file",
    path,
    name: f.name ?? "",
    parentExternalId: f.parents?.[0] ?? undefined,
    version,
    // Binary content is identified by its checksum (or head revision); a rename, move or sharing
    // change keeps it, so the backup re-files the bytes it has. Native documents have neither.
    ...(!folder && (f.md5Checksum || f.headRevisionId) ? { contentVersion: f.md5Checksum ?? f.headRevisionId ?? undefined } : {}),
    size,
    modifiedAt: f.modifiedTime ?? undefined,
    hasContent: !folder,
    metadata: {
      drive: scope.driveId ?? scope.user,
      mimeType: f.mimeType,
      native: f.mimeType?.startsWith(NATIVE_PREFIX) && !folder ? true : undefined,
      owners,
      md5Checksum: f.md5Checksum ?? undefined,
      sha256Checksum: f.sha256Checksum ?? undefined,
      headRevisionId: f.headRevisionId ?? undefined,
      driveVersion: f.version ?? undefined,
      createdTime: f.createdTime ?? undefined,
      webViewLink: f.webViewLink ?? undefined,
      shortcutTarget: f.shortcutDetails?.targetId ?? undefined,
      permissions,
      revisions,
    },
  };
}
