// The one connector interface every provider implements (ARCHITECTURE.md, "connectors/").
//
// A *source* is one connected customer account (a Google Workspace domain, a Microsoft 365 tenant,
// a Salesforce org, an AWS account). A source holds *units*: the things a backup enumerates on its
// own, with their own change cursor and their own vault snapshot (a Gmail mailbox, a user's Drive, a
// shared drive, an Exchange mailbox, a OneDrive, a SharePoint library, a calendar, a contact list,
// a Salesforce object set, an S3 bucket). A unit holds *items* (messages, files, folders, events,
// contacts, records, objects), each with versions over time.
//
// Everything a workflow carries (units, item descriptors, cursors) is plain JSON without secrets:
// credentials reach a connector only through its `SourceCredentials`, loaded inside an activity.

export type Provider = "google" | "microsoft" | "salesforce" | "aws";

export type UnitKind =
  | "gmail"
  | "drive"
  | "shared-drive"
  | "calendar"
  | "contacts"
  | "exchange"
  | "onedrive"
  | "sharepoint"
  | "ms-calendar"
  | "ms-contacts"
  | "salesforce-org"
  | "s3-bucket";

export type ItemKind = "message" | "file" | "folder" | "event" | "contact" | "record" | "object";

/** The state of the person or resource a unit belongs to, as the provider's directory says. */
export type OwnerState = "active" | "suspended" | "deleted";

export interface UnitOwner {
  externalId: string;
  email: string;
  displayName?: string;
  state: OwnerState;
}

/** A unit as discovery reports it. `key` is stable and unique within the source. */
export interface DiscoveredUnit {
  /** `<kind>:<externalId>`, e.g. `gmail:1034…`, `onedrive:b!x…`. */
  key: string;
  kind: UnitKind;
  externalId: string;
  displayName: string;
  owner?: UnitOwner;
  /** Provider facts a connector needs later (e.g. the drive id of a site library). JSON, no secrets. */
  attributes?: Record<string, string>;
}

/** An opaque, JSON-safe change cursor (page token, history id, delta link). Never contains a secret. */
export type Cursor = string;

export interface ItemDescriptor {
  /** The provider's id for the item, stable across renames and moves. */
  externalId: string;
  kind: ItemKind;
  /**
   * Where the item lives inside the unit, as `/`-separated folder names ending with the item's own
   * name (`/INBOX/Re: invoice`, `/Projects/2026/plan.docx`). For browse and search; not unique.
   */
  path: string;
  name: string;
  parentExternalId?: string;
  /**
   * The provider's marker of the item's current content and metadata (Gmail historyId, Drive
   * headRevisionId/version, Graph changeKey/eTag). Two reads with the same version give the same
   * item; a different version is a new item version.
   */
  version: string;
  /**
   * Optional marker of the content alone (Gmail messages never change content, a Drive file's
   * md5Checksum, a OneDrive file's cTag). When it equals the previous version's, only metadata or
   * place changed and the backup re-files the stored content without reading it again.
   */
  contentVersion?: string;
  size?: number;
  /** ISO-8601. */
  modifiedAt?: string;
  /** False for items that are only structure (folders, labels). */
  hasContent: boolean;
  /** Searchable, non-secret metadata: subject, from, to, mimeType, labels, owners, permissions… */
  metadata: Record<string, unknown>;
}

export type Change = { op: "upsert"; item: ItemDescriptor } | { op: "delete"; externalId: string };

export interface ChangePage {
  changes: Change[];
  /**
   * When `done` is false: the cursor to ask for the next page with. When `done` is true: the cursor
   * to keep for the next run (the provider's delta link / history id / sync token).
   */
  cursor: Cursor;
  done: boolean;
  /**
   * True when the pages of this enumeration list *every* item in the unit (a first run, or after a
   * resync): items the catalogue holds that no page listed have been deleted.
   */
  full: boolean;
}

/** An item's bytes as the vault stores them (raw MIME for mail, file bytes, ICS, vCard, JSON). */
export interface ItemContent {
  body: AsyncIterable<Uint8Array>;
  contentType: string;
  /** Known size in bytes, if the provider said so. */
  size?: number;
  /** Metadata learned while reading (e.g. the export format of a Google-native document). */
  metadata?: Record<string, unknown>;
}

/** What to do when the restore target already holds the item (or a newer version of it). */
export type ConflictPolicy = "skip" | "copy" | "replace";

export interface RestoreTarget {
  /** The unit to write into: the original one or another user's/mailbox's unit of the same kind. */
  unit: DiscoveredUnit;
  conflict: ConflictPolicy;
  /**
   * Folder for copies and for restores to another unit, e.g. `Restored by Holdfast 2026-11-27`.
   * Items keep their relative path below it.
   */
  copyFolder: string;
}

export type WriteOutcome = "created" | "replaced" | "copied" | "skipped";

export interface WriteResult {
  outcome: WriteOutcome;
  /** The provider id of the written item (absent when skipped). */
  externalId?: string;
  /** Why it was skipped or copied, for the per-item report. */
  reason?: string;
}

export interface ListChangesOptions {
  signal?: AbortSignal;
  /** Upper bound on changes per page the connector asks the provider for. */
  pageSize?: number;
}

/** The connector for one unit kind of one source. */
export interface UnitConnector {
  readonly kind: UnitKind;
  /**
   * One page of changes since `cursor` (null: enumerate everything). Throws a ConnectorError with
   * code `resync_required` when the provider has forgotten the cursor; the caller then starts
   * again from null, and dedup keeps the re-enumeration cheap.
   */
  listChanges(unit: DiscoveredUnit, cursor: Cursor | null, options?: ListChangesOptions): Promise<ChangePage>;
  /** The item's content. Throws `not_found` if it vanished since it was listed. */
  readItem(unit: DiscoveredUnit, item: ItemDescriptor, options?: { signal?: AbortSignal }): Promise<ItemContent>;
  /** Writes an item back. Never overwrites newer data unless `target.conflict` is `replace`. */
  writeItem(target: RestoreTarget, item: ItemDescriptor, content: ItemContent, options?: { signal?: AbortSignal }): Promise<WriteResult>;
}

/** The connector for one source: discovery plus one UnitConnector per unit kind it supports. */
export interface SourceConnector {
  readonly provider: Provider;
  readonly unitKinds: readonly UnitKind[];
  /** Every unit the source holds now (users' mailboxes and drives, shared drives, sites…). */
  discover(options?: { signal?: AbortSignal }): Promise<DiscoveredUnit[]>;
  unit(kind: UnitKind): UnitConnector;
}
