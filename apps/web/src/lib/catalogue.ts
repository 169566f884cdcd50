// How the console's browse, search and item pages read: their URLs (the UI contract's query
// strings), the point-in-time calendar, the "as of" rule for a search selection and item names.
// Pure functions only; what the catalogue holds comes from the services through tRPC.
import type { ItemKind, ItemVersion, UnitKind } from "@holdfast/services";

// ---- URLs -----------------------------------------------------------------------------------

type Query = Record<string, string | string[] | undefined>;

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
const all = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** A valid instant as its canonical ISO string, else undefined (a hand-edited URL must not break the page). */
export function parseInstant(raw: string | undefined | null): string | undefined {
  if (!raw) return undefined;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** A folder path as the catalogue keys it: leading "/", no trailing "/", no empty segments. */
export function normalisePath(raw: string | undefined | null): string {
  if (!raw) return "/";
  const segments = raw.split("/").filter((s) => s !== "");
  return segments.length === 0 ? "/" : `/${segments.join("/")}`;
}

function withQuery(base: string, params: [string, string][]): string {
  const qs = new URLSearchParams(params).toString();
  return qs ? `${base}?${qs}` : base;
}

export interface BrowseQuery {
  path: string;
  asOf?: string;
}

export function parseBrowseQuery(q: Query): BrowseQuery {
  const asOf = parseInstant(first(q.asOf));
  return { path: normalisePath(first(q.path)), ...(asOf ? { asOf } : {}) };
}

/** `/o/{org}/browse/{unit}?path=/a/b&asOf=ISO` (path omitted at the root, asOf when latest). */
export function browseHref(orgId: string, unitId: string, q: Partial<BrowseQuery> = {}): string {
  const params: [string, string][] = [];
  const path = normalisePath(q.path);
  if (path !== "/") params.push(["path", path]);
  if (q.asOf) params.push(["asOf", q.asOf]);
  return withQuery(`/o/${orgId}/browse/${unitId}`, params);
}

export interface SearchQuery {
  unit?: string;
  q: string;
  kind?: ItemKind;
  folder?: string;
  /** `YYYY-MM-DD`, a day in the viewer's time zone (inclusive). */
  from?: string;
  /** `YYYY-MM-DD`, a day in the viewer's time zone (inclusive). */
  to?: string;
  sender?: string;
  deleted: boolean;
}

export const ITEM_KINDS: readonly ItemKind[] = ["message", "file", "folder", "event", "contact", "record", "object"];
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (s: string | undefined | null): s is string => !!s && UUID.test(s);

export function parseSearchQuery(q: Query): SearchQuery {
  const kind = first(q.kind);
  const unit = first(q.unit);
  const folder = first(q.folder)?.trim();
  const from = first(q.from);
  const to = first(q.to);
  const sender = first(q.sender)?.trim();
  return {
    ...(isUuid(unit) ? { unit } : {}),
    q: (first(q.q) ?? "").trim(),
    ...(kind && (ITEM_KINDS as readonly string[]).includes(kind) ? { kind: kind as ItemKind } : {}),
    ...(folder ? { folder: normalisePath(folder) } : {}),
    ...(from && DAY.test(from) ? { from } : {}),
    ...(to && DAY.test(to) ? { to } : {}),
    ...(sender ? { sender } : {}),
    deleted: first(q.deleted) === "1",
  };
}

/** `/o/{org}/search?unit=&q=&kind=&folder=&from=&to=&sender=&deleted=1` with only what is set. */
export function searchHref(orgId: string, s: Partial<SearchQuery>): string {
  const params: [string, string][] = [];
  if (s.unit) params.push(["unit", s.unit]);
  if (s.q?.trim()) params.push(["q", s.q.trim()]);
  if (s.kind) params.push(["kind", s.kind]);
  if (s.folder && normalisePath(s.folder) !== "/") params.push(["folder", normalisePath(s.folder)]);
  if (s.from) params.push(["from", s.from]);
  if (s.to) params.push(["to", s.to]);
  if (s.sender?.trim()) params.push(["sender", s.sender.trim()]);
  if (s.deleted) params.push(["deleted", "1"]);
  return withQuery(`/o/${orgId}/search`, params);
}

/** True when the query names something to search for (the service refuses an empty search). */
export function isSearchable(s: SearchQuery): boolean {
  return Boolean(s.q || s.sender || s.deleted || s.unit || s.folder);
}

/** The `catalogue.search` input for a search query; day bounds become instants in `timeZone`. */
export function searchInputOf(s: SearchQuery, timeZone: string) {
  return {
    ...(s.q ? { text: s.q } : {}),
    ...(s.unit ? { unitIds: [s.unit] } : {}),
    ...(s.kind ? { kinds: [s.kind] } : {}),
    ...(s.folder && s.folder !== "/" ? { folder: s.folder } : {}),
    ...(s.from ? { from: zonedDayStart(s.from, timeZone) } : {}),
    ...(s.to ? { to: zonedDayStart(addDays(s.to, 1), timeZone) } : {}),
    ...(s.sender ? { sender: s.sender } : {}),
    deletedOnly: s.deleted,
  };
}

export interface RestoreSelection {
  unitId: string;
  asOf: string;
  items?: readonly string[];
  paths?: readonly string[];
  mode?: "restore" | "export";
}

/** The restore wizard: `/o/{org}/restore?unit=&asOf=&item=…&path=…&mode=`. */
export function restoreHref(orgId: string, s: RestoreSelection): string {
  const params: [string, string][] = [
    ["unit", s.unitId],
    ["asOf", s.asOf],
  ];
  for (const id of s.items ?? []) params.push(["item", id]);
  for (const p of s.paths ?? []) params.push(["path", normalisePath(p)]);
  params.push(["mode", s.mode ?? "restore"]);
  return withQuery(`/o/${orgId}/restore`, params);
}

export function itemHref(orgId: string, itemId: string, versionId?: string): string {
  return withQuery(`/o/${orgId}/items/${itemId}`, versionId ? [["version", versionId]] : []);
}

export function contentHref(orgId: string, itemId: string, versionId: string): string {
  return withQuery(`/o/${orgId}/items/${itemId}/content`, [["version", versionId]]);
}

/** Repeated query values (`item`, `path`), e.g. for a page that reads the wizard's selection. */
export const queryValues = all;

// ---- folders ----------------------------------------------------------------------------------

export interface Crumb {
  name: string;
  path: string;
}

/** `/Inbox/Projects` → `[{Inbox, /Inbox}, {Projects, /Inbox/Projects}]` (the root is the caller's). */
export function pathCrumbs(path: string): Crumb[] {
  const segments = normalisePath(path).split("/").filter(Boolean);
  return segments.map((name, i) => ({ name, path: `/${segments.slice(0, i + 1).join("/")}` }));
}

export function folderName(path: string): string {
  const segments = normalisePath(path).split("/").filter(Boolean);
  return segments.at(-1) ?? "/";
}

// ---- the "as of" of a search selection ------------------------------------------------------

export type SelectionAsOf = { ok: true; unitId: string; asOf: string } | { ok: false; reason: "empty" | "units" | "times" };

/**
 * One restore takes one unit and one point in time. The latest capture among the selected
 * versions is that point if every selected version was still current then ([capturedAt,
 * supersededAt)); otherwise no single time restores all of them as they were selected.
 */
export function asOfForSelection(versions: readonly Pick<ItemVersion, "unitId" | "capturedAt" | "supersededAt">[]): SelectionAsOf {
  const [head] = versions;
  if (!head) return { ok: false, reason: "empty" };
  if (versions.some((v) => v.unitId !== head.unitId)) return { ok: false, reason: "units" };
  const at = Math.max(...versions.map((v) => Date.parse(v.capturedAt)));
  const inside = versions.every((v) => Date.parse(v.capturedAt) <= at && (v.supersededAt === null || at < Date.parse(v.supersededAt)));
  return inside ? { ok: true, unitId: head.unitId, asOf: new Date(at).toISOString() } : { ok: false, reason: "times" };
}

// ---- time zones and the point-in-time calendar --------------------------------------------------

interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function zonedParts(ms: number, timeZone: string): ZonedParts {
  let f = partsFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric", hourCycle: "h23" });
    partsFormatters.set(timeZone, f);
  }
  const out: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(ms))) if (p.type !== "literal") out[p.type] = Number(p.value);
  return { year: out.year ?? 1970, month: out.month ?? 1, day: out.day ?? 1, hour: (out.hour ?? 0) % 24, minute: out.minute ?? 0, second: out.second ?? 0 };
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** The calendar day (`YYYY-MM-DD`) an instant falls on in `timeZone`. */
export function dayKey(iso: string, timeZone: string): string {
  const p = zonedParts(Date.parse(iso), timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** `YYYY-MM-DD` plus `n` days. */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split("-").map(Number);
  const t = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + n));
  return t.toISOString().slice(0, 10);
}

