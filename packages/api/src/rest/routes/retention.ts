// /api/v1 routes: retention policies and legal holds (docs/adr/0018-retention-policies.md). The
// verbs decide everything: reading needs the viewer role, changing the admin role, and any change
// that weakens protection (a shortening, a release) becomes a guarded request, answered with 202.
import {
  getRetention,
  LegalHoldRow,
  listLegalHoldRows,
  listRetentionOverrides,
  placeLegalHold,
  PlaceLegalHoldInput,
  releaseLegalHold,
  RetentionOverride,
  RetentionPolicy,
  RetentionScope,
  setRetentionPolicy,
  SetRetentionPolicyInput,
  type LegalHoldView,
  type RetentionChangeRequested,
  type RetentionView,
  type SetRetentionPolicyResult,
  GuardedRequestView,
} from "@holdfast/services";
import { z } from "zod";
import { defineRoute, withStatus, type Route } from "../route";
import { IdParams } from "../schemas";
import { REQUESTED_202, Requested } from "./guard";

// Wire schemas for the services' retention views (which are plain interfaces); the checks below
// fail to compile if a view gains a field its schema lacks, or the other way round.
export const LegalHold = LegalHoldRow.omit({ unitName: true });
export const Retention = z.object({
  effective: RetentionPolicy.describe("The policy that decides new backups' retain-until at this scope"),
  scope: z.enum(["default", ...RetentionScope.options]).describe("Where `effective` comes from: a unit or source override, the organisation's policy, or Holdfast's default"),
  organization: RetentionPolicy.nullable().describe("The organisation's own policy; null when it uses Holdfast's default"),
  source: RetentionPolicy.nullable().optional().describe("The source's override (present when a source or unit was asked about)"),
  unit: RetentionPolicy.nullable().optional().describe("The unit's override (present when a unit was asked about)"),
  legalHolds: z.array(LegalHold).describe("Active legal holds covering this scope"),
});
export const RetentionChange = z.object({
  outcome: z.literal("applied"),
  scope: RetentionScope,
  scopeId: z.string().uuid().nullable(),
  policy: RetentionPolicy,
  comparison: z.enum(["longer", "same"]).describe("How the saved policy compares with what was in force at that scope before"),
});

/** What setting a policy answers: saved at once, or (a shortening) asked for as a guarded request. */
export const RetentionOutcome = z.discriminatedUnion("outcome", [RetentionChange, Requested]);

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _schemasMatchViews: [Same<z.output<typeof LegalHold>, LegalHoldView>, Same<z.output<typeof Retention>, RetentionView>, Same<z.output<typeof RetentionChange>, SetRetentionPolicyResult>, Same<z.output<typeof Requested>, RetentionChangeRequested>] = [true, true, true, true];
void _schemasMatchViews;

export const RetentionQuery = z.object({
  sourceId: z.uuid({ error: "must be a source id (a UUID)" }).optional().describe("The retention in force for this source"),
  unitId: z.uuid({ error: "must be a unit id (a UUID)" }).optional().describe("The retention in force for this unit (with its source's and the organisation's beneath it)"),
});

const WEAKENING =
  "Shortening any rule weakens protection, so it is not applied: it becomes a guarded request (202, see the Guarded requests operations), which runs once a second person approves it in the console and the cooling-off delay has passed. 503 when the job runner cannot take the request (nothing changes).";

export const retentionRoutes: readonly Route[] = [
  defineRoute({
    method: "GET",
    path: "/retention",
    operationId: "getRetention",
    summary: "Get the retention in force",
    description:
      "The retention policy in force for the organisation, or for one source or unit, and where it comes from (unit override, source override, the organisation's policy, or Holdfast's default), with the active legal holds that cover it.",
    tag: "Retention",
    query: RetentionQuery,
    response: { status: 200, description: "The retention in force", schema: Retention },
    errors: [400, 403, 404],
    handle: (ctx, { query }) => getRetention(ctx, { ...(query.sourceId ? { sourceId: query.sourceId } : {}), ...(query.unitId ? { unitId: query.unitId } : {}) }),
  }),
  defineRoute({
    method: "GET",
    path: "/retention/overrides",
    operationId: "listRetentionOverrides",
    summary: "List retention overrides",
    description: "Every source and unit that has its own retention policy, with its name (and a unit's source's name): sources first, then units.",
    tag: "Retention",
    response: { status: 200, description: "The overrides", schema: z.object({ items: z.array(RetentionOverride) }) },
    errors: [403],
    handle: async (ctx) => ({ items: await listRetentionOverrides(ctx) }),
  }),
  defineRoute({
    method: "PUT",
    path: "/retention/policy",
    operationId: "setRetentionPolicy",
    summary: "Set a retention policy",
    description: `Sets the organisation's policy (\`scope: organization\`, no \`scopeId\`) or a source's or unit's override. A policy that keeps every rule as long or longer applies at once, to backups taken from then on. ${WEAKENING} Requires the admin role.`,
    tag: "Retention",
    body: SetRetentionPolicyInput,
    response: { status: 200, description: "Applied: the saved policy", schema: RetentionChange },
    alternative: { status: 202, description: REQUESTED_202, schema: Requested },
    errors: [400, 403, 404, 409, 503],
    handle: async (ctx, { body }, env) => {
      const r = await setRetentionPolicy(ctx, body, { publicUrl: env.publicUrl }, { guard: env.jobs });
      return r.outcome === "requested" ? withStatus(202, r) : r;
    },
  }),
  defineRoute({
    method: "GET",
    path: "/legal-holds",
    operationId: "listLegalHolds",
    summary: "List legal holds",
    description: "Every legal hold of the organisation, newest first, released ones included, each with the name of the unit it covers (null for an organisation-wide hold).",
    tag: "Retention",
    response: { status: 200, description: "The legal holds", schema: z.object({ items: z.array(LegalHoldRow) }) },
    errors: [403],
    handle: async (ctx) => ({ items: await listLegalHoldRows(ctx) }),
  }),
  defineRoute({
    method: "POST",
    path: "/legal-holds",
    operationId: "placeLegalHold",
    summary: "Place a legal hold",
    description: "Holds one unit (`unitId`) or, without one, the whole organisation: nothing the hold covers expires while it is held. Applies at once and is audited. Requires the admin role.",
    tag: "Retention",
    body: PlaceLegalHoldInput,
    response: { status: 201, description: "The hold", schema: LegalHold },
    errors: [400, 403, 404],
    handle: (ctx, { body }, env) => placeLegalHold(ctx, body, { publicUrl: env.publicUrl }),
  }),
  defineRoute({
    method: "POST",
    path: "/legal-holds/{id}/release",
    operationId: "releaseLegalHold",
    summary: "Release a legal hold",
    description:
      "Releasing a hold weakens protection, so it is not done at once: it becomes a guarded request (202), which releases the hold once a second person approves it in the console and the cooling-off delay has passed. 409 when the hold is already released (or a release of it is already waiting); 503 when the job runner cannot take the request (nothing changes). Requires the admin role.",
    tag: "Retention",
    params: IdParams,
    response: { status: 202, description: REQUESTED_202, schema: GuardedRequestView },
    errors: [400, 403, 404, 409, 503],
    handle: (ctx, { params }, env) => releaseLegalHold(ctx, params.id, { guard: env.jobs }),
  }),
];
