// The guard activities' follow-up of an executed erasure or rotation, with plain in-test port
// objects: the vault's erasure ledger is written and its credentials rotated after execution, also
// when an earlier attempt executed the request and lost its answer, and a failure of either fails
// the activity (to be retried).
import { MockActivityEnvironment } from "@temporalio/testing";
import { DefaultLogger, type LogEntry } from "@temporalio/worker";
import { describe, expect, it } from "vitest";
import type { GuardedRequestSnapshot } from "../../guard-contracts";
import { createGuardActivities } from "./activities";
import type { GuardPorts } from "./ports";

const snapshot = (status: GuardedRequestSnapshot["status"]): GuardedRequestSnapshot => ({ status, notBefore: "2026-01-01T00:00:00Z", expiresAt: "2026-01-08T00:00:00Z" });
const input = { tenantId: "t-1", requestId: "r-1" };

function ports(opts: { apply: Awaited<ReturnType<GuardPorts["apply"]>>; status?: GuardedRequestSnapshot["status"]; failRecord?: number; failRotate?: number }) {
  const calls: string[] = [];
  let failures = opts.failRecord ?? 0;
  let rotateFailures = opts.failRotate ?? 0;
  const p: GuardPorts = {
    load: () => Promise.resolve(snapshot(opts.status ?? "executed")),
    approve: () => Promise.reject(new Error("not used")),
    apply: () => {
      calls.push("apply");
      return Promise.resolve(opts.apply);
    },
    expire: () => Promise.reject(new Error("not used")),
    announce: () => Promise.resolve(),
    recordErasure: (tenantId, requestId) => {
      calls.push(`recordErasure ${tenantId} ${requestId}`);
      if (failures > 0) {
        failures--;
        return Promise.reject(new Error("vault unreachable"));
      }
      return Promise.resolve({ items: 2, written: true });
    },
    rotateVaultCredentials: (tenantId, requestId) => {
      calls.push(`rotateVaultCredentials ${tenantId} ${requestId}`);
      if (rotateFailures > 0) {
        rotateFailures--;
        return Promise.reject(new Error("versitygw admin /create-user failed: 503"));
      }
      return Promise.resolve({ rotated: true, deleted: 3 });
    },
  };
  return { p, calls };
}

const apply = (p: GuardPorts, logs?: LogEntry[]) => {
  const activities = createGuardActivities(p);
  const logger = logs ? new DefaultLogger("INFO", (entry) => logs.push(entry)) : undefined;
  return new MockActivityEnvironment(undefined, logger ? { logger } : {}).run((i: typeof input) => activities.applyGuardedRequest(i), input);
};

describe("applyGuardedRequest and the erasure ledger", () => {
  it("records the erasure after executing", async () => {
    const { p, calls } = ports({ apply: { status: "executed" } });
    expect(await apply(p)).toEqual({ status: "executed" });
    expect(calls).toEqual(["apply", "recordErasure t-1 r-1", "rotateVaultCredentials t-1 r-1"]);
  });

  it("records it when an earlier attempt executed the request and its answer was lost", async () => {
    const { p, calls } = ports({ apply: { refused: { code: "CONFLICT", message: "already executed" } }, status: "executed" });
    expect(await apply(p)).toEqual({ status: "executed", refused: "already executed" });
    expect(calls).toEqual(["apply", "recordErasure t-1 r-1", "rotateVaultCredentials t-1 r-1"]);
  });

  it("does not record anything for a request that did not execute", async () => {
    const failed = ports({ apply: { status: "failed", failure: "none left" } });
    expect(await apply(failed.p)).toEqual({ status: "failed", failure: "none left" });
    const cancelled = ports({ apply: { refused: { code: "CONFLICT", message: "cancelled" } }, status: "cancelled" });
    expect(await apply(cancelled.p)).toEqual({ status: "cancelled", refused: "cancelled" });
    expect([...failed.calls, ...cancelled.calls]).toEqual(["apply", "apply"]);
  });

  it("throws when the ledger cannot be written, and the retry (already executed) writes it", async () => {
    const { p, calls } = ports({ apply: { status: "executed" }, failRecord: 1 });
    await expect(apply(p)).rejects.toThrow("vault unreachable");
    // The retry: the database refuses to apply twice, the request is executed, the ledger is written.
    p.apply = () => {
      calls.push("apply");
      return Promise.resolve({ refused: { code: "CONFLICT", message: "already executed" } });
    };
    expect(await apply(p)).toEqual({ status: "executed", refused: "already executed" });
    expect(calls).toEqual(["apply", "recordErasure t-1 r-1", "apply", "recordErasure t-1 r-1", "rotateVaultCredentials t-1 r-1"]);
  });
});

describe("applyGuardedRequest and the rotation of the vault's credentials", () => {
  it("rotates them after executing, and logs counts only", async () => {
    const { p, calls } = ports({ apply: { status: "executed" } });
    delete p.recordErasure;
    const logs: LogEntry[] = [];
    expect(await apply(p, logs)).toEqual({ status: "executed" });
    expect(calls).toEqual(["apply", "rotateVaultCredentials t-1 r-1"]);
    const logged = logs.find((l) => l.message === "the vault's credentials rotated");
    expect(logged?.level).toBe("INFO");
    expect(logged?.meta).toMatchObject({ tenantId: "t-1", requestId: "r-1", rotated: true, deleted: 3 });
  });

  it("rotates them when an earlier attempt executed the request and its answer was lost", async () => {
    const { p, calls } = ports({ apply: { refused: { code: "CONFLICT", message: "already executed" } }, status: "executed" });
    expect(await apply(p)).toEqual({ status: "executed", refused: "already executed" });
    expect(calls).toEqual(["apply", "recordErasure t-1 r-1", "rotateVaultCredentials t-1 r-1"]);
  });

  it("does not rotate for a request that did not execute", async () => {
    const failed = ports({ apply: { status: "failed", failure: "the organisation has no vault" } });
    expect(await apply(failed.p)).toEqual({ status: "failed", failure: "the organisation has no vault" });
    const notDue = ports({ apply: { refused: { code: "CONFLICT", message: "this request is pending, not approved" } }, status: "pending" });
    expect(await apply(notDue.p)).toEqual({ status: "pending", refused: "this request is pending, not approved" });
    expect([...failed.calls, ...notDue.calls]).toEqual(["apply", "apply"]);
  });

  it("throws when the rotation fails, and the retry (already executed) carries it out", async () => {
    const { p, calls } = ports({ apply: { status: "executed" }, failRotate: 1 });
    const logs: LogEntry[] = [];
    await expect(apply(p, logs)).rejects.toThrow("versitygw admin /create-user failed: 503");
    expect(logs.find((l) => l.level === "ERROR")?.message).toBe("the vault's credentials could not be rotated; retrying");
    // The retry: the database refuses to apply twice, the request is executed, the rotation runs again.
    p.apply = () => {
      calls.push("apply");
      return Promise.resolve({ refused: { code: "CONFLICT", message: "already executed" } });
    };
    expect(await apply(p)).toEqual({ status: "executed", refused: "already executed" });
    expect(calls).toEqual(["apply", "recordErasure t-1 r-1", "rotateVaultCredentials t-1 r-1", "apply", "recordErasure t-1 r-1", "rotateVaultCredentials t-1 r-1"]);
  });

  it("does not rotate when the ledger could not be written: the retry does both", async () => {
    const { p, calls } = ports({ apply: { status: "executed" }, failRecord: 1 });
    await expect(apply(p)).rejects.toThrow("vault unreachable");
    expect(calls).toEqual(["apply", "recordErasure t-1 r-1"]);
  });
});
