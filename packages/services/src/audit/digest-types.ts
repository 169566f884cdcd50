// Boundary schemas for signed audit digests (issue 7; docs/audit-chain.md, docs/vault-format.md §14).
import { z } from "zod";

export const AUDIT_DIGEST_FORMAT = "holdfast-audit-digest-v1";
export const AUDIT_SIGNING_KEY_FORMAT = "holdfast-audit-signing-key-v1";
export const AUDIT_EVENT_EXPORT_FORMAT = "holdfast-audit-event-v1";
/** Where digests and the public key live in the tenant's vault bucket. */
export const AUDIT_SIGNING_KEY_OBJECT = "audit/signing-key.json";
export const auditDigestObjectKey = (day: string) => `audit/digests/${day}.json`;
/** Compliance lock on every digest (and, extended with each one, on the public key). */
export const AUDIT_DIGEST_RETENTION_YEARS = 7;

export const AuditDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a UTC day, YYYY-MM-DD")
  .refine((d) => new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), "must be a real calendar day");
export type AuditDay = z.infer<typeof AuditDay>;

/** The signed payload, field order fixed: it is serialised with JSON.stringify exactly like this. */
export const AuditDigestPayload = z.object({
  format: z.literal(AUDIT_DIGEST_FORMAT),
  tenantId: z.string().uuid(),
  day: AuditDay,
  /** First seq of the day; `toSeq + 1` on a day with no events. */
  fromSeq: z.number().int(),
  /** The greatest seq of an event that occurred before the day's end (0 before the first event). */
  toSeq: z.number().int(),
  eventCount: z.number().int(),
  /** The hash of event `toSeq` (64 zeros when there is none). */
  lastHash: z.string(),
  /** Raw Ed25519 public key, base64. */
  publicKey: z.string(),
  createdAt: z.string().datetime(),
});
export type AuditDigestPayload = z.infer<typeof AuditDigestPayload>;

export const AuditDigest = z.object({
  day: AuditDay,
  fromSeq: z.number().int(),
  toSeq: z.number().int(),
  eventCount: z.number().int(),
  lastHash: z.string(),
  vaultKey: z.string().describe("The object key in the organisation's vault bucket"),
  lockedUntil: z.string().datetime().describe("Compliance lock of the vault object"),
  createdAt: z.string().datetime(),
});
export type AuditDigest = z.infer<typeof AuditDigest>;

export const AuditDigestList = z.object({
  items: z.array(AuditDigest).describe("Newest day first"),
  publicKey: z.string().nullable().describe("The organisation's Ed25519 public key (raw, base64); null before the first digest"),
});
export type AuditDigestList = z.infer<typeof AuditDigestList>;

export const ListAuditDigestsInput = z.object({ limit: z.coerce.number().int().min(1).max(400).default(90) });
export type ListAuditDigestsInput = z.input<typeof ListAuditDigestsInput>;

export const GetAuditDigestInput = z.object({ day: AuditDay });
export type GetAuditDigestInput = z.infer<typeof GetAuditDigestInput>;

/** Exactly what is written to the vault as `audit/digests/<day>.json`. */
export const SignedAuditDigest = z.object({
  payload: z.string().describe("The signed canonical JSON (an AuditDigestPayload), byte for byte"),
  signature: z.string().describe("Ed25519 signature of the payload's UTF-8 bytes, base64"),
});
export type SignedAuditDigest = z.infer<typeof SignedAuditDigest>;
