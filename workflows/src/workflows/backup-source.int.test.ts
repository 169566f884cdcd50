// Workflow-level test of a source's run at scale: the real backupSource and backupUnit workflows on
// a local Temporal dev server, with a tiny `childrenPerRun` so a handful of units takes several
// continue-as-new hops. The activities are in-memory stand-ins that record every call, so the test
// can show each unit backed up exactly once, discovery and the run's start done once, and the
// verdict and summary identical to those of the same run in a single history.
import { randomUUID } from "node:crypto";
import type { TestWorkflowEnvironment } from "@temporalio/testing";
import { ApplicationFailure } from "@temporalio/activity";
import { Worker, type WorkflowBundleWithSourceMap } from "@temporalio/worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleWorkflows, createTestTemporal } from "../../test/temporal";
import type { BackupActivities } from "../activities";
import { type BackupSourceInput, type BackupSourceResult, backupWorkflowIds, EMPTY_STATS, type RunStatus, type SegmentStats, type UnitSegmentInput, type UnitSegmentResult } from "../contracts";

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  env = await createTestTemporal();
  bundle = await bundleWorkflows();
});

afterAll(async () => {
  await env?.teardown();
});

interface Recorded {
  runsStarted: number;
  discoveries: number;
  segments: Map<string, number>;
  unitFailures: { unitId: string; message: string }[];
  finished: { runId: string; status: RunStatus; summary: string; stats: SegmentStats }[];
}

/** In-memory activities over `units`; `failing` units fail their segment, `stuck` ones wait for `release`. */
function fakeSource(runId: string, units: string[], opts: { failing?: string[]; warned?: string[]; stuck?: string } = {}) {
  const rec: Recorded = { runsStarted: 0, discoveries: 0, segments: new Map(), unitFailures: [], finished: [] };
  let release: () => void = () => undefined;
  const released = new Promise<void>((r) => (release = r));
  let entered: () => void = () => undefined;
  const stuckEntered = new Promise<void>((r) => (entered = r));
  const statsOf = (unitId: string): SegmentStats => ({ ...EMPTY_STATS, listed: 10, stored: 4, carried: 6, bytesRead: 1000, bytesUploaded: 900, issues: opts.warned?.includes(unitId) ? 2 : 0 });
  const activities: Pick<BackupActivities, "startBackupRun" | "discoverUnits" | "startUnit" | "backupUnitSegment" | "recordUnitFailure" | "finishBackupRun"> = {
    startBackupRun: () => {
      rec.runsStarted += 1;
      return Promise.resolve(runId);
    },
    discoverUnits: () => {
      rec.discoveries += 1;
      return Promise.resolve([...units]);
    },
    startUnit: () => Promise.resolve({ parent: null, cursor: null, full: true, enumeration: randomUUID(), stats: { ...EMPTY_STATS }, segments: 0 }),
    async backupUnitSegment(input: UnitSegmentInput): Promise<UnitSegmentResult> {
      rec.segments.set(input.unitId, (rec.segments.get(input.unitId) ?? 0) + 1);
      if (input.unitId === opts.stuck) {
        entered();
        await released;
      }
      if (opts.failing?.includes(input.unitId)) throw ApplicationFailure.nonRetryable(`mailbox ${input.unitId.slice(0, 8)} is unavailable (simulated)`, "Simulated");
      const stats = statsOf(input.unitId);
      return { vaultSnapshotId: `snap-${input.unitId}`, progress: { ...input.progress, stats, segments: 1 }, done: true, stats };
    },
    recordUnitFailure: (input) => {
      rec.unitFailures.push({ unitId: input.unitId, message: input.message });
      return Promise.resolve();
    },
    finishBackupRun: (input) => {
      rec.finished.push({ runId: input.runId, status: input.status, summary: input.summary, stats: input.stats });
      return Promise.resolve();
    },
  };
  return { activities, rec, release, stuckEntered };
}

