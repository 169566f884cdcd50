// One guarded request's life (docs/adr/0020-guarded-requests.md): announce it, wait for a second
// person's approval (an update, so the approver hears at once if the database refuses them) or a
// cancellation, then wait out the cooling-off delay on a durable timer, then have the database's
// guard carry it out. The database row is the truth at every step: the guard re-checks status,
// approver and delay itself, so a lost signal or a skewed clock can delay the request, never
// run it early or run a cancelled one.
import { allHandlersFinished, ApplicationFailure, condition, defineSignal, defineUpdate, log, proxyActivities, setHandler, sleep } from "@temporalio/workflow";
import type { GuardActivities } from "../activities/guard/activities";
import { GUARD_APPROVE_UPDATE, GUARD_CANCELLED_SIGNAL, GuardedRequestInput, type GuardApproveArgs, type GuardedRequestResult, type GuardStepEvent } from "../guard-contracts";
import { NON_RETRYABLE_ERROR_TYPES } from "../contracts";

const acts = proxyActivities<GuardActivities>({
  startToCloseTimeout: "1 minute",
  retry: { initialInterval: "1 second", backoffCoefficient: 2, maximumInterval: "5 minutes", maximumAttempts: 50, nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES] },
});

export const approveUpdate = defineUpdate<{ status: string }, [GuardApproveArgs]>(GUARD_APPROVE_UPDATE);
export const cancelledSignal = defineSignal(GUARD_CANCELLED_SIGNAL);

/** How often, and how long apart, the guard is asked again when the database's clock says "not yet". */
const NOT_DUE_RETRIES = 12;
const NOT_DUE_PAUSE = "5 seconds";

export async function guardedRequest(raw: GuardedRequestInput): Promise<GuardedRequestResult> {
  const parsed = GuardedRequestInput.safeParse(raw);
  if (!parsed.success) throw ApplicationFailure.nonRetryable(`invalid guardedRequest input: ${parsed.error.message}`, "ValidationError");
  const { tenantId, requestId } = parsed.data;
  const ids = { tenantId, requestId };
  const announce = (event: GuardStepEvent) => acts.announceGuardedRequest({ ...ids, event });
  const finish = async (status: GuardedRequestResult["status"], failure?: string): Promise<GuardedRequestResult> => {
    await condition(allHandlersFinished);
    return { requestId, status, ...(failure ? { failure } : {}) };
  };

  // Handlers first, before anything is awaited: an approval that arrives with the workflow's first
  // task would otherwise find no handler and be rejected.
  let cancelled = false;
  let approved = false;
  setHandler(cancelledSignal, () => {
    cancelled = true;
  });
  setHandler(
    approveUpdate,
    async ({ userId }: GuardApproveArgs) => {
      const r = await acts.approveGuardedRequest({ ...ids, userId });
      approved = true;
      return r;
    },
    {
      validator: (_args: GuardApproveArgs) => {
        if (cancelled) throw new Error("this request was cancelled");
        if (approved) throw new Error("this request is already approved");
      },
    },
  );
  let snap = await acts.loadGuardedRequest(ids);
  cancelled ||= snap.status === "cancelled";
  approved ||= snap.status === "approved";
  if (snap.status !== "pending" && snap.status !== "approved") return finish(snap.status);
  if (snap.status === "pending") await announce("requested");

  // Waiting for a decision, until the request lapses.
  while (!cancelled && !approved) {
    const left = Date.parse(snap.expiresAt) - Date.now();
    if (left > 0) {
      await condition(() => cancelled || approved, left);
      continue;
    }
    const e = await acts.expireGuardedRequest(ids);
    if (e.status === "expired") {
      await announce("expired");
      return finish("expired");
    }
    snap = await acts.loadGuardedRequest(ids);
    cancelled = snap.status === "cancelled";
    approved = snap.status === "approved";
    if (!cancelled && !approved) return finish(snap.status);
  }
  if (cancelled) {
    await announce("cancelled");
    return finish("cancelled");
  }
  await announce("approved");

  // The cooling-off delay: a durable timer, cut short only by a cancellation.
  for (;;) {
    const left = Date.parse(snap.notBefore) - Date.now();
    if (cancelled || left <= 0) break;
    await condition(() => cancelled, left);
  }
  for (let attempt = 0; !cancelled; attempt++) {
    const r = await acts.applyGuardedRequest(ids);
    if (r.refused === undefined) {
      await announce(r.status === "executed" ? "executed" : "failed");
      return finish(r.status, r.failure);
    }
    if (r.status === "cancelled") {
      cancelled = true;
      break;
    }
    // Approved but "not yet" by the database's clock: ask again shortly, a bounded number of times.
    if (r.status !== "approved" || attempt >= NOT_DUE_RETRIES) {
      log.warn("the guard did not carry out the request", { requestId, status: r.status, refused: r.refused });
      return finish(r.status, r.refused);
    }
    await sleep(NOT_DUE_PAUSE);
  }
  await announce("cancelled");
  return finish("cancelled");
}
