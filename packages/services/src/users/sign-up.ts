import { hashPassword } from "@holdfast/auth";
import { users, type Database } from "@holdfast/db";
import { conflict } from "../errors";
import { createOrganization } from "../organizations/create";
import { SignUpInput } from "../types";

/** A new person and their organisation, with them as its owner. */
export async function signUp(db: Database, raw: SignUpInput, meta: { requestId?: string; ip?: string } = {}) {
  const input = SignUpInput.parse(raw);
  const passwordHash = await hashPassword(input.password);
  const inserted = await db
    .insert(users)
    .values({ email: input.email, name: input.name ?? null, passwordHash })
    .onConflictDoNothing()
    .returning({ id: users.id });
  const user = inserted[0];
  // Deliberately vague: "this email is registered" would let anyone probe for accounts.
  if (!user) throw conflict("Could not create an account with these details. If you already have one, sign in.");
  const organization = await createOrganization(db, {
    name: input.organizationName,
    ownerUserId: user.id,
    actor: { type: "user", id: user.id },
    requestId: meta.requestId,
  });
  return { userId: user.id, organization };
}
