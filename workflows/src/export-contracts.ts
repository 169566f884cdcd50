// Export payloads: a job id only; the selection, format and time live in the job's row, and the
// archive goes to the exports store, never through workflow history.
import { z } from "zod";

export const ExportJobInput = z.object({ tenantId: z.string().uuid(), restoreId: z.string().uuid() });
export type ExportJobInput = z.infer<typeof ExportJobInput>;

export const ExportJobStatus = z.enum(["completed", "completed_with_errors", "failed"]);
export type ExportJobStatus = z.infer<typeof ExportJobStatus>;

export const ExportJobResult = z.object({
  restoreId: z.string().uuid(),
  status: ExportJobStatus,
  exported: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  error: z.string().optional(),
});
export type ExportJobResult = z.infer<typeof ExportJobResult>;

export const exportWorkflowId = (restoreId: string): string => `export:${restoreId}`;
