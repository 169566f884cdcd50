// /api/v1 routes: guarded requests (docs/adr/0020-guarded-requests.md). An API key may list, read
// and cancel requests and ask for guarded changes; it can never approve one, because approval
// needs a person with a fresh second factor (the console). A change that only asks answers 202.
import {
  CancelGuardedRequestInput,
  cancelGuardedRequest,
  getGuardedRequest,
  getGuardSettings,
  GuardedRequestView,
  listGuardedRequests,
  ListGuardedRequestsInput,
  SetGuardDelayInput,
  setGuardDelay,
  setGuardian,
  type Guarded,
  type GuardSettings as GuardSettingsView,
} from "@holdfast/services";
import { z } from "zod";
import { defineRoute, withStatus, type Route } from "../route";
import { IdParams } from "../schemas";

export const GUARD_TAG = "Guarded requests";

export const GuardSettings = z.object({
  delayHours: z.number().int().describe("The organisation's own cooling-off delay, in hours"),
  effectiveDelaySeconds: z.number().int().describe("What a request made now waits after approval: the organisation's delay, or the platform's floor if that is longer"),
});
export const GuardianChange = z.object({ userId: z.string().uuid(), guardian: z.boolean() });

/** The answer of a change that may have to wait: applied at once, or asked for as a guarded request. */
export const Applied = <T extends z.ZodType>(result: T) => z.object({ outcome: z.literal("applied"), result });
export const Requested = z.object({ outcome: z.literal("requested"), request: GuardedRequestView });
export const guardedOutcome = <T extends z.ZodType>(result: T) => z.discriminatedUnion("outcome", [Applied(result), Requested]);

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _schemasMatchViews: [Same<z.output<typeof GuardSettings>, GuardSettingsView>, Same<z.output<ReturnType<typeof guardedOutcome<typeof GuardianChange>>>, Guarded<z.output<typeof GuardianChange>>>] = [true, true];
void _schemasMatchViews;

/** 200 with the result when the change applied at once, 202 with the request when it was only asked for. */
export const answerGuarded = <T>(g: Guarded<T>) => (g.outcome === "requested" ? withStatus(202, g) : g);

export const REQUESTED_202 = "Asked for: the change is a guarded request, announced to every owner, admin and guardian; it runs once a second person approves it in the console and the cooling-off delay has passed";

const ListQuery = z.object({ filter: ListGuardedRequestsInput.shape.filter.describe("`open` (default): pending or approved, not yet run; `all`: history too") });
const UserIdParams = z.object({ userId: z.uuid({ error: "must be a user id (a UUID)" }) });
const GuardianBody = z.object({ guardian: z.boolean().describe("true to make the member a guardian, false to stop them being one") }).strict();

const NO_APPROVAL =
  "There is no approve operation: approval needs a person (an owner, admin or guardian other than the requester) with a fresh code from their authenticator app, so it is done in the console, never with an API key.";

export const guardRoutes: readonly Route[] = [
  defineRoute({
    method: "GET",
    path: "/guarded-requests",
    operationId: "listGuardedRequests",
    summary: "List guarded requests",
    description: `The organisation's guarded requests, newest first: by default the open ones (pending approval, or approved and waiting out the delay). ${NO_APPROVAL}`,
    tag: GUARD_TAG,
    query: ListQuery,
    response: { status: 200, description: "The requests", schema: z.object({ items: z.array(GuardedRequestView) }) },
    errors: [400, 403],
    handle: async (ctx, { query }) => ({ items: await listGuardedRequests(ctx, { filter: query.filter }) }),
  }),
  defineRoute({
    method: "GET",
    path: "/guarded-requests/{id}",
    operationId: "getGuardedRequest",
    summary: "Get a guarded request",
    description: "One guarded request with its status, who asked, who approved or cancelled it, when it may run and when it lapses.",
    tag: GUARD_TAG,
    params: IdParams,
    response: { status: 200, description: "The request", schema: GuardedRequestView },
    errors: [400, 403, 404],
    handle: (ctx, { params }) => getGuardedRequest(ctx, params.id),
  }),
  defineRoute({
    method: "POST",
    path: "/guarded-requests/{id}/cancel",
    operationId: "cancelGuardedRequest",
    summary: "Cancel a guarded request",
    description:
      "Cancels a request that has not run yet (pending or approved); nothing it would have changed is changed. Needs an admin key, or the key that asked for it. 409 when the request has already ended (executed, failed, expired or cancelled).",
    tag: GUARD_TAG,
    params: IdParams,
    body: CancelGuardedRequestInput,
    response: { status: 200, description: "The cancelled request", schema: GuardedRequestView },
    errors: [400, 403, 404, 409],
    handle: (ctx, { params, body }, env) => cancelGuardedRequest(ctx, params.id, body, env.jobs),
  }),
  defineRoute({
    method: "GET",
    path: "/guard-settings",
    operationId: "getGuardSettings",
    summary: "Get the cooling-off delay",
    description: "How long an approved guarded request waits before it runs.",
    tag: GUARD_TAG,
    response: { status: 200, description: "The delay", schema: GuardSettings },
    errors: [403],
    handle: (ctx) => getGuardSettings(ctx),
  }),
  defineRoute({
    method: "PUT",
    path: "/guard-settings",
    operationId: "setGuardDelay",
    summary: "Set the cooling-off delay",
    description:
      "Lengthening the delay applies at once (200). Shortening it weakens protection, so it is itself a guarded request (202). 503 when the job runner cannot take the request (nothing changes). Requires the owner role.",
    tag: GUARD_TAG,
    body: SetGuardDelayInput,
    response: { status: 200, description: "Applied: the new delay", schema: Applied(GuardSettings) },
    alternative: { status: 202, description: REQUESTED_202, schema: Requested },
    errors: [400, 403, 409, 503],
    handle: async (ctx, { body }, env) => answerGuarded(await setGuardDelay(ctx, body, { guard: env.jobs }, { publicUrl: env.publicUrl })),
  }),
  defineRoute({
    method: "PUT",
    path: "/members/{userId}/guardian",
    operationId: "setGuardian",
    summary: "Make a member a guardian, or stop them being one",
    description:
      "A guardian may approve and cancel guarded requests without being an administrator. Adding or removing one is a guarded request (202); asking for what is already so answers 200. 503 when the job runner cannot take the request. Requires the admin role.",
    tag: GUARD_TAG,
    params: UserIdParams,
    body: GuardianBody,
    response: { status: 200, description: "Nothing to change: the member already is (or is not) a guardian", schema: Applied(GuardianChange) },
    alternative: { status: 202, description: REQUESTED_202, schema: Requested },
    errors: [400, 403, 404, 409, 503],
    handle: async (ctx, { params, body }, env) => answerGuarded(await setGuardian(ctx, { userId: params.userId, guardian: body.guardian }, { guard: env.jobs })),
  }),
];
