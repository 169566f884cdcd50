import { randomUUID } from "node:crypto";
import { type Database, memberships, organizations, sql, type Tx, withTenant } from "@holdfast/db";
import { audit, type Actor } from "../context";
import { toOrganization } from "./map";

export interface CreateOrganizationInput {
  name: string;
  ownerUserId: string;
  kind?: "customer" | "partner";
  /** A partner organisation that manages this one. */
  parentId?: string;
  actor: Actor;
  requestId?: string;
}

function switchTenant(tx: Tx, tenantId: string) {
  return tx.execute(sql`select set_config('app.tenant_id', ${tenantId}, true)`);
}

/** Creates a tenant with its first owner, in one transaction. Called by sign-up and by the operator CLI. */
export async function createOrganization(db: Database, input: CreateOrganizationInput) {
  const id = randomUUID();
  const meta = { actor: input.actor, requestId: input.requestId };
  // A partner's child is inserted from the partner's context (RLS allows parent_id = tenant).
  return withTenant(db, input.parentId ?? id, async (tx) => {
    const [org] = await tx
      .insert(organizations)
      .values({ id, name: input.name, kind: input.kind ?? "customer", parentId: input.parentId ?? null })
      .returning();
    if (!org) throw new Error("organization insert returned no row");
    if (input.parentId) {
      await audit(tx, { tenantId: input.parentId, ...meta }, "organization.child_created", { type: "organization", id }, { name: input.name });
      await switchTenant(tx, id);
    }
    await tx.insert(memberships).values({ tenantId: id, userId: input.ownerUserId, role: "owner" });
    await audit(tx, { tenantId: id, ...meta }, "organization.created", { type: "organization", id }, { name: input.name, kind: org.kind, parentId: org.parentId });
    await audit(tx, { tenantId: id, ...meta }, "member.added", { type: "user", id: input.ownerUserId }, { role: "owner" });
    return toOrganization(org);
  });
}
