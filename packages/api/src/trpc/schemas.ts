// Output shapes that have no counterpart in @holdfast/services/types (everything else reuses those).
import { z } from "zod";
import { Role } from "@holdfast/services";

/** `signInWith`: a password (with Holdfast's TOTP), or the organisation's Google / Microsoft account (ADR 0016). */
export const Profile = z.object({ id: z.string().uuid(), email: z.string(), name: z.string().nullable(), mfaEnabled: z.boolean(), signInWith: z.enum(["password", "google", "microsoft"]) });
export type Profile = z.infer<typeof Profile>;

export const TotpEnrolment = z.object({ secret: z.string(), uri: z.string() });
export type TotpEnrolment = z.infer<typeof TotpEnrolment>;

export const TotpCode = z.object({ code: z.string().trim().regex(/^\d{6}$/, "must be the 6-digit code from your app") });

export const InvitationToken = z.object({ token: z.string().trim().min(1).max(500) });

export const AcceptedInvitation = z.object({ tenantId: z.string().uuid(), role: Role });

export const SignedUp = z.object({ organizationId: z.string().uuid() });

export const ById = z.object({ id: z.string().min(1).max(100) });
export const ByUserId = z.object({ userId: z.string().min(1).max(100) });

export const Revoked = z.object({ revoked: z.literal(true) });
export const Enabled = z.object({ enabled: z.literal(true) });
export const RoleChanged = z.object({ userId: z.string().uuid(), role: Role });
