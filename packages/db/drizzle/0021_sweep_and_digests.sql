CREATE TYPE "public"."retention_sweep_status" AS ENUM('running', 'completed', 'failed');--> statement-breakpoint
ALTER TYPE "public"."snapshot_status" ADD VALUE 'expired';--> statement-breakpoint
CREATE TABLE "audit_digests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"day" text NOT NULL,
	"from_seq" bigint NOT NULL,
	"to_seq" bigint NOT NULL,
	"event_count" integer NOT NULL,
	"last_hash" text NOT NULL,
	"payload" text NOT NULL,
	"signature" text NOT NULL,
	"vault_key" text NOT NULL,
	"locked_until" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_digests" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "audit_signing_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"public_key" text NOT NULL,
	"private_key_enc" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_signing_keys" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "retention_sweeps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"status" "retention_sweep_status" DEFAULT 'running' NOT NULL,
	"expired_snapshots" integer DEFAULT 0 NOT NULL,
	"held_extended" integer DEFAULT 0 NOT NULL,
	"gc_report" jsonb,
	"error" text
);
--> statement-breakpoint
ALTER TABLE "retention_sweeps" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "snapshots" ADD COLUMN "expired_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "audit_digests" ADD CONSTRAINT "audit_digests_tenant_id_organizations_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_signing_keys" ADD CONSTRAINT "audit_signing_keys_tenant_id_organizations_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retention_sweeps" ADD CONSTRAINT "retention_sweeps_tenant_id_organizations_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "audit_digests_tenant_day_key" ON "audit_digests" USING btree ("tenant_id","day");--> statement-breakpoint
CREATE UNIQUE INDEX "audit_signing_keys_tenant_key" ON "audit_signing_keys" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "retention_sweeps_tenant_started_idx" ON "retention_sweeps" USING btree ("tenant_id","started_at");--> statement-breakpoint
CREATE POLICY "audit_digests_tenant_isolation" ON "audit_digests" AS PERMISSIVE FOR ALL TO "holdfast_app" USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());--> statement-breakpoint
CREATE POLICY "audit_signing_keys_tenant_isolation" ON "audit_signing_keys" AS PERMISSIVE FOR ALL TO "holdfast_app" USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());--> statement-breakpoint
CREATE POLICY "retention_sweeps_tenant_isolation" ON "retention_sweeps" AS PERMISSIVE FOR ALL TO "holdfast_app" USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());