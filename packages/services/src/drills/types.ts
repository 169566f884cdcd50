// Restore drills' boundary (issue 7): what the console shows and what the worker reports.
import { z } from "zod";

export const DrillProblem = z.object({ object: z.string(), problem: z.string() });
export type DrillProblem = z.infer<typeof DrillProblem>;

export const Drill = z.object({
  id: z.string().uuid(),
  status: z.enum(["running", "passed", "failed"]),
  startedAt: z.string().datetime(),
  finishedAt: z.string().datetime().nullable(),
  snapshotsChecked: z.number().int().nonnegative(),
  packsChecked: z.number().int().nonnegative(),
  itemsSampled: z.number().int().nonnegative(),
  itemsMatched: z.number().int().nonnegative(),
  bytesRestored: z.number().int().nonnegative(),
  /** Wall time of the sample restore; null while running or when it never got that far. */
  restoreMs: z.number().int().nonnegative().nullable(),
  problems: z.array(DrillProblem),
});
export type Drill = z.infer<typeof Drill>;

export const ListDrillsInput = z.object({ limit: z.number().int().min(1).max(50).default(5) });
export type ListDrillsInput = z.input<typeof ListDrillsInput>;

/** What the worker measured; the verdict is the service's (passed only with no problem and every item matched). */
export const DrillResult = z.object({
  snapshotsChecked: z.number().int().nonnegative(),
  packsChecked: z.number().int().nonnegative(),
  itemsSampled: z.number().int().nonnegative(),
  itemsMatched: z.number().int().nonnegative(),
  bytesRestored: z.number().int().nonnegative(),
  restoreMs: z.number().int().nonnegative().nullable(),
  problems: z.array(DrillProblem),
});
export type DrillResult = z.infer<typeof DrillResult>;

/** One catalogued item to restore in a drill: where the vault has it and the hash the catalogue expects. */
export interface DrillSampleItem {
  versionId: string;
  unitId: string;
  vaultSnapshotId: string;
  vaultPath: string;
  path: string;
  contentSha256: string;
  size: number | null;
}
