// A closed organisation (issue 7; `organization.close`, a guarded request) keeps its members, its
// audit log and its backups, readable and exportable until their retention dates; nothing new is
// connected, backed up, invited or keyed. Every verb that would add something asks here first.
import { eq, organizations, type Tx } from "@holdfast/db";
import { DomainError, notFound } from "../errors";

/** `details.reason` lets a client tell this refusal from another conflict without reading the message. */
export const ORGANIZATION_CLOSED = "organization_closed";

/** The 409 every refused verb answers, naming the day it was closed and what still works. */
export function organizationClosedError(tenantId: string, closedAt: Date, refused: string): DomainError {
  return new DomainError(
    "CONFLICT",
    `The organisation was closed on ${closedAt.toISOString().slice(0, 10)}; ${refused}. Its backups stay readable and exportable until their retention dates; a closed organisation cannot be reopened (sign up again to start a new one).`,
    { reason: ORGANIZATION_CLOSED, organizationId: tenantId, closedAt: closedAt.toISOString() },
  );
}

/**
 * Throws `organizationClosedError` when the tenant is closed. The row is read FOR SHARE: a closure
 * being applied waits for this transaction (so the source or key it adds is then removed or revoked
 * with the others), and one already applying makes this wait and then see it closed.
 */
export async function refuseIfOrganizationClosed(tx: Tx, tenantId: string, refused: string): Promise<void> {
  const [org] = await tx.select({ closedAt: organizations.closedAt }).from(organizations).where(eq(organizations.id, tenantId)).for("share");
  if (!org) throw notFound("Organization");
  if (org.closedAt) throw organizationClosedError(tenantId, org.closedAt, refused);
}
