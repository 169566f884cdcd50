// /api/v1 routes: erasing items from backups (e.g. a data-subject request under the GDPR).
// The vault's copy is under a compliance lock no one can lift, so erasure hides and scrubs the
// catalogue instead; since that is as destructive as the product allows, it is always a guarded request.
import { GuardedRequestView, requestErasure, RequestErasureInput } from "@holdfast/services";
import { defineRoute, type Route } from "../route";
import { REQUESTED_202 } from "./guard";

/** What erasure does and what stays; docs/api.md and the console's dialog say the same in their own words. */
export const ERASURE_NOTE =
  "Once carried out, every version of each item is hidden from browsing, search, previews, downloads, restores and exports, and its name, path and metadata are scrubbed from the catalogue (shown as `(erased)`). The encrypted copy in the vault cannot be deleted early (it is under a compliance lock); it stays locked, unreadable through Holdfast, until its retention date and is then deleted with everything else that expires.";

export const erasureRoutes: readonly Route[] = [
  defineRoute({
    method: "POST",
    path: "/erasures",
    operationId: "requestErasure",
    summary: "Erase items from backups",
    description: `Requires the admin role. Asks for 1–1000 items (ids from GET /items) to be erased from the organisation's backups, with the reason for it (kept with the request and in the audit log). ${ERASURE_NOTE} Erasure is never done at once: it becomes a guarded request (202), announced to every owner, admin and guardian, and carried out only once a second person approves it in the console with a fresh code from their authenticator app and the cooling-off delay has passed; until then nothing is hidden and anyone told of it can cancel it (POST /guarded-requests/{id}/cancel). 404 names any item that is unknown (another organisation's items are unknown); 409 names one that is already erased; 503 when the job runner cannot take the request (nothing changes). Audited.`,
    tag: "Items",
    body: RequestErasureInput,
    response: { status: 202, description: REQUESTED_202, schema: GuardedRequestView },
    errors: [400, 403, 404, 409, 503],
    handle: (ctx, { body }, env) => requestErasure(ctx, body, { guard: env.jobs }),
  }),
];
