// Workflow-level test: the real auditDigest workflow on a local Temporal dev server, with fake
// activities: every tenant is digested with one shared "now", a failing tenant is named and does
// not stop the others, and a long tenant list continues as new without losing anyone.
import { createRequire } from "node:module";
import { randomUUID } from "node:crypto";
import { ApplicationFailure } from "@temporalio/activity";
import type { TestWorkflowEnvironment } from "@temporalio/testing";
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from "@temporalio/worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTemporal } from "../../test/temporal";
import type { AuditDigestActivities } from "../activities/audit-digest/activities";
import type { DigestTenantInput } from "../audit-digest-contracts";
import { auditDigest } from "./audit-digest";

const TENANTS = ["00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002", "00000000-0000-4000-8000-000000000003"];

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  env = await createTestTemporal();
  bundle = await bundleWorkflowCode({ workflowsPath: createRequire(import.meta.url).resolve("./audit-digest.ts"), logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } });
}, 120_000);

afterAll(async () => {
  await env?.teardown();
});

function fakes(failing?: string) {
  const calls: DigestTenantInput[] = [];
  const activities: AuditDigestActivities = {
    auditDigestTenants: () => Promise.resolve([...TENANTS]),
    digestTenant: (input) => {
      calls.push(input);
      if (input.tenantId === failing) return Promise.reject(ApplicationFailure.nonRetryable("the vault refused the write (simulated)", "ValidationError"));
      return Promise.resolve({ tenantId: input.tenantId, created: ["2026-03-01", "2026-03-02"], objectsWritten: 3 });
    },
  };
  return { activities, calls };
}

async function run(activities: AuditDigestActivities, args: Parameters<typeof auditDigest>[0]) {
  const taskQueue = `test-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, namespace: env.namespace ?? "default", taskQueue, workflowBundle: bundle, activities });
  return worker.runUntil(env.client.workflow.execute(auditDigest, { taskQueue, workflowId: `audit-digest:test-${randomUUID()}`, args: [args] }));
}

describe("auditDigest workflow", () => {
  it("digests every tenant with one cut-off, naming the tenant that failed", async () => {
    const { activities, calls } = fakes(TENANTS[1]);
    const r = await run(activities, {});
    expect(r).toMatchObject({ tenants: 3, digestsCreated: 4, objectsWritten: 6, failedTenants: 1, hops: 0 });
    expect(r.problems.map((p) => p.tenantId)).toEqual([TENANTS[1]]);
    expect(r.problems[0]?.reason).toContain("the vault refused the write");
    expect(new Set(calls.map((c) => c.at)).size).toBe(1);
    expect(calls.every((c) => c.maxDays === 7)).toBe(true);
  }, 60_000);

  it("continues as new past tenantsPerRun and still digests everyone once", async () => {
    const { activities, calls } = fakes();
    const r = await run(activities, { tenantsPerRun: 1, concurrency: 1, maxDays: 3 });
    expect(r).toMatchObject({ tenants: 3, failedTenants: 0, hops: 2 });
    expect(calls.map((c) => c.tenantId)).toEqual(TENANTS);
    expect(calls.every((c) => c.maxDays === 3)).toBe(true);
  }, 60_000);
});
