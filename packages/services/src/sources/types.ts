// Boundary schemas for sources and units (one name for schema and type, CONVENTIONS §8).
import { ITEM_KINDS, SOURCE_PROVIDERS, SOURCE_STATUSES, UNIT_KINDS, UNIT_PROTECTIONS, UNIT_STATES } from "@holdfast/db";
import { z } from "zod";

export const SourceProvider = z.enum(SOURCE_PROVIDERS);
export type SourceProvider = z.infer<typeof SourceProvider>;
export const UnitKind = z.enum(UNIT_KINDS);
export type UnitKind = z.infer<typeof UnitKind>;
export const ItemKind = z.enum(ITEM_KINDS);
export type ItemKind = z.infer<typeof ItemKind>;
export const UnitProtection = z.enum(UNIT_PROTECTIONS);
export type UnitProtection = z.infer<typeof UnitProtection>;

export const SourceSchedule = z.object({
  timesPerDay: z.number().int().min(1, "must be at least 1").max(24, "must be at most 24").default(3),
  jitterMinutes: z.number().int().min(0).max(720).default(30),
  timezone: z
    .string()
    .default("UTC")
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat("en", { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, "must be an IANA time zone such as Europe/Paris"),
  paused: z.boolean().default(false),
});
export type SourceSchedule = z.infer<typeof SourceSchedule>;

export const RegisterSourceInput = z.object({
  provider: SourceProvider,
  displayName: z.string().trim().min(1, "must not be empty").max(200),
  /** Provider credentials (refresh token, role ARN…) as JSON; sealed before they reach the database. */
  credentials: z.record(z.string(), z.unknown()).refine((c) => Object.keys(c).length > 0, "must not be empty"),
  schedule: SourceSchedule.default({ timesPerDay: 3, jitterMinutes: 30, timezone: "UTC", paused: false }),
});
export type RegisterSourceInput = z.input<typeof RegisterSourceInput>;

export const Source = z.object({
  id: z.string().uuid(),
  provider: SourceProvider,
  displayName: z.string(),
  status: z.enum(SOURCE_STATUSES),
  schedule: SourceSchedule,
  createdAt: z.string().datetime(),
  updatedAt: z.string().datetime(),
});
export type Source = z.infer<typeof Source>;

export const DiscoveredUnitInput = z.object({
  kind: UnitKind,
  externalId: z.string().min(1, "must not be empty").max(1024),
  displayName: z.string().max(1024),
  owner: z
    .object({
      externalId: z.string().max(1024),
      email: z.string().max(320),
      state: z.enum(["active", "suspended", "deleted"]),
    })
    .optional(),
  /** Provider facts a connector needs to reach the unit again (a library's drive id…). No secrets. */
  attributes: z.record(z.string(), z.string().max(2048)).optional(),
});
export type DiscoveredUnitInput = z.infer<typeof DiscoveredUnitInput>;

export const SyncUnitsInput = z.object({
  sourceId: z.string().uuid(),
  units: z.array(DiscoveredUnitInput).max(100_000),
});
export type SyncUnitsInput = z.infer<typeof SyncUnitsInput>;

export const Unit = z.object({
  id: z.string().uuid(),
  sourceId: z.string().uuid(),
  kind: UnitKind,
  externalId: z.string(),
  displayName: z.string(),
  ownerEmail: z.string().nullable(),
  ownerExternalId: z.string().nullable(),
  state: z.enum(UNIT_STATES),
  protection: UnitProtection,
  /** auto or included, and not gone: what a scheduled backup enumerates. */
  protected: z.boolean(),
  discoveredAt: z.string().datetime(),
  lastSeenAt: z.string().datetime(),
  lastSnapshotId: z.string().uuid().nullable(),
});
export type Unit = z.infer<typeof Unit>;

export const SyncUnitsResult = z.object({
  added: z.array(Unit),
  updated: z.number().int(),
  gone: z.array(z.string().uuid()),
});
export type SyncUnitsResult = z.infer<typeof SyncUnitsResult>;
