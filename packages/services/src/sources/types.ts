// Boundary schemas for sources and units (one name for schema and type, CONVENTIONS §8).
import { ITEM_KINDS, SOURCE_PROVIDERS, SOURCE_STATUSES, UNIT_KINDS, UNIT_PROTECTIONS, UNIT_STATES } from "@holdfast/db";
import { z } from "zod";
import { GuardedRequestView } from "../guard/types";

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
  /** When an approved `source.remove` request removed it (status `removed`); null otherwise. */
  removedAt: z.string().datetime().nullable(),
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

// ---- onboarding over the API (REST / tRPC) -------------------------------------------------

/** Provider names on the wire; the database keeps the short ones (`google`, `microsoft`). */
export const API_SOURCE_PROVIDERS = ["google_workspace", "microsoft_365", "salesforce", "aws"] as const;
export const ApiSourceProvider = z.enum(API_SOURCE_PROVIDERS);
export type ApiSourceProvider = z.infer<typeof ApiSourceProvider>;

/** The JSON key file of the customer's service account (IAM → Service accounts → Keys → JSON). */
export const GoogleServiceAccountKey = z
  .object({
    type: z.literal("service_account", { error: 'must be "service_account": upload the JSON key file of a service account' }),
    client_email: z.string().email("must be the service account's e-mail address"),
    private_key: z.string().includes("PRIVATE KEY", { message: "must be a PEM private key" }),
    private_key_id: z.string().optional(),
    client_id: z.string().optional(),
    project_id: z.string().optional(),
  })
  .loose()
  .describe("The service account's JSON key file as Google issues it. Stored sealed; never returned.");

export const ScheduleInput = SourceSchedule.describe(
  "When backups run: `timesPerDay` runs spread over the source's local day (first at 01:00 in `timezone`), each started up to `jitterMinutes` late.",
);

export const CreateSourceInput = z
  .object({
    provider: z.enum(["google_workspace", "microsoft_365"]),
    displayName: z.string().trim().min(1, "must not be empty").max(200).optional(),
    schedule: ScheduleInput.optional(),
    /** New users, mailboxes and sites found by discovery are protected at once (default), or start excluded. */
    autoProtectNewUnits: z.boolean().default(true),
    google: z
      .object({
        serviceAccountKey: GoogleServiceAccountKey,
        adminEmail: z.string().trim().toLowerCase().email("must be the e-mail address of a super admin of the domain"),
      })
      .optional()
      .describe("Required for google_workspace: a service account with domain-wide delegation, and the super admin it acts as."),
  })
  .superRefine((v, ctx) => {
    if (v.provider === "google_workspace" && !v.google) ctx.addIssue({ code: "custom", path: ["google"], message: "is required for google_workspace (serviceAccountKey and adminEmail)" });
    if (v.provider === "microsoft_365" && v.google) ctx.addIssue({ code: "custom", path: ["google"], message: "is only for google_workspace" });
  });
export type CreateSourceInput = z.input<typeof CreateSourceInput>;

export const SourceConsent = z.object({
  id: z.string().uuid(),
  status: z.enum(SOURCE_STATUSES),
  authorizeUrl: z.string().url().describe("Send the provider's admin here to approve access. Single use."),
  consentExpiresAt: z.string().datetime().describe("The authorizeUrl's state expires then; ask for a fresh one with POST /sources/{id}/consent."),
});
export type SourceConsent = z.infer<typeof SourceConsent>;

export const LastRun = z.object({
  id: z.string().uuid(),
  status: z.enum(["running", "completed", "completed_with_warnings", "failed", "cancelled"]),
  startedAt: z.string().datetime(),
  finishedAt: z.string().datetime().nullable(),
  itemsDone: z.number().int(),
  bytesDone: z.number().int(),
});
export type LastRun = z.infer<typeof LastRun>;

