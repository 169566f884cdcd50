import { and, gt, isNull, itemVersions, lte, or, sql } from "@holdfast/db";
import type { SQL } from "drizzle-orm";

/** A version is current at `asOf` when its range [captured_at, superseded_at) contains it. */
export function currentAt(asOf: Date): SQL {
  return and(lte(itemVersions.capturedAt, asOf), or(isNull(itemVersions.supersededAt), gt(itemVersions.supersededAt, asOf))) as SQL;
}

/** Escape LIKE wildcards so a folder named `50%_off` matches only itself. */
export function likePrefix(folder: string): string {
  return `${folder.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`;
}

/** `path` is the folder itself or anything below it. */
export function underFolder(column: typeof itemVersions.path | typeof itemVersions.parentPath, folder: string): SQL {
  return sql`(${column} = ${folder} OR ${column} LIKE ${likePrefix(folder)})`;
}