/** The instant (ISO) a day starts in `timeZone` (DST-aware: the first moment of that local date). */
export function zonedDayStart(day: string, timeZone: string): string {
  const [y, m, d] = day.split("-").map(Number);
  const wall = Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1);
  const offsetAt = (ms: number) => {
    const p = zonedParts(ms, timeZone);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - ms;
  };
  let t = wall - offsetAt(wall);
  t = wall - offsetAt(t);
  // A zone that skips midnight (DST at 00:00) starts the day at the first instant that is on it.
  if (dayKey(new Date(t).toISOString(), timeZone) !== day) t += 3_600_000;
  return new Date(t).toISOString();
}

export interface MonthRef {
  year: number;
  /** 1–12 */
  month: number;
}

export function monthOf(iso: string, timeZone: string): MonthRef {
  const p = zonedParts(Date.parse(iso), timeZone);
  return { year: p.year, month: p.month };
}

export function shiftMonth(m: MonthRef, by: number): MonthRef {
  const index = m.year * 12 + (m.month - 1) + by;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

export interface CalendarDay {
  /** `YYYY-MM-DD` */
  key: string;
  day: number;
  inMonth: boolean;
}

/** The weeks (Monday first) that show `m`, padded with the neighbouring months' days. */
export function monthGrid(m: MonthRef): CalendarDay[][] {
  const firstDay = new Date(Date.UTC(m.year, m.month - 1, 1));
  const lead = (firstDay.getUTCDay() + 6) % 7;
  const daysInMonth = new Date(Date.UTC(m.year, m.month, 0)).getUTCDate();
  const cells = Math.ceil((lead + daysInMonth) / 7) * 7;
  const weeks: CalendarDay[][] = [];
  for (let i = 0; i < cells; i++) {
    const t = new Date(Date.UTC(m.year, m.month - 1, 1 - lead + i));
    const day: CalendarDay = { key: t.toISOString().slice(0, 10), day: t.getUTCDate(), inMonth: t.getUTCMonth() === m.month - 1 };
    if (i % 7 === 0) weeks.push([]);
    weeks[weeks.length - 1]?.push(day);
  }
  return weeks;
}

/** Instants grouped by their day in `timeZone`, each day's oldest first. */
export function groupByDay(isos: readonly string[], timeZone: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const iso of [...isos].sort()) {
    const key = dayKey(iso, timeZone);
    const list = out.get(key);
    if (list) list.push(iso);
    else out.set(key, [iso]);
  }
  return out;
}

