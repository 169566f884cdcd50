import type { Source as SourceRow, Unit as UnitRow } from "@holdfast/db";
import { iso } from "../types";
import type { Source, Unit } from "./types";

export function toSource(r: SourceRow): Source {
  return {
    id: r.id,
    provider: r.provider,
    displayName: r.displayName,
    status: r.status,
    schedule: { timesPerDay: r.scheduleTimesPerDay, jitterMinutes: r.scheduleJitterMinutes, timezone: r.scheduleTimezone, paused: r.schedulePaused },
    removedAt: r.removedAt ? iso(r.removedAt) : null,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  };
}

export function toUnit(r: UnitRow): Unit {
  return {
    id: r.id,
    sourceId: r.sourceId,
    kind: r.kind,
    externalId: r.externalId,
    displayName: r.displayName,
    ownerEmail: r.ownerEmail,
    ownerExternalId: r.ownerExternalId,
    state: r.state,
    protection: r.protection,
    protected: r.protection !== "excluded" && r.state !== "gone",
    discoveredAt: iso(r.discoveredAt),
    lastSeenAt: iso(r.lastSeenAt),
    lastSnapshotId: r.lastSnapshotId,
  };
}
