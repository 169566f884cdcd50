import { bigint, index, integer, jsonb, pgEnum, pgTable, timestamp, uuid } from "drizzle-orm/pg-core";
import { tenantPolicy } from "./_rls";
import { organizations } from "./organizations";

export const VAULT_DRILL_STATUSES = ["running", "passed", "failed"] as const;
export const vaultDrillStatus = pgEnum("vault_drill_status", VAULT_DRILL_STATUSES);
export type VaultDrillStatus = (typeof VAULT_DRILL_STATUSES)[number];

/**
 * A restore drill of a tenant's vault (issue 7's verifyVault): a sample of packs verified in full,
 * a sample of items restored into a scratch location (never the customer's account) and their
 * hashes compared with the catalogue; pass/fail and the measured restore time.
 */
export const vaultDrills = pgTable(
  "vault_drills",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => organizations.id, { onDelete: "restrict" }),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    status: vaultDrillStatus("status").notNull().default("running"),
    snapshotsChecked: integer("snapshots_checked").notNull().default(0),
    packsChecked: integer("packs_checked").notNull().default(0),
    itemsSampled: integer("items_sampled").notNull().default(0),
    itemsMatched: integer("items_matched").notNull().default(0),
    bytesRestored: bigint("bytes_restored", { mode: "number" }).notNull().default(0),
    /** Wall time of the sample restore, in milliseconds. */
    restoreMs: integer("restore_ms"),
    /** What went wrong, each naming its object or item (the first few). */
    problems: jsonb("problems").$type<{ object: string; problem: string }[]>().notNull().default([]),
  },
  (t) => [index("vault_drills_tenant_started_idx").on(t.tenantId, t.startedAt), tenantPolicy("vault_drills")],
).enableRLS();

export type VaultDrill = typeof vaultDrills.$inferSelect;
