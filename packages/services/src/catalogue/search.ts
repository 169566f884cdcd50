import { and, eq, inArray, isUuid, items, itemVersions, sql, withTenant } from "@holdfast/db";
import { requireUnitAccess, unitScope, type TenantContext } from "../context";
import { versionShown } from "../erasure/guards";
import { validation } from "../errors";
import { decodeCursor, encodeCursor, normaliseFolder, toItemVersion } from "./map";
import { SearchInput, type SearchPage } from "./types";

/** Words as the catalogue's tsvector splits them (punctuation folded to spaces, `simple` config). */
export function searchTerms(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0)
    .slice(0, 16);
}

/**
 * Every term must occur; the last one as a word prefix, as it is typed (`invoice mar` finds
 * "Invoice March"). Earlier terms are whole words: a prefix makes GIN collect every matching
 * word's postings before it can intersect them (2–3× slower at 10 M versions, ADR 0008).
 */
export function toPrefixQuery(terms: string[]): string {
  return terms.map((t, i) => (i === terms.length - 1 ? `${t}:*` : t)).join(" & ");
}

/** A complete address is matched exactly; anything else (`alice`, `bob@`) as an address prefix. */
const FULL_ADDRESS = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
/** A sort key as the search function returns it (`timestamptz::text`). */
const PG_TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;

/**
 * Search every version the tenant's catalogue holds (current, superseded and deleted), newest
 * capture first (newest item date first when a date range is given). Text matches path and name,
 * subject and sender through the GIN-indexed `search_tsv`; `sender` matches the sender/organiser/
 * owner address exactly or by prefix; `deletedOnly` returns the version each deleted item had
 * last. The matching ids come from `holdfast_catalogue_search` (tenant-bound definer function: under RLS the non-leakproof `@@`
 * could not use the index, ADR 0008); the rows themselves are read under RLS. A self-service
 * person searches only their own units: the organisation-wide search is narrowed to them, and
 * naming another unit is NOT_FOUND (ADR 0016). Items erased from backups are never found.
 */
export async function search(ctx: TenantContext, raw: SearchInput): Promise<SearchPage> {
  const input = SearchInput.parse(raw);
  requireUnitAccess(ctx, "viewer", "Searching backups", input.unitIds ?? []);
  const scope = unitScope(ctx);
  if (scope?.length === 0) return { items: [], nextCursor: null };
  const unitIds = input.unitIds?.length ? input.unitIds : scope;
  const terms = searchTerms(input.text ?? "");
  const sender = input.sender?.toLowerCase() ?? null;
  const after = input.cursor ? decodeCursor(input.cursor, ["string", "string"]) : null;
  if (after && (!PG_TIMESTAMP.test(String(after[0])) || !isUuid(String(after[1])))) throw validation("cursor must be a cursor returned by a previous page");
  const folder = input.folder ? normaliseFolder(input.folder) : null;
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const hits = await tx.execute<{ version_id: string; sort_key: string }>(sql`
      select version_id, sort_key from holdfast_catalogue_search(
        ${terms.length > 0 ? toPrefixQuery(terms) : null}::text,
        ${sender}::text,
        ${sender !== null && FULL_ADDRESS.test(sender)},
        ${unitIds?.length ? sql`${sql.param(unitIds)}::uuid[]` : sql`null::uuid[]`},
        ${input.kinds?.length ? sql`${`{${input.kinds.join(",")}}`}::text[]` : sql`null::text[]`},
        ${folder && folder !== "/" ? folder : null}::text,
        ${input.from?.toISOString() ?? null}::timestamptz,
        ${input.to?.toISOString() ?? null}::timestamptz,
        ${input.deletedOnly},
        ${after ? String(after[0]) : null}::timestamptz,
        ${after ? String(after[1]) : null}::uuid,
        ${input.limit + 1}::int)`);
    const ids = hits.rows.map((h) => h.version_id);
    const rows =
      ids.length === 0
        ? []
        : await tx
            .select({ v: itemVersions, deletedAt: items.deletedAt })
            .from(itemVersions)
            .innerJoin(items, eq(items.id, itemVersions.itemId))
            // The function skips erased versions; versions a later backup recorded of an erased item are skipped here.
            .where(and(eq(itemVersions.tenantId, ctx.tenantId), inArray(itemVersions.id, ids), versionShown(), scope ? inArray(itemVersions.unitId, [...scope]) : undefined));
    const byId = new Map(rows.map((r) => [r.v.id, r]));
    // The hit after the page only says there is more; the cursor is the last hit read, whether or
    // not its row was dropped here, so a dropped row never shifts or repeats the next page.
    const read = hits.rows.slice(0, input.limit);
    const page = read.flatMap((h) => byId.get(h.version_id) ?? []);
    const last = read.at(-1);
    return {
      items: page.map((r) => toItemVersion(r.v, r.deletedAt)),
      nextCursor: hits.rows.length > input.limit && last ? encodeCursor([last.sort_key, last.version_id]) : null,
    };
  });
}
