import { hashPassword, verifyPassword } from "@holdfast/auth";
import { eq, organizations, sql, users, withTenant, type Database } from "@holdfast/db";
import { insertApiKey } from "../api-keys/create";
import type { Actor } from "../context";
import { conflict, notFound, validation } from "../errors";
import type { Organization } from "../types";
import { createOrganization } from "./create";

export interface BootstrapOrganizationInput {
  name: string;
  ownerEmail: string;
  ownerPassword: string;
  kind: "customer" | "partner";
  parentId?: string;
  actor: Actor;
}

/** An existing user is reused only when the password given is theirs. */
async function findOrCreatePasswordUser(db: Database, email: string, password: string): Promise<{ id: string; created: boolean }> {
  const [existing] = await db.select().from(users).where(sql`lower(${users.email}) = ${email}`);
  if (existing) {
    if (!existing.passwordHash || !(await verifyPassword(existing.passwordHash, password))) {
      throw conflict(`A user with email ${email} already exists and the password given is not theirs. Pass their current password to make them the owner, or use another email.`);
    }
    return { id: existing.id, created: false };
  }
  const [inserted] = await db.insert(users).values({ email, passwordHash: await hashPassword(password) }).onConflictDoNothing().returning({ id: users.id });
  if (!inserted) throw conflict(`A user with email ${email} was created concurrently; try again.`);
  return { id: inserted.id, created: true };
}

async function assertPartner(db: Database, parentId: string): Promise<void> {
  const [parent] = await withTenant(db, parentId, (tx) => tx.select({ kind: organizations.kind }).from(organizations).where(eq(organizations.id, parentId)));
  if (!parent) throw notFound(`Parent organisation ${parentId}`);
  if (parent.kind !== "partner") throw validation(`Parent organisation ${parentId} is not a partner organisation; create partners as kind "partner".`);
}

/**
 * Operator bootstrap (the `holdfast admin org create` CLI): an organisation, its owner (new, or
 * an existing user proven by password) and an owner-role API key shown once. Three transactions:
 * a failure after the organisation exists leaves it keyless, which the owner can fix by signing in.
 */
export async function bootstrapOrganization(db: Database, input: BootstrapOrganizationInput): Promise<{ organization: Organization; ownerUserId: string; ownerCreated: boolean; apiKey: string }> {
  if (input.parentId) await assertPartner(db, input.parentId);
  const owner = await findOrCreatePasswordUser(db, input.ownerEmail, input.ownerPassword);
  const organization = await createOrganization(db, {
    name: input.name,
    ownerUserId: owner.id,
    kind: input.kind,
    ...(input.parentId ? { parentId: input.parentId } : {}),
    actor: input.actor,
  });
  // Not announced: the organisation is being born with this key, and its owner is the one handed it.
  const { key } = await insertApiKey({ db, tenantId: organization.id, actor: input.actor, role: "owner" }, { name: "Owner key (holdfast CLI)", role: "owner" });
  return { organization, ownerUserId: owner.id, ownerCreated: owner.created, apiKey: key };
}
