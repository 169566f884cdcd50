// The sub-folders of a folder as of a time, derived from the paths of the versions below it.
//
// Not every provider has folder items: Gmail labels, calendars and address books are places an
// item is filed under, not items of their own, and a mail folder may be known only through the
// paths of its messages. Browsing from "/" must still show them. So a folder is any path prefix
// that some version current at `asOf`, not erased (issue 7), lives under; folders the connector catalogued as items
// (Drive, OneDrive, Exchange folders) are already entries and are not repeated here.
//
// Cost: a loose index scan over the distinct parent paths below the folder (one index probe per
// distinct path, on item_versions_browse_idx), then per child that is not a folder item, a probe
// for a version current at `asOf` below it (quick unless every version below is newer than
// `asOf`: then it reads them all). It relies on `parent_path` comparing byte-wise (COLLATE "C",
// migration 0014) so that "everything under /A/" is the range ["/A/", "/A0").
import { sql, type Tx } from "@holdfast/db";

/** At most this many distinct paths are walked; beyond it the listing says it is incomplete. */
export const FOLDER_WALK_LIMIT = 20_000;

export interface ChildFolder {
  name: string;
  path: string;
}

/** The first path after every path that starts with `prefix` (byte-wise: the last "/" becomes "0"). */
function rangeEnd(prefix: string): string {
  return `${prefix.slice(0, -1)}0`;
}

/** The immediate child segment of each path under `start` ("/" or "/A/"), in order, deduplicated. */
export function childPaths(start: string, paths: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const p of paths) {
    if (!p.startsWith(start) || p.length === start.length) continue;
    const seg = p.slice(start.length).split("/")[0];
    if (seg) seen.add(`${start}${seg}`);
  }
  return [...seen];
}

export async function childFolders(tx: Tx, tenantId: string, unitId: string, folder: string, asOf: Date): Promise<{ folders: ChildFolder[]; complete: boolean }> {
  const start = folder === "/" ? "/" : `${folder}/`;
  const end = rangeEnd(start);
  const walked = await tx.execute<{ p: string }>(sql`
    with recursive walk(p) as (
      (select parent_path from item_versions
        where unit_id = ${unitId} and tenant_id = ${tenantId} and parent_path > ${start} and parent_path < ${end}
        order by parent_path limit 1)
      union all
      select (select v.parent_path from item_versions v
               where v.unit_id = ${unitId} and v.tenant_id = ${tenantId} and v.parent_path > walk.p and v.parent_path < ${end}
               order by v.parent_path limit 1)
        from walk where walk.p is not null
    )
    select p from walk where p is not null limit ${FOLDER_WALK_LIMIT + 1}`);
  const paths = walked.rows.map((r) => r.p);
  const complete = paths.length <= FOLDER_WALK_LIMIT;
  const children = childPaths(start, paths.slice(0, FOLDER_WALK_LIMIT));
  if (children.length === 0) return { folders: [], complete };
  const at = asOf.toISOString();
  const live = await tx.execute<{ path: string }>(sql`
    select c.path from jsonb_array_elements_text(${JSON.stringify(children)}::jsonb) as c(path)
     where not exists (
             select 1 from item_versions f
              where f.unit_id = ${unitId} and f.tenant_id = ${tenantId} and f.parent_path = ${folder} and f.kind = 'folder' and f.path = c.path
                and f.captured_at <= ${at}::timestamptz and (f.superseded_at is null or f.superseded_at > ${at}::timestamptz))
       and exists (
             select 1 from item_versions v
              where v.unit_id = ${unitId} and v.tenant_id = ${tenantId}
                and (v.parent_path = c.path or (v.parent_path >= c.path || '/' and v.parent_path < c.path || '0'))
                and v.captured_at <= ${at}::timestamptz and (v.superseded_at is null or v.superseded_at > ${at}::timestamptz)
                and v.erased_at is null and v.expired_at is null and not exists (select 1 from items i where i.id = v.item_id and i.erased_at is not null))
     order by c.path`);
  return { folders: live.rows.map((r) => ({ path: r.path, name: r.path.slice(start.length) })), complete };
}