export const SourceDetail = z.object({
  id: z.string().uuid(),
  provider: ApiSourceProvider,
  displayName: z.string(),
  status: z.enum(SOURCE_STATUSES),
  externalAccountId: z.string().nullable().describe("The Workspace domain or the Entra directory (tenant) id, once consented."),
  schedule: SourceSchedule,
  autoProtectNewUnits: z.boolean(),
  units: z.object({ total: z.number().int(), protected: z.number().int() }),
  lastRun: LastRun.nullable(),
  lastSuccessfulBackupAt: z.string().datetime().nullable(),
  nextRunAt: z
    .string()
    .datetime()
    .nullable()
    .describe("The next scheduled start before jitter (null when paused or not connected); the run may start up to schedule.jitterMinutes later."),
  connectedAt: z.string().datetime().nullable(),
  removedAt: z
    .string()
    .datetime()
    .nullable()
    .describe("When the source was removed (status `removed`): no more backups, credentials deleted; its backups stay restorable until their retention dates."),
  createdAt: z.string().datetime(),
  updatedAt: z.string().datetime(),
  /** Set by an update whose part weakened protection: that part became this guarded request (ADR 0020). */
  requested: GuardedRequestView.optional(),
});
export type SourceDetail = z.infer<typeof SourceDetail>;

export const SourceList = z.object({ items: z.array(SourceDetail) });
export type SourceList = z.infer<typeof SourceList>;

export const UpdateSourceInput = z
  .object({
    displayName: z.string().trim().min(1, "must not be empty").max(200).optional(),
    schedule: ScheduleInput.optional(),
    autoProtectNewUnits: z.boolean().optional(),
  })
  .refine((v) => v.displayName !== undefined || v.schedule !== undefined || v.autoProtectNewUnits !== undefined, "name at least one of displayName, schedule, autoProtectNewUnits");
export type UpdateSourceInput = z.input<typeof UpdateSourceInput>;

export const ListSourceUnitsInput = z.object({
  protected: z.enum(["true", "false"]).optional().describe("Only protected (true) or unprotected (false) units"),
  kind: UnitKind.optional(),
  cursor: z.string().max(200).optional().describe("`nextCursor` of the previous page"),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type ListSourceUnitsInput = z.input<typeof ListSourceUnitsInput>;

export const UnitPage = z.object({ items: z.array(Unit), nextCursor: z.string().nullable() });
export type UnitPage = z.infer<typeof UnitPage>;

export const SetUnitProtectionInput = z.object({ protection: UnitProtection });
export type SetUnitProtectionInput = z.infer<typeof SetUnitProtectionInput>;

/** What a provider's consent page redirects back with (Google: code; Microsoft: admin_consent + tenant; either: error). */
export const ConsentCallbackQuery = z.object({
  state: z.string().min(1, "is required").max(400),
  code: z.string().max(4096).optional(),
  scope: z.string().max(4096).optional(),
  hd: z.string().max(255).optional(),
  admin_consent: z.string().max(10).optional(),
  tenant: z.string().max(100).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(2000).optional(),
  error_subcode: z.string().max(200).optional(),
});
export type ConsentCallbackQuery = z.infer<typeof ConsentCallbackQuery>;

export const ConsentResult = z.object({
  source: SourceDetail,
  firstBackupJobId: z.string().uuid().describe("The first backup's job id (GET /jobs/{id})"),
});
export type ConsentResult = z.infer<typeof ConsentResult>;

export const VaultStatus = z.object({
  provisioned: z.boolean(),
  bucket: z.string().optional(),
  vaultId: z.string().optional(),
  createdAt: z.string().datetime().optional(),
  /** The last rotation of its credentials (a `vault.rotate_credentials` guarded request), if any. */
  credentialsRotatedAt: z.string().datetime().nullable().optional(),
});
export type VaultStatus = z.infer<typeof VaultStatus>;

export const ProvisionedVault = z.object({
  bucket: z.string(),
  vaultId: z.string(),
  recoveryKey: z.string().describe("Opens every backup of the organisation without Holdfast. Shown once: keep it offline."),
});
export type ProvisionedVault = z.infer<typeof ProvisionedVault>;
