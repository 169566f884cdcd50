import type { BackupRun, RestoreJob } from "@holdfast/db";
import { describe, expect, it } from "vitest";
import { backupJob, restoreJob } from "./map";
import { Job, JobListItem } from "./types";

const at = new Date("2026-05-01T10:00:00Z");
const later = new Date("2026-05-01T10:05:00Z");

const run: BackupRun = {
  id: "00000000-0000-4000-8000-000000000001",
  tenantId: "00000000-0000-4000-8000-0000000000aa",
  sourceId: "00000000-0000-4000-8000-0000000000bb",
  unitId: null,
  trigger: "on_demand",
  workflowId: "backup-source:x:y",
  status: "running",
  itemsDone: 12,
  bytesDone: 3456,
  issueCount: 2,
  startedAt: at,
  finishedAt: null,
  errorSummary: null,
};

const job: RestoreJob = {
  id: "00000000-0000-4000-8000-000000000002",
  tenantId: run.tenantId,
  sourceId: run.sourceId,
  unitId: "00000000-0000-4000-8000-0000000000cc",
  targetUnitId: "00000000-0000-4000-8000-0000000000cc",
  selection: {},
  asOf: at,
  kind: "export",
  format: "zip",
  exportObjectKey: "t/e.zip",
  exportBytes: 999,
  exportExpiresAt: new Date(Date.now() + 86_400_000),
  conflict: "skip",
  copyFolder: "x",
  status: "completed",
  workflowId: null,
  created: 0,
  replaced: 0,
  copied: 0,
  skipped: 0,
  failed: 0,
  summary: "10 items exported",
  requestedByUserId: null,
  createdAt: at,
  finishedAt: later,
};

describe("job views", () => {
  it("a running backup shows its progress and no total, unit or summary it does not have", () => {
    const view = backupJob(run);
    expect(JobListItem.parse(view)).toEqual(view);
    expect(view).toEqual({ id: run.id, kind: "backup", status: "running", progress: { itemsDone: 12, bytesDone: 3456 }, warningCount: 2, startedAt: at.toISOString(), finishedAt: null, sourceId: run.sourceId });
  });

  it("a finished export has a total, its archive size and a download link; an expired or unfinished one has no link", () => {
    const view = restoreJob(job, 10, 1);
    expect(Job.parse({ ...view, warnings: [] })).toMatchObject({ kind: "export", progress: { itemsDone: 10, itemsTotal: 10, bytesDone: 999 }, warningCount: 1, downloadUrl: `/api/v1/exports/${job.id}/download`, summary: "10 items exported" });
    expect(restoreJob({ ...job, exportExpiresAt: new Date(Date.now() - 1) }, 10, 0).downloadUrl).toBeUndefined();
    const running = restoreJob({ ...job, status: "running", finishedAt: null, exportObjectKey: null }, 3, 0);
    expect(running.downloadUrl).toBeUndefined();
    expect(running.progress).toEqual({ itemsDone: 3, bytesDone: 999 });
    expect(restoreJob({ ...job, kind: "restore", format: null }, 10, 0).downloadUrl).toBeUndefined();
  });
});
