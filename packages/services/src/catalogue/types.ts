// Boundary schemas for runs, snapshots and the catalogue (one name for schema and type).
import { RUN_ISSUE_REASONS, RUN_STATUSES, RUN_TRIGGERS, SNAPSHOT_STATUSES, VERSION_END_REASONS } from "@holdfast/db";
import { z } from "zod";
import { ItemKind, UnitKind } from "../sources/types";

const id = z.string().uuid();
const isoDate = z.coerce.date();

export const StartRunInput = z.object({
  sourceId: id,
  /** On-demand backup of one unit; absent for a whole source. */
  unitId: id.optional(),
  trigger: z.enum(RUN_TRIGGERS),
  workflowId: z.string().min(1, "must not be empty").max(512),
});
export type StartRunInput = z.infer<typeof StartRunInput>;

export const FinishRunInput = z.object({
  /** `failed` or `cancelled` when the run did not finish; otherwise derived from the run's issues. */
  outcome: z.enum(["finished", "failed", "cancelled"]),
  /** Totals to record; absent = keep what the run accumulated as its versions were recorded (its live progress). */
  itemsDone: z.number().int().min(0).optional(),
  bytesDone: z.number().int().min(0).optional(),
  errorSummary: z.string().max(4000).optional(),
});
export type FinishRunInput = z.input<typeof FinishRunInput>;

export const BackupRun = z.object({
  id,
  sourceId: id,
  unitId: id.nullable(),
  trigger: z.enum(RUN_TRIGGERS),
  workflowId: z.string(),
  status: z.enum(RUN_STATUSES),
  itemsDone: z.number().int(),
  bytesDone: z.number().int(),
  issueCount: z.number().int(),
  startedAt: z.string().datetime(),
  finishedAt: z.string().datetime().nullable(),
  errorSummary: z.string().nullable(),
});
export type BackupRun = z.infer<typeof BackupRun>;

export const RunIssueInput = z.object({
  unitId: id.optional(),
  itemExternalId: z.string().max(1024).optional(),
  path: z.string().max(4096).optional(),
  reason: z.enum(RUN_ISSUE_REASONS),
  message: z.string().min(1, "must say what went wrong").max(4000),
});
export type RunIssueInput = z.infer<typeof RunIssueInput>;

export const Snapshot = z.object({
  id,
  unitId: id,
  runId: id,
  seq: z.number().int(),
  vaultSnapshotId: z.string().nullable(),
  status: z.enum(SNAPSHOT_STATUSES),
  startedAt: z.string().datetime(),
  committedAt: z.string().datetime().nullable(),
  itemCount: z.number().int(),
  bytes: z.number().int(),
  retainUntil: z.string().datetime().nullable(),
});
export type Snapshot = z.infer<typeof Snapshot>;

export const CommitSnapshotInput = z.object({
  vaultSnapshotId: z.string().min(1).max(512),
  retainUntil: isoDate.optional(),
});
export type CommitSnapshotInput = z.input<typeof CommitSnapshotInput>;

/** One item as a backup saw it (mirrors the connectors' ItemDescriptor plus where the vault put it). */
export const RecordVersionInput = z.object({
  externalId: z.string().min(1, "must not be empty").max(1024),
  kind: ItemKind,
  version: z.string().min(1, "must not be empty").max(1024),
  path: z.string().startsWith("/", "must start with /").max(8192),
  name: z.string().max(1024),
  /** Defaults to `path` without its last segment. */
  parentPath: z.string().startsWith("/", "must start with /").max(8192).optional(),
  size: z.number().int().min(0).optional(),
  contentSha256: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex digits").optional(),
  vault: z.object({ snapshotId: z.string().min(1).max(512), path: z.string().min(1).max(8192) }).optional(),
  metadata: z.record(z.string(), z.unknown()).default({}),
  modifiedAt: isoDate.optional(),
});
export type RecordVersionInput = z.input<typeof RecordVersionInput>;

export const MAX_BATCH = 1000;
export const RecordVersionsInput = z.array(RecordVersionInput).max(MAX_BATCH, `at most ${MAX_BATCH} items per call`);

export const ItemVersion = z.object({
  id,
  itemId: id,
  unitId: id,
  kind: ItemKind,
  version: z.string(),
  path: z.string(),
  name: z.string(),
  parentPath: z.string(),
  size: z.number().int().nullable(),
  contentSha256: z.string().nullable(),
  vault: z.object({ snapshotId: z.string(), path: z.string() }).nullable(),
  metadata: z.record(z.string(), z.unknown()),
  modifiedAt: z.string().datetime().nullable(),
  capturedAt: z.string().datetime(),
  supersededAt: z.string().datetime().nullable(),
  firstSeq: z.number().int(),
  lastSeq: z.number().int().nullable(),
  endReason: z.enum(VERSION_END_REASONS).nullable(),
  /** The item was deleted at the source (this version was its last, or a later one was). */
  itemDeletedAt: z.string().datetime().nullable(),
});
export type ItemVersion = z.infer<typeof ItemVersion>;

const limit = (max: number, dflt: number) => z.coerce.number().int().min(1).max(max).default(dflt);