/** `28 November 2026`: a calendar day's accessible name (day key in, no time zone involved). */
export function dayLabel(day: string): string {
  const [y, m, d] = day.split("-").map(Number);
  return new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)));
}

export function monthLabel(m: MonthRef): string {
  return new Intl.DateTimeFormat("en-GB", { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(Date.UTC(m.year, m.month - 1, 1)));
}

/**
 * `Backup at 14:05` for each snapshot of one day, in `timeZone` (24-hour clock); seconds are added
 * to every time whose minute another snapshot shares, so each label names one snapshot.
 */
export function snapshotLabels(isos: readonly string[], timeZone: string): { iso: string; label: string }[] {
  const parts = isos.map((iso) => ({ iso, p: zonedParts(Date.parse(iso), timeZone) }));
  const minute = (p: ZonedParts) => `${pad(p.hour)}:${pad(p.minute)}`;
  const counts = new Map<string, number>();
  for (const { p } of parts) counts.set(minute(p), (counts.get(minute(p)) ?? 0) + 1);
  return parts.map(({ iso, p }) => ({ iso, label: `Backup at ${minute(p)}${(counts.get(minute(p)) ?? 0) > 1 ? `:${pad(p.second)}` : ""}` }));
}

// ---- items -------------------------------------------------------------------------------------

type Meta = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);

/** Looks like a provider id rather than words (Gmail/Graph ids, resource names). */
const PROVIDER_ID = /^(?:[A-Za-z0-9_-]{16,}={0,2}|people\/c?\d+|[0-9a-f]{12,})$/;

/**
 * What a person calls an item: its name, except that a message or event whose name is empty or
 * a provider id is called by its subject (or summary); contacts by their display name.
 */
