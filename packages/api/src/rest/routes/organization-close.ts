// /api/v1 routes: closing the organisation. It ends every source's protection and every key at
// once, so it is always a guarded request (202), and it cannot be undone; the backups outlive it.
import { closeOrganization, CloseOrganizationInput, GuardedRequestView } from "@holdfast/services";
import { defineRoute, type Route } from "../route";
import { REQUESTED_202 } from "./guard";

/** What closing does and what stays; docs/api.md and the console's danger zone say the same in their own words. */
export const CLOSE_ORGANIZATION_NOTE =
  "Once carried out, the organisation is closed for good (`closedAt` is set; it cannot be reopened): every source is removed (its schedule stops and Holdfast deletes the credentials it held for the provider), every API key is revoked (the one that asked included), and from then on no source can be connected, no one invited and no API key created (409). Its backups are not deleted: members can still sign in to browse, search and export them until each one's retention date passes, and a legal hold keeps them longer.";

export const organizationCloseRoutes: readonly Route[] = [
  defineRoute({
    method: "POST",
    path: "/organization/close",
    operationId: "closeOrganization",
    summary: "Close the organisation",
    description: `Requires the owner role (an API key made by an owner with role \`owner\`). \`confirmName\` must be the organisation's name exactly, as a check that the right organisation is meant (400 otherwise). ${CLOSE_ORGANIZATION_NOTE} Closing is never done at once: it becomes a guarded request (202), announced to every owner, admin and guardian, and carried out only once a second person approves it in the console with a fresh code from their authenticator app and the cooling-off delay has passed; until then nothing changes and anyone told of it can cancel it (POST /guarded-requests/{id}/cancel). 409 when the organisation is already closed (or its closure is already waiting); 503 when the job runner cannot take the request (nothing changes). Audited.`,
    tag: "Organizations",
    body: CloseOrganizationInput,
    response: { status: 202, description: REQUESTED_202, schema: GuardedRequestView },
    errors: [400, 403, 409, 503],
    handle: (ctx, { body }, env) => closeOrganization(ctx, body, { guard: env.jobs }),
  }),
];