export const BrowseInput = z.object({
  unitId: id,
  path: z.string().startsWith("/", "must start with /").max(8192).default("/"),
  asOf: isoDate.optional(),
  cursor: z.string().max(4096).optional(),
  limit: limit(500, 100),
});
export type BrowseInput = z.input<typeof BrowseInput>;

export const ChildFolder = z.object({ name: z.string(), path: z.string() });

export const BrowsePage = z.object({
  path: z.string(),
  asOf: z.string().datetime(),
  /** The folder's children as of `asOf`: sub-folders first, then items, each in name order. */
  entries: z.array(ItemVersion),
  /**
   * First page only: sub-folders that are not items themselves (Gmail labels, calendars, mail
   * folders known only from their messages) but hold something as of `asOf`, in path order.
   */
  folders: z.array(ChildFolder),
  /** False when the folder has more sub-folders than one listing walks (see FOLDER_WALK_LIMIT). */
  foldersComplete: z.boolean(),
  nextCursor: z.string().nullable(),
});
export type BrowsePage = z.infer<typeof BrowsePage>;

export const SearchInput = z
  .object({
    text: z.string().max(500).optional(),
    unitIds: z.array(id).max(1000).optional(),
    kinds: z.array(ItemKind).optional(),
    /** Under this folder (recursively). */
    folder: z.string().startsWith("/", "must start with /").max(8192).optional(),
    /** Item date (mail date, file modification) range, inclusive from, exclusive to. */
    from: isoDate.optional(),
    to: isoDate.optional(),
    /** Sender, organiser or owner: a full address (exact match) or its beginning (`alice`, `bob@`). */
    sender: z.string().trim().min(1).max(320).optional(),
    deletedOnly: z.boolean().default(false),
    cursor: z.string().max(4096).optional(),
    limit: limit(200, 50),
  })
  .refine((s) => s.text?.trim() || s.sender || s.deletedOnly || s.unitIds?.length || s.folder, "give search text, a sender, a unit, a folder or deletedOnly");
export type SearchInput = z.input<typeof SearchInput>;

export const SearchPage = z.object({ items: z.array(ItemVersion), nextCursor: z.string().nullable() });
export type SearchPage = z.infer<typeof SearchPage>;

export const ResolveAsOfInput = z.object({
  unitId: id,
  /** Restore these items… */
  itemIds: z.array(id).max(10_000).optional(),
  /** …and/or everything under these folders; neither means the whole unit. */
  paths: z.array(z.string().startsWith("/", "must start with /").max(8192)).max(1000).optional(),
  asOf: isoDate,
  cursor: z.string().max(4096).optional(),
  limit: limit(5000, 1000),
});
export type ResolveAsOfInput = z.input<typeof ResolveAsOfInput>;

export const ResolvedPage = z.object({ versions: z.array(ItemVersion), nextCursor: z.string().nullable() });
export type ResolvedPage = z.infer<typeof ResolvedPage>;

export { ItemKind, UnitKind };

export const ListSnapshotsInput = z.object({
  sourceId: id.optional(),
  unitId: id.optional(),
  cursor: z.string().max(512).optional(),
  limit: limit(200, 50),
});
export type ListSnapshotsInput = z.input<typeof ListSnapshotsInput>;

export const SnapshotListItem = Snapshot.extend({ sourceId: id });
export type SnapshotListItem = z.infer<typeof SnapshotListItem>;

export const SnapshotPage = z.object({ items: z.array(SnapshotListItem), nextCursor: z.string().nullable() });
export type SnapshotPage = z.infer<typeof SnapshotPage>;

/** A boolean that also arrives as the query-string words `true` / `false`. */
const flag = z.union([z.boolean(), z.enum(["true", "false"], { error: "must be true or false" }).transform((v) => v === "true")]);

/**
 * One query for the catalogue as the API exposes it: with `q` (or `kind` / `deleted`) a search
 * across every version, otherwise the listing of one folder as of a time.
 */
export const FindItemsInput = z.object({
  sourceId: id.optional(),
  unitId: id.optional(),
  q: z.string().trim().max(500).optional().describe("Search text: every word must occur, the last as a prefix"),
  asOf: z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time such as 2026-01-31T12:00:00Z" }).optional().describe("Browse as of this time (default: now). Browsing only"),
  path: z.string().startsWith("/", "must start with /").max(8192).optional().describe("Browse: the folder to list (default /). Search: only under this folder"),
  kind: ItemKind.optional().describe("Search: only items of this kind"),
  deleted: flag.optional().describe("Search: only items deleted at the source"),
  cursor: z.string().max(4096).optional(),
  limit: limit(200, 50),
});
export type FindItemsInput = z.input<typeof FindItemsInput>;

export const ItemPage = z.object({
  mode: z.enum(["browse", "search"]),
  /** Browse: the folder listed and the time it was listed as of. */
  path: z.string().optional(),
  asOf: z.string().datetime().optional(),
  items: z.array(ItemVersion),
  /** Browse, first page: sub-folders that are not items themselves but hold something as of `asOf`. */
  folders: z.array(ChildFolder).optional(),
  foldersComplete: z.boolean().optional(),
  nextCursor: z.string().nullable(),
});
export type ItemPage = z.infer<typeof ItemPage>;

export const ItemVersionList = z.object({ items: z.array(ItemVersion) });
export type ItemVersionList = z.infer<typeof ItemVersionList>;