export function itemDisplayName(v: Pick<ItemVersion, "name" | "kind" | "metadata">): string {
  const m: Meta = v.metadata;
  const name = v.name.trim();
  const alternative = v.kind === "message" || v.kind === "event" ? (str(m.subject) ?? str(m.summary)) : v.kind === "contact" ? str(m.displayName) : undefined;
  if (!name || (alternative && PROVIDER_ID.test(name))) return alternative ?? (v.kind === "message" ? "(no subject)" : "(untitled)");
  return name;
}

function personOf(v: unknown): string | undefined {
  if (typeof v === "string") return str(v);
  if (v && typeof v === "object") {
    const o = v as Meta;
    return str(o.email) ?? str(o.emailAddress) ?? str(o.displayName) ?? str(o.name);
  }
  return undefined;
}

/** The sender (mail), organiser (events) or owner/last editor (files), when the backup recorded one. */
export function senderOf(v: Pick<ItemVersion, "kind" | "metadata">): string | undefined {
  const m: Meta = v.metadata;
  if (v.kind === "message") {
    const from = str(m.from);
    const name = str(m.fromName);
    return name && from && !from.includes(name) ? `${name} <${from}>` : (from ?? name);
  }
  if (v.kind === "event") return personOf(m.organizer);
  if (Array.isArray(m.owners) && m.owners.length > 0) return personOf(m.owners[0]);
  return personOf(m.lastModifiedBy) ?? personOf(m.createdBy) ?? str(m.owner);
}

/** What the person `senderOf` names is to the item: "From" (mail), "Organiser" (events), else "Owner". */
export function senderRole(kind: ItemVersion["kind"]): "From" | "Organiser" | "Owner" {
  return kind === "message" ? "From" : kind === "event" ? "Organiser" : "Owner";
}

/** The item's own date: when a mail was sent/received, a file modified, an event last changed. */
export function itemDate(v: Pick<ItemVersion, "modifiedAt" | "metadata">): string | undefined {
  const m: Meta = v.metadata;
  return v.modifiedAt ?? parseInstant(str(m.receivedDateTime)) ?? parseInstant(str(m.date)) ?? undefined;
}

export const ITEM_KIND_LABEL: Record<ItemKind, string> = {
  message: "Email",
  file: "File",
  folder: "Folder",
  event: "Event",
  contact: "Contact",
  record: "Record",
  object: "Object",
};

/** Icon names from components/icons.tsx (kept as strings so this module stays React-free). */
export const ITEM_KIND_ICON = {
  message: "mail",
  file: "document",
  folder: "folder",
  event: "calendar",
  contact: "user",
  record: "database",
  object: "cloud",
} as const satisfies Record<ItemKind, string>;

export const UNIT_KIND_ICON = {
  gmail: "mail",
  exchange: "mail",
  drive: "folder",
  onedrive: "folder",
  "shared-drive": "users",
  sharepoint: "home",
  calendar: "calendar",
  "ms-calendar": "calendar",
  contacts: "user",
  "ms-contacts": "user",
  "salesforce-org": "cloud",
  "s3-bucket": "database",
} as const satisfies Record<UnitKind, string>;

/** Files with an image type get the photo icon; everything else its kind's. */
export function itemIcon(v: Pick<ItemVersion, "kind" | "metadata" | "name">): (typeof ITEM_KIND_ICON)[ItemKind] | "photo" {
  if (v.kind === "file") {
    const mime = str(v.metadata.mimeType) ?? "";
    if (mime.startsWith("image/") || /\.(png|jpe?g|gif|webp|heic|bmp|tiff?)$/i.test(v.name)) return "photo";
  }
  return ITEM_KIND_ICON[v.kind];
}

/** Folder-like rows: folder items and the sub-folders the catalogue derives from paths. */
export const isFolder = (v: Pick<ItemVersion, "kind">) => v.kind === "folder";

/** A unit's display, matching what the contract's links start with (the name, e.g. the user's email). */
export function unitLabel(u: { displayName: string; ownerEmail: string | null }): { primary: string; secondary?: string } {
  if (u.ownerEmail && u.ownerEmail !== u.displayName) return { primary: u.displayName, secondary: u.ownerEmail };
  return { primary: u.displayName };
}

/** Case-insensitive match of a filter box against a unit's name, owner and kind label. */
export function unitMatches(u: { displayName: string; ownerEmail: string | null; kind: string }, filter: string, kindLabel?: string): boolean {
  const f = filter.trim().toLowerCase();
  if (!f) return true;
  return [u.displayName, u.ownerEmail ?? "", kindLabel ?? u.kind].some((s) => s.toLowerCase().includes(f));
}
