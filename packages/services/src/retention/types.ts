// Boundary schemas for the retention verbs (one name for schema and type, CONVENTIONS §8).
import { RETENTION_SCOPES } from "@holdfast/db";
import { z } from "zod";
import { RetentionPolicy } from "./policy";

export const RetentionScope = z.enum(RETENTION_SCOPES);
export type RetentionScope = z.infer<typeof RetentionScope>;

/** Where an effective policy comes from: an override, the organisation's, or Holdfast's default. */
export type RetentionSource = RetentionScope | "default";

export const GetRetentionInput = z.object({ sourceId: z.string().optional(), unitId: z.string().optional() }).strict();
export type GetRetentionInput = z.infer<typeof GetRetentionInput>;

export const SetRetentionPolicyInput = z
  .object({ scope: RetentionScope, scopeId: z.string().optional(), policy: RetentionPolicy })
  .strict()
  .superRefine((v, c) => {
    if (v.scope === "organization" && v.scopeId !== undefined) c.addIssue({ code: "custom", path: ["scopeId"], message: "must be omitted for the organisation's policy" });
    if (v.scope !== "organization" && v.scopeId === undefined) c.addIssue({ code: "custom", path: ["scopeId"], message: `is required: the id of the ${v.scope}` });
  });
export type SetRetentionPolicyInput = z.input<typeof SetRetentionPolicyInput>;

export const PlaceLegalHoldInput = z
  .object({
    /** Omitted: the hold covers the whole organisation. */
    unitId: z.string().optional(),
    reason: z.string().trim().min(1, "must say why the hold is placed").max(2000, "must be at most 2000 characters"),
  })
  .strict();
export type PlaceLegalHoldInput = z.input<typeof PlaceLegalHoldInput>;

export interface LegalHoldView {
  id: string;
  /** null: the whole organisation. */
  unitId: string | null;
  reason: string;
  placedByUserId: string | null;
  placedAt: string;
  releasedAt: string | null;
  active: boolean;
}

export interface RetentionView {
  /** The policy that decides new snapshots' retain-until at this scope. */
  effective: RetentionPolicy;
  /** Which level `effective` comes from. */
  scope: RetentionSource;
  /** The organisation's own policy; null when it uses Holdfast's default. */
  organization: RetentionPolicy | null;
  /** The source's override, when a source (or a unit, whose source it is) was asked about. */
  source?: RetentionPolicy | null;
  /** The unit's override, when a unit was asked about. */
  unit?: RetentionPolicy | null;
  /** Active holds that cover this scope (the organisation's, and the unit's when a unit was asked about). */
  legalHolds: LegalHoldView[];
}
