// The hourly protection check's boundary (issue 7's dead-man alerts). Ids and counts only.
import { z } from "zod";

export const ProtectionCheckInput = z.object({ concurrency: z.number().int().min(1).max(16).optional() }).strict();
export type ProtectionCheckInput = z.infer<typeof ProtectionCheckInput>;

export interface TenantProtectionResult {
  tenantId: string;
  opened: number;
  resolved: number;
  open: number;
}

export interface ProtectionCheckResult {
  tenants: number;
  opened: number;
  resolved: number;
  /** Open guarded requests whose workflow was not running and was started (it announces them). */
  guardedRequestsStarted: number;
  /** Tenants whose check failed after its retries (named, up to 20); the next hour tries again. */
  failed: { tenantId: string; reason: string }[];
}

export const PROTECTION_SCHEDULE_ID = "protection-check-schedule";
export const protectionCheckWorkflowId = (suffix: string) => `protection-check:${suffix}`;
