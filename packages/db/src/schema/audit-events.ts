import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { tenantPolicy } from "./_rls";
import { organizations } from "./organizations";

export const ACTOR_TYPES = ["user", "api_key", "system", "operator"] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

/**
 * Append-only, hash-chained audit log. `seq`, `prev_hash`, `hash` and `occurred_at` are set by
 * the BEFORE INSERT trigger `audit_events_chain` (see the 0002 migration and docs/audit-chain.md);
 * the application role may only INSERT and SELECT.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => organizations.id, { onDelete: "restrict" }),
    // Assigned by the trigger; a value supplied by the application is rejected.
    seq: bigint("seq", { mode: "number" }).notNull().default(sql`NULL`),
    occurredAt: timestamp("occurred_at", { withTimezone: true, precision: 6 }).notNull().defaultNow(),
    actorType: text("actor_type", { enum: ACTOR_TYPES }).notNull(),
    actorId: text("actor_id"),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    requestId: text("request_id"),
    ip: text("ip"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    prevHash: text("prev_hash").notNull().default(sql`NULL`),
    hash: text("hash").notNull().default(sql`NULL`),
  },
  (t) => [
    uniqueIndex("audit_events_tenant_seq_key").on(t.tenantId, t.seq),
    index("audit_events_tenant_time_idx").on(t.tenantId, t.occurredAt),
    tenantPolicy("audit_events"),
  ],
).enableRLS();

export type AuditEvent = typeof auditEvents.$inferSelect;

/**
 * A tenant's Ed25519 key for signing daily audit digests (issue 7). The private key is sealed with
 * the KEK; the public key is also written into the tenant's vault, so a digest can be verified
 * offline from the vault alone. Never updated or deleted by the application.
 */
export const auditSigningKeys = pgTable(
  "audit_signing_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => organizations.id, { onDelete: "restrict" }),
    /** Raw 32-byte Ed25519 public key, base64. */
    publicKey: text("public_key").notNull(),
    /** The PKCS#8 private key, sealed with the KEK (purpose `audit-signing:{tenantId}`). */
    privateKeyEnc: text("private_key_enc").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("audit_signing_keys_tenant_key").on(t.tenantId), tenantPolicy("audit_signing_keys")],
).enableRLS();

/**
 * A signed daily digest of a tenant's audit chain: the last event of the day (seq and hash) and the
 * count, signed with the tenant's key and written into its vault under a compliance lock.
 */
export const auditDigests = pgTable(
  "audit_digests",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => organizations.id, { onDelete: "restrict" }),
    /** The UTC day covered, YYYY-MM-DD. */
    day: text("day").notNull(),
    fromSeq: bigint("from_seq", { mode: "number" }).notNull(),
    toSeq: bigint("to_seq", { mode: "number" }).notNull(),
    eventCount: integer("event_count").notNull(),
    lastHash: text("last_hash").notNull(),
    /** The exact signed bytes (canonical JSON), as written to the vault. */
    payload: text("payload").notNull(),
    /** Ed25519 signature over `payload`, base64. */
    signature: text("signature").notNull(),
    vaultKey: text("vault_key").notNull(),
    lockedUntil: timestamp("locked_until", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("audit_digests_tenant_day_key").on(t.tenantId, t.day), tenantPolicy("audit_digests")],
).enableRLS();