async function runSource(activities: object, input: Omit<BackupSourceInput, "trigger">, during?: (workflowId: string) => Promise<void>): Promise<BackupSourceResult> {
  const taskQueue = `test-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, namespace: env.namespace ?? "default", taskQueue, workflowBundle: bundle, activities });
  const workflowId = backupWorkflowIds.backupSource(input.sourceId, `test-${randomUUID()}`);
  return worker.runUntil(async () => {
    const handle = await env.client.workflow.start("backupSource", { taskQueue, workflowId, args: [{ ...input, trigger: "on_demand" }] });
    await during?.(workflowId);
    return (await handle.result()) as BackupSourceResult;
  });
}

const ids = (n: number) => Array.from({ length: n }, () => randomUUID());

describe("backupSource across continue-as-new", () => {
  it("hops every `childrenPerRun` units and ends with the verdict and summary of a single history", async () => {
    const tenantId = randomUUID();
    const sourceId = randomUUID();
    const units = ids(7);
    const failing = [units[1] as string];
    const warned = [units[5] as string];

    const hopping = fakeSource(randomUUID(), units, { failing, warned });
    const hopped = await runSource(hopping.activities, { tenantId, sourceId, concurrency: 1, childrenPerRun: 2 });
    const single = fakeSource(randomUUID(), units, { failing, warned });
    const once = await runSource(single.activities, { tenantId, sourceId, concurrency: 1 });

    // 7 units, 2 per run: runs of 2, 2, 2 and 1 — three hops; one history needs none.
    expect(hopped.hops).toBe(3);
    expect(once.hops).toBe(0);
    // The run is started and discovered once, and every unit backed up exactly once, across hops.
    expect(hopping.rec.runsStarted).toBe(1);
    expect(hopping.rec.discoveries).toBe(1);
    expect([...hopping.rec.segments.keys()].sort()).toEqual([...units].sort());
    expect([...hopping.rec.segments.values()].every((n) => n === 1)).toBe(true);

    // The failure in the first run is carried to the verdict at the end of the fourth.
    expect(hopped).toMatchObject({ status: "completed_with_warnings", units: 7, failedUnits: 1, stats: { listed: 60, stored: 24, carried: 36, issues: 2 } });
    expect(hopped.failures).toEqual([{ unitId: failing[0], error: expect.stringContaining("is unavailable (simulated)") as unknown }]);
    expect(hopping.rec.unitFailures.map((f) => f.unitId)).toEqual(failing);
    expect(hopping.rec.finished).toHaveLength(1);
    const [finished] = hopping.rec.finished;
    expect(finished?.summary).toMatch(new RegExp(`^6 of 7 units backed up; 2 items not captured; failed: ${failing[0]} \\(.*is unavailable \\(simulated\\)\\)$`));

    // Identical to the single-history run, run id aside.
    const { runId: _a, hops: _h1, ...hoppedRest } = hopped;
    const { runId: _b, hops: _h2, ...onceRest } = once;
    expect(hoppedRest).toEqual(onceRest);
    expect({ ...finished, runId: "" }).toEqual({ ...single.rec.finished[0], runId: "" });

    // Children keep their per-(run, unit) ids whichever hop started them.
    for (const unitId of units) {
      const d = await env.client.workflow.getHandle(backupWorkflowIds.backupUnit(hopped.runId, unitId)).describe();
      expect(d.status.name).toBe("COMPLETED");
    }
  });

  it("fails the run only when every unit failed, across hops", async () => {
    const units = ids(3);
    const src = fakeSource(randomUUID(), units, { failing: units });
    const r = await runSource(src.activities, { tenantId: randomUUID(), sourceId: randomUUID(), concurrency: 2, childrenPerRun: 1 });
    expect(r).toMatchObject({ status: "failed", units: 3, failedUnits: 3, hops: 2 });
    expect(src.rec.finished[0]?.status).toBe("failed");
    expect(src.rec.finished[0]?.summary).toMatch(/^0 of 3 units backed up; 0 items not captured; failed: /);
  });

  it("counts a unit whose child workflow was terminated as failed, with the reason, instead of leaving the run open", async () => {
    const units = ids(3);
    const stuck = units[1] as string;
    const runId = randomUUID();
    const src = fakeSource(runId, units, { stuck });
    const r = await runSource(src.activities, { tenantId: randomUUID(), sourceId: randomUUID(), concurrency: 1, childrenPerRun: 2 }, async () => {
      await src.stuckEntered;
      await env.client.workflow.getHandle(backupWorkflowIds.backupUnit(runId, stuck)).terminate("operator stopped it (test)");
      src.release();
    });
    expect(r).toMatchObject({ status: "completed_with_warnings", units: 3, failedUnits: 1, hops: 1 });
    expect(r.failures?.[0]).toMatchObject({ unitId: stuck, error: expect.stringMatching(/^its backup workflow ended without a result: /) as unknown });
    expect(src.rec.unitFailures).toEqual([{ unitId: stuck, message: r.failures?.[0]?.error }]);
    expect(src.rec.finished).toHaveLength(1);
  });
});
