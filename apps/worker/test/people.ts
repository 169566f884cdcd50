// People and their mail for the guard's suites: someone who signed up with TOTP enrolled (invited
// into an organisation when given its owner), and the subjects of what the stack's SMTP sink holds
// for them.
import { randomBytes } from "node:crypto";
import { totpCode } from "@holdfast/auth";
import type { Database } from "@holdfast/db";
import { acceptInvitation, confirmTotpEnrolment, inviteMember, signUp, startTotpEnrolment, type TenantContext } from "@holdfast/services";

const mailApi = (process.env.MAIL_API_URL ?? "http://127.0.0.1:8025").replace(/\/+$/, "");

/** A person with TOTP: the owner of a new organisation, or (given `tenantOwner`) a member of theirs with `role`. `code()` is a fresh code. */
export async function enrolledPerson(db: Database, tenantOwner: TenantContext | null, label: string, role: "admin" | "viewer" = "admin") {
  const email = `${label}-${randomBytes(3).toString("hex")}@example.test`;
  const { userId, organization } = await signUp(db, { email, password: "a long enough password", organizationName: `${label} Ltd` });
  const { secret } = await startTotpEnrolment(db, userId);
  await confirmTotpEnrolment(db, userId, totpCode(secret));
  let tenantId = organization.id;
  if (tenantOwner) {
    const { token } = await inviteMember(tenantOwner, { email, role });
    await acceptInvitation(db, userId, token);
    tenantId = tenantOwner.tenantId;
  }
  const ctx: TenantContext = { db, tenantId, actor: { type: "user", id: userId }, role: tenantOwner ? role : "owner" };
  return { userId, email, ctx, code: () => totpCode(secret) };
}

/** The subjects of the mail sent to `email`, without the "[Holdfast] organisation: " prefix, sorted. */
export async function mailSubjects(email: string): Promise<string[]> {
  const res = await fetch(`${mailApi}/api/v1/search?query=${encodeURIComponent(`to:"${email}"`)}&limit=50`);
  const body = (await res.json()) as { messages: { Subject: string }[] };
  return body.messages.map((m) => m.Subject.replace(/^\[Holdfast\] [^:]+: /, "")).sort();
}
