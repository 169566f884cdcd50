// Boundary schemas shared by tRPC, REST and the OpenAPI document (one name for schema and type).
import { z } from "zod";

export const Role = z.enum(["owner", "admin", "operator", "viewer"]);
export type Role = z.infer<typeof Role>;

export const Email = z.string().trim().toLowerCase().email("must be an email address").max(254);
export const Password = z.string().min(10, "must be at least 10 characters").max(256, "must be at most 256 characters");

export const Organization = z.object({
  id: z.string().uuid(),
  name: z.string(),
  kind: z.enum(["customer", "partner"]),
  parentId: z.string().uuid().nullable(),
  createdAt: z.string().datetime(),
  /** Set once an `organization.close` request ran: nothing new is connected, backed up, invited or keyed; its backups stay readable until their retention dates. */
  closedAt: z.string().datetime().nullable(),
});
export type Organization = z.infer<typeof Organization>;

/** `selfService`: not a member; the user signed in with a protected directory and sees only their own data (ADR 0016). */
export const OrganizationMembership = Organization.extend({ role: Role, selfService: z.boolean() });
export type OrganizationMembership = z.infer<typeof OrganizationMembership>;

export const Member = z.object({
  id: z.string().uuid(),
  userId: z.string().uuid(),
  email: z.string(),
  name: z.string().nullable(),
  role: Role,
  mfaEnabled: z.boolean(),
  /** May approve and cancel guarded requests whatever their role (docs/adr/0020-guarded-requests.md). */
  guardian: z.boolean(),
  /** Since when they may approve guarded requests (owner, admin or guardian); null if they may not. */
  approverSince: z.string().datetime().nullable(),
  createdAt: z.string().datetime(),
});
export type Member = z.infer<typeof Member>;

export const Invitation = z.object({
  id: z.string().uuid(),
  email: z.string(),
  role: Role,
  createdAt: z.string().datetime(),
  expiresAt: z.string().datetime(),
  acceptedAt: z.string().datetime().nullable(),
  revokedAt: z.string().datetime().nullable(),
});
export type Invitation = z.infer<typeof Invitation>;

export const ApiKey = z.object({
  id: z.string().uuid(),
  name: z.string(),
  prefix: z.string(),
  role: Role,
  createdAt: z.string().datetime(),
  lastUsedAt: z.string().datetime().nullable(),
  expiresAt: z.string().datetime().nullable(),
  revokedAt: z.string().datetime().nullable(),
});
export type ApiKey = z.infer<typeof ApiKey>;

export const CreateApiKeyInput = z.object({
  name: z.string().trim().min(1, "must not be empty").max(100),
  role: Role.default("viewer"),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export type CreateApiKeyInput = z.input<typeof CreateApiKeyInput>;

export const CreatedApiKey = z.object({ apiKey: ApiKey, key: z.string().describe("The full key. It is shown once and cannot be retrieved again.") });
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;

export const AuditEvent = z.object({
  id: z.string().uuid(),
  seq: z.number().int(),
  occurredAt: z.string().datetime(),
  actorType: z.enum(["user", "api_key", "system", "operator"]),
  actorId: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  hash: z.string(),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

export const ListAuditEventsInput = z.object({
  cursor: z.string().regex(/^\d+$/, "must be a cursor returned by a previous page").optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  action: z.string().max(100).optional(),
  actorId: z.string().max(100).optional(),
});
export type ListAuditEventsInput = z.input<typeof ListAuditEventsInput>;

export const AuditEventPage = z.object({ items: z.array(AuditEvent), nextCursor: z.string().nullable() });
export type AuditEventPage = z.infer<typeof AuditEventPage>;

export const InviteMemberInput = z.object({ email: Email, role: Role });
export type InviteMemberInput = z.infer<typeof InviteMemberInput>;

export const ChangeRoleInput = z.object({ userId: z.string().uuid(), role: Role });
export type ChangeRoleInput = z.infer<typeof ChangeRoleInput>;

export const SignUpInput = z.object({
  email: Email,
  password: Password,
  name: z.string().trim().min(1).max(100).optional(),
  organizationName: z.string().trim().min(1, "must not be empty").max(100),
});
export type SignUpInput = z.infer<typeof SignUpInput>;

export const iso = (d: Date) => d.toISOString();
export const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);
