// Workflow-level test: the real workflow code on a local Temporal dev server, with fake
// activities that simulate an audit chain of a chosen length and, optionally, one broken link.
import { randomUUID } from "node:crypto";
import { WorkflowFailedError } from "@temporalio/client";
import type { TestWorkflowEnvironment } from "@temporalio/testing";
import { Worker, type WorkflowBundleWithSourceMap } from "@temporalio/worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleWorkflows, createTestTemporal } from "../../test/temporal";
import type { Activities } from "../activities";
import { type AuditChainBreak, type VerifyAuditChainPageInput, type VerifyAuditChainPageResult, workflowIds } from "../contracts";
import { verifyAuditChain } from "./verify-audit-chain";

const hashOf = (seq: number) => seq.toString(16).padStart(64, "0");

/** A fake page reader over a chain of `length` rows; `breakAt` makes that row fail its hash check. */
function fakeChain(length: number, opts: { breakAt?: number; failFirstCalls?: number } = {}) {
  const calls: VerifyAuditChainPageInput[] = [];
  let failuresLeft = opts.failFirstCalls ?? 0;
  const activities: Activities = {
    // Async so a thrown error becomes a rejected promise, as it would from a real activity.
    // eslint-disable-next-line @typescript-eslint/require-await
    async verifyAuditChainPage(input): Promise<VerifyAuditChainPageResult> {
      calls.push(input);
      if (failuresLeft-- > 0) throw new Error("connection reset (simulated)");
      const expectedPrev = input.afterSeq === 0 ? null : hashOf(input.afterSeq);
      if (input.prevHash !== expectedPrev) throw new Error(`cursor mismatch at ${input.afterSeq}`);
      const seqs: number[] = [];
      for (let s = input.afterSeq + 1; s <= Math.min(length, input.afterSeq + input.limit); s++) seqs.push(s);
      const brokenIdx = opts.breakAt === undefined ? -1 : seqs.indexOf(opts.breakAt);
      if (brokenIdx >= 0) {
        const good = seqs.slice(0, brokenIdx);
        const lastSeq = good.at(-1) ?? input.afterSeq;
        const broken: AuditChainBreak = { seq: opts.breakAt ?? 0, eventId: `event-${opts.breakAt}`, reason: "hash_mismatch", detail: "simulated" };
        return { checked: good.length, lastSeq, lastHash: good.length ? hashOf(lastSeq) : input.prevHash, done: true, broken };
      }
      const lastSeq = seqs.at(-1) ?? input.afterSeq;
      return { checked: seqs.length, lastSeq, lastHash: seqs.length ? hashOf(lastSeq) : input.prevHash, done: seqs.length < input.limit };
    },
  };
  return { activities, calls };
}

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  env = await createTestTemporal();
  // Bundled once for the file; each test gets its own worker with its own fake activities.
  bundle = await bundleWorkflows();
});

afterAll(async () => {
  await env?.teardown();
});

async function withFakeWorker<T>(activities: Activities, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `test-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, namespace: env.namespace ?? "default", taskQueue, workflowBundle: bundle, activities });
  return worker.runUntil(fn(taskQueue));
}

function run(taskQueue: string, input: Parameters<typeof verifyAuditChain>[0]) {
  return env.client.workflow.execute(verifyAuditChain, { taskQueue, workflowId: workflowIds.verifyAuditChain(input.tenantId, new Date()), args: [input] });
}

describe("verifyAuditChain (mocked activities)", () => {
  it("walks an intact chain page by page and reports it ok", async () => {
    const tenantId = randomUUID();
    const { activities, calls } = fakeChain(23);
    const result = await withFakeWorker(activities, (tq) => run(tq, { tenantId, pageSize: 5 }));
    expect(result).toEqual({ tenantId, checked: 23, lastSeq: 23, ok: true });
    expect(calls.map((c) => c.afterSeq)).toEqual([0, 5, 10, 15, 20]);
    expect(calls.every((c) => c.tenantId === tenantId && c.limit === 5)).toBe(true);
  });

  it("reads one empty page past a chain that ends exactly on a page boundary", async () => {
    const tenantId = randomUUID();
    const { activities, calls } = fakeChain(10);
    const result = await withFakeWorker(activities, (tq) => run(tq, { tenantId, pageSize: 5 }));
    expect(result).toEqual({ tenantId, checked: 10, lastSeq: 10, ok: true });
    expect(calls.map((c) => c.afterSeq)).toEqual([0, 5, 10]);
  });

  it("an empty chain is ok with nothing checked", async () => {
    const tenantId = randomUUID();
    const { activities } = fakeChain(0);
    expect(await withFakeWorker(activities, (tq) => run(tq, { tenantId }))).toEqual({ tenantId, checked: 0, lastSeq: 0, ok: true });
  });

  it("stops at the first broken link and reports it", async () => {
    const tenantId = randomUUID();
    const { activities, calls } = fakeChain(40, { breakAt: 17 });
    const result = await withFakeWorker(activities, (tq) => run(tq, { tenantId, pageSize: 5 }));
    expect(result).toEqual({
      tenantId,
      checked: 16,
      lastSeq: 16,
      ok: false,
      firstBroken: { seq: 17, eventId: "event-17", reason: "hash_mismatch", detail: "simulated" },
    });
    expect(calls.map((c) => c.afterSeq)).toEqual([0, 5, 10, 15]);
  });

  it("continues as new with its cursor once a run has read pagesPerRun pages", async () => {
    const tenantId = randomUUID();
    const { activities, calls } = fakeChain(23, { breakAt: 22 });
    const workflowId = workflowIds.verifyAuditChain(tenantId, new Date());
    const result = await withFakeWorker(activities, async (taskQueue) => {
      const handle = await env.client.workflow.start(verifyAuditChain, { taskQueue, workflowId, args: [{ tenantId, pageSize: 3, pagesPerRun: 2 }] });
      const res = await handle.result();
      const first = await env.client.workflow.getHandle(workflowId, handle.firstExecutionRunId).describe();
      expect(first.status.name).toBe("CONTINUED_AS_NEW");
      return res;
    });
    expect(result).toMatchObject({ tenantId, checked: 21, lastSeq: 21, ok: false, firstBroken: { seq: 22 } });
    expect(calls.map((c) => c.afterSeq)).toEqual([0, 3, 6, 9, 12, 15, 18, 21]);
  });

  it("retries a page whose activity fails transiently", async () => {
    const tenantId = randomUUID();
    const { activities, calls } = fakeChain(7, { failFirstCalls: 1 });
    const result = await withFakeWorker(activities, (tq) => run(tq, { tenantId, pageSize: 5 }));
    expect(result).toEqual({ tenantId, checked: 7, lastSeq: 7, ok: true });
    expect(calls.map((c) => c.afterSeq)).toEqual([0, 0, 5]);
  });

  it("fails without retrying when its input is not valid", async () => {
    const { activities, calls } = fakeChain(3);
    const err = await withFakeWorker(activities, (tq) => run(tq, { tenantId: "not-a-uuid" })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toMatchObject({ type: "ValidationError", nonRetryable: true });
    expect(calls).toHaveLength(0);
  });
});
