// Source schedules on a real Temporal dev server: created with the spread, jitter, time zone and
// overlap policy the source asks for, updated in place, paused, deleted.
import { randomUUID } from "node:crypto";
import { ScheduleOverlapPolicy } from "@temporalio/client";
import type { TestWorkflowEnvironment } from "@temporalio/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTemporal } from "../test/temporal";
import { deleteSourceSchedule, scheduleIdFor, upsertSourceSchedule } from "./schedules";

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTestTemporal();
}, 120_000);
afterAll(() => env?.teardown());

describe("source schedules", () => {
  it("creates, updates, pauses and deletes one schedule per source", async () => {
    const tenantId = randomUUID();
    const sourceId = randomUUID();
    const base = { tenantId, sourceId, timesPerDay: 3, jitterMinutes: 30, timezone: "Europe/Berlin", paused: false };
    await upsertSourceSchedule(env.client, base, { taskQueue: "q-test" });
    const handle = env.client.schedule.getHandle(scheduleIdFor(sourceId));
    let d = await handle.describe();
    expect(d.spec.calendars?.map((c) => [c.hour, c.minute])).toEqual([[[{ start: 1, end: 1, step: 1 }], [{ start: 0, end: 0, step: 1 }]], [[{ start: 9, end: 9, step: 1 }], [{ start: 0, end: 0, step: 1 }]], [[{ start: 17, end: 17, step: 1 }], [{ start: 0, end: 0, step: 1 }]]]);
    expect(d.spec.timezone).toBe("Europe/Berlin");
    expect(d.spec.jitter).toBe(30 * 60_000);
    expect(d.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
    expect(d.action).toMatchObject({ type: "startWorkflow", workflowType: "backupSource", taskQueue: "q-test", args: [{ tenantId, sourceId, trigger: "scheduled" }] });
    expect(d.state.paused).toBe(false);

    await upsertSourceSchedule(env.client, { ...base, timesPerDay: 1, paused: true }, { taskQueue: "q-test" });
    d = await handle.describe();
    expect(d.spec.calendars).toHaveLength(1);
    expect(d.state.paused).toBe(true);

    await deleteSourceSchedule(env.client, sourceId);
    await expect(handle.describe()).rejects.toThrow();
    await deleteSourceSchedule(env.client, sourceId); // idempotent
  });

  it("refuses settings outside the allowed ranges, naming them", async () => {
    await expect(upsertSourceSchedule(env.client, { tenantId: randomUUID(), sourceId: randomUUID(), timesPerDay: 30, jitterMinutes: 0, timezone: "UTC", paused: false })).rejects.toThrow(/timesPerDay/);
  });
});
