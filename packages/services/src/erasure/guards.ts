// How every catalogue reader treats erased items (issue 7, docs/adr/0023): an erased version is
// never returned, by browse, search, an item's versions, a restore or an export. Versions recorded
// after the erasure (the item still exists at the source and a later backup saw it) belong to an
// erased item and are skipped too, so both marks are checked.
import { and, isNull, items, itemVersions } from "@holdfast/db";
import type { SQL } from "drizzle-orm";
import { DomainError } from "../errors";
import { ITEM_ERASED } from "./types";

/**
 * For queries that join `items` to `item_versions`: neither the version nor its item is erased, and
 * the version is not expired (every snapshot that held it has expired, migration 0037: nothing can
 * restore it any more).
 */
export function versionShown(): SQL {
  return and(isNull(itemVersions.erasedAt), isNull(items.erasedAt), isNull(itemVersions.expiredAt)) as SQL;
}

/**
 * NOT_FOUND that says why: the item existed but was erased. `named` puts its id in the message, for
 * verbs that take several ids (a restore or export selection); the caller already knows the id.
 */
export function itemErasedError(item: { id: string; erasedAt: Date | null }, named = false): DomainError {
  const when = item.erasedAt ? item.erasedAt.toISOString().slice(0, 10) : "an earlier date";
  return new DomainError("NOT_FOUND", `${named ? `Item ${item.id}` : "This item"} was erased from backups on ${when}`, { reason: ITEM_ERASED, itemId: item.id, erasedAt: item.erasedAt?.toISOString() ?? null });
}
