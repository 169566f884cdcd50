// The guard activities' follow-up of an executed erasure, with plain in-test port objects: the
// vault's erasure ledger is written after execution, also when an earlier attempt executed the
// request and lost its answer, and a failure to write it fails the activity (to be retried).
import { MockActivityEnvironment } from "@temporalio/testing";
import { describe, expect, it } from "vitest";
import type { GuardedRequestSnapshot } from "../../guard-contracts";
import { createGuardActivities } from "./activities";
import type { GuardPorts } from "./ports";

const snapshot = (status: GuardedRequestSnapshot["status"]): GuardedRequestSnapshot => ({ status, notBefore: "2026-01-01T00:00:00Z", expiresAt: "2026-01-08T00:00:00Z" });
const input = { tenantId: "t-1", requestId: "r-1" };

function ports(opts: { apply: Awaited<ReturnType<GuardPorts["apply"]>>; status?: GuardedRequestSnapshot["status"]; failRecord?: number }) {
  const calls: string[] = [];
  let failures = opts.failRecord ?? 0;
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
  };
  return { p, calls };
}

const apply = (p: GuardPorts) => {
  const activities = createGuardActivities(p);
  return new MockActivityEnvironment().run((i: typeof input) => activities.applyGuardedRequest(i), input);
};

describe("applyGuardedRequest and the erasure ledger", () => {
  it("records the erasure after executing", async () => {
    const { p, calls } = ports({ apply: { status: "executed" } });
    expect(await apply(p)).toEqual({ status: "executed" });
    expect(calls).toEqual(["apply", "recordErasure t-1 r-1"]);
  });

  it("records it when an earlier attempt executed the request and its answer was lost", async () => {
    const { p, calls } = ports({ apply: { refused: { code: "CONFLICT", message: "already executed" } }, status: "executed" });
    expect(await apply(p)).toEqual({ status: "executed", refused: "already executed" });
    expect(calls).toEqual(["apply", "recordErasure t-1 r-1"]);
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
    expect(calls).toEqual(["apply", "recordErasure t-1 r-1", "apply", "recordErasure t-1 r-1"]);
  });
});
