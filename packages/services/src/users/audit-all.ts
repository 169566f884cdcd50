import { eq, memberships, withTenant, withUser, type Database } from "@holdfast/db";
import { audit } from "../context";

/** User-level events (sign-in, MFA changes) are recorded in every organisation the user belongs to. */
export async function auditUserEvent(db: Database, userId: string, action: string, meta: { requestId?: string; ip?: string; metadata?: Record<string, unknown> } = {}) {
  const tenants = await withUser(db, userId, (tx) => tx.select({ tenantId: memberships.tenantId }).from(memberships).where(eq(memberships.userId, userId)));
  for (const { tenantId } of tenants) {
    await withTenant(db, tenantId, (tx) =>
      audit(tx, { tenantId, actor: { type: "user", id: userId }, requestId: meta.requestId, ip: meta.ip }, action, { type: "user", id: userId }, meta.metadata),
    );
  }
}
