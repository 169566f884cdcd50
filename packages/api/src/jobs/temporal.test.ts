// How a failed "approve" update is read: the guard's refusal, the workflow's validator, a workflow
// that no longer runs, or something else (rethrown). The errors are built as the client builds them.
import { GUARD_REFUSED } from "@holdfast/workflows";
import { ActivityFailure, ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError } from "@temporalio/client";
import { describe, expect, it } from "vitest";
import { approvalRefusal } from "./temporal";

const updateFailed = (cause: Error) => new WorkflowUpdateFailedError("Workflow Update failed", cause);
const activityFailed = (cause: Error) => new ActivityFailure("activity failed", "approveGuardedRequest", "1", "NON_RETRYABLE_FAILURE", undefined, cause);

describe("approvalRefusal", () => {
  it("reads the guard's refusal through update → activity → application failure, with its code and message", () => {
    const refused = ApplicationFailure.create({ message: "the approver became one after the request", type: GUARD_REFUSED, details: ["FORBIDDEN"], nonRetryable: true });
    expect(approvalRefusal(updateFailed(activityFailed(refused)))).toEqual({ approved: false, code: "FORBIDDEN", reason: "the approver became one after the request" });
    const gone = ApplicationFailure.create({ message: "no such request", type: GUARD_REFUSED, details: ["NOT_FOUND"] });
    expect(approvalRefusal(updateFailed(activityFailed(gone)))).toMatchObject({ code: "NOT_FOUND" });
  });

  it("answers CONFLICT when the validator rejects the update or the workflow has ended", () => {
    const rejected = updateFailed(ApplicationFailure.create({ message: "this request was cancelled", type: "Error" }));
    expect(approvalRefusal(rejected)).toEqual({ approved: false, code: "CONFLICT", reason: "this request was cancelled" });
    expect(approvalRefusal(updateFailed(ApplicationFailure.create({ message: "this request is already approved" })))).toMatchObject({ code: "CONFLICT" });
    expect(approvalRefusal(new WorkflowNotFoundError("workflow execution already completed", "guarded-request:x", undefined))).toEqual({
      approved: false,
      code: "CONFLICT",
      reason: "This request is no longer waiting for approval",
    });
  });

  it("leaves anything else to be thrown", () => {
    expect(approvalRefusal(new Error("connection refused"))).toBeNull();
    expect(approvalRefusal(updateFailed(activityFailed(ApplicationFailure.create({ message: "database down", type: "PostgresError" }))))).toBeNull();
    // "cancelled" in an unrelated error (a cancelled RPC) is not the validator's answer.
    expect(approvalRefusal(new Error("call cancelled"))).toBeNull();
  });
});
