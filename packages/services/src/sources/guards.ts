import { and, eq, isUuid, sources, units, type Tx } from "@holdfast/db";
import { notFound } from "../errors";

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
