import { and, eq, isUuid, sources, units, type Source as SourceRow, type Tx } from "@holdfast/db";
import { DomainError, notFound } from "../errors";

export async function findSource(tx: Tx, tenantId: string, sourceId: string) {
  if (!isUuid(sourceId)) throw notFound("Source");
  const [row] = await tx.select().from(sources).where(and(eq(sources.id, sourceId), eq(sources.tenantId, tenantId)));
  if (!row) throw notFound("Source");
  return row;
}

export async function findUnit(tx: Tx, tenantId: string, unitId: string) {
  if (!isUuid(unitId)) throw notFound("Unit");
  const [row] = await tx.select().from(units).where(and(eq(units.id, unitId), eq(units.tenantId, tenantId)));
  if (!row) throw notFound("Unit");
  return row;
}

/** `details.reason` lets the worker tell this refusal from a retryable conflict without reading the message. */
export const SOURCE_REMOVED = "source_removed";

/**
 * The 409 every verb that would act on a removed source answers (issue 7). A removed source never
 * comes back (the database refuses it); its backups stay restorable until their retention dates.
 */
export function sourceRemovedError(source: Pick<SourceRow, "id" | "displayName" | "removedAt">, refused: string): DomainError {
  const when = source.removedAt ? source.removedAt.toISOString().slice(0, 10) : "an earlier date";
  return new DomainError(
    "CONFLICT",
    `The source "${source.displayName}" was removed on ${when}; ${refused}. Its backups stay restorable until their retention dates; connect the account again as a new source to protect it.`,
    { reason: SOURCE_REMOVED, sourceId: source.id, removedAt: source.removedAt?.toISOString() ?? null },
  );
}

/** Throws `sourceRemovedError` when the source is removed; `refused` says what cannot be done ("it is not backed up any more"). */
export function refuseIfRemoved(source: Pick<SourceRow, "id" | "displayName" | "status" | "removedAt">, refused: string): void {
  if (source.status === "removed") throw sourceRemovedError(source, refused);
}

/** The unit's source, refused when it is removed: for verbs that change what a unit's backups do. */
export async function refuseIfUnitSourceRemoved(tx: Tx, tenantId: string, unit: { sourceId: string }, refused: string): Promise<void> {
  const [src] = await tx.select({ id: sources.id, displayName: sources.displayName, status: sources.status, removedAt: sources.removedAt }).from(sources).where(and(eq(sources.id, unit.sourceId), eq(sources.tenantId, tenantId)));
  if (src) refuseIfRemoved(src, refused);
}
