// Change cursors of the Microsoft units, as versioned JSON (Cursor is an opaque string to the
// workflows). They hold Graph delta/next links — state tokens that are useless without a token
// of the app, so no secret — and the folder map the paths are built from.
import { ConnectorError } from "../core/errors";

/**
 * Exchange: one delta per mail folder (message: delta works per folder), so the unit cursor maps
 * folder id → deltaLink, plus every folder's path (the folder-set marker: a new folder gets a
 * first delta round, a renamed/moved folder gets one too so its messages' paths are re-listed,
 * and a vanished folder turns the next round into a full enumeration), plus the round in
 * progress when the last page was not the end.
 */
export interface ExchangeCursor {
  v: 1;
  /** folder id → folder path segments, as of the last folder listing. */
  folders: Record<string, string[]>;
  /** folder id → the deltaLink of its last completed round. */
  links: Record<string, string>;
  round?: ExchangeRound;
}

export interface ExchangeRound {
  /** Folder ids still to page through, the current one first. */
  queue: string[];
  /** The nextLink within the current folder. */
  next?: string;
  /** True when this round lists every message (first run, or folders vanished). */
  full: boolean;
  /** Messages upserted in this round (incremental rounds): an `@removed` for them from another folder is a move, not a delete. */
  seen: string[];
  /** `@removed` ids held back until the round ends (a move reports the old folder's removal, maybe before the new folder's upsert). */
  removed: string[];
}

/** OneDrive / SharePoint library: one root delta per drive; folder id → path for delta pages without paths. */
export interface DriveCursor {
  v: 1;
  /** The nextLink while a round is in progress, else the deltaLink of the last round. */
  link: string;
  done: boolean;
  full: boolean;
  folders: Record<string, string[]>;
  /** Folders renamed or moved in this round: their subtrees are listed again at its end (delta reports only the folder). */
  repath?: string[];
}

/** Calendar and contacts: one delta link (calendarView or contacts). */
export interface PimCursor {
  v: 1;
  link: string;
  done: boolean;
  full: boolean;
  /** Calendar: the series masters known to exist (calendarView delta lists occurrences, never masters). */
  series?: string[];
  /** Calendar: the series masters already listed in this round. */
  listed?: string[];
  /** Calendar: this round saw `@removed` entries, so known series are checked at its end. */
  removals?: boolean;
}

export function encodeCursor(c: ExchangeCursor | DriveCursor | PimCursor): string {
  return JSON.stringify(c);
}

function parse(raw: string, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new ConnectorError("invalid", `the ${what} cursor is not JSON`);
  }
  if (typeof v !== "object" || v === null || (v as { v?: unknown }).v !== 1) throw new ConnectorError("invalid", `the ${what} cursor is not a version-1 cursor`);
  return v as Record<string, unknown>;
}

const isStringMap = (v: unknown): v is Record<string, string> => typeof v === "object" && v !== null && Object.values(v).every((x) => typeof x === "string");
const isPathMap = (v: unknown): v is Record<string, string[]> => typeof v === "object" && v !== null && Object.values(v).every((x) => Array.isArray(x) && x.every((s) => typeof s === "string"));
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === "string");

export function decodeExchangeCursor(raw: string): ExchangeCursor {
  const v = parse(raw, "Exchange");
  if (!isPathMap(v.folders) || !isStringMap(v.links)) throw new ConnectorError("invalid", "the Exchange cursor lacks its folder map or delta links");
  const out: ExchangeCursor = { v: 1, folders: v.folders, links: v.links };
  if (v.round !== undefined) {
    const r: Partial<ExchangeRound> | null = v.round;
    if (!r || !isStrings(r.queue) || typeof r.full !== "boolean" || !isStrings(r.seen) || !isStrings(r.removed) || (r.next !== undefined && typeof r.next !== "string")) {
      throw new ConnectorError("invalid", "the Exchange cursor's round in progress is malformed");
    }
    out.round = { queue: r.queue, full: r.full, seen: r.seen, removed: r.removed, ...(r.next !== undefined ? { next: r.next } : {}) };
  }
  return out;
}

export function decodeDriveCursor(raw: string): DriveCursor {
  const v = parse(raw, "drive");
  if (typeof v.link !== "string" || typeof v.done !== "boolean" || typeof v.full !== "boolean" || !isPathMap(v.folders)) throw new ConnectorError("invalid", "the drive cursor lacks its link, state or folder map");
  if (v.repath !== undefined && !isStrings(v.repath)) throw new ConnectorError("invalid", "the drive cursor's renamed folders are malformed");
  return { v: 1, link: v.link, done: v.done, full: v.full, folders: v.folders, ...(v.repath?.length ? { repath: v.repath } : {}) };
}

export function decodePimCursor(raw: string): PimCursor {
  const v = parse(raw, "calendar/contacts");
  if (typeof v.link !== "string" || typeof v.done !== "boolean" || typeof v.full !== "boolean") throw new ConnectorError("invalid", "the calendar/contacts cursor lacks its link or state");
  if ((v.series !== undefined && !isStrings(v.series)) || (v.listed !== undefined && !isStrings(v.listed)) || (v.removals !== undefined && typeof v.removals !== "boolean")) {
    throw new ConnectorError("invalid", "the calendar cursor's series state is malformed");
  }
  return { v: 1, link: v.link, done: v.done, full: v.full, ...(v.series ? { series: v.series } : {}), ...(v.listed ? { listed: v.listed } : {}), ...(v.removals !== undefined ? { removals: v.removals } : {}) };
}
