CREATE TYPE "public"."export_format" AS ENUM('eml-zip', 'mbox', 'zip', 'ics', 'vcf', 'original');--> statement-breakpoint
CREATE TYPE "public"."restore_kind" AS ENUM('restore', 'export');--> statement-breakpoint
ALTER TYPE "public"."source_status" ADD VALUE 'pending_consent' BEFORE 'connected';--> statement-breakpoint
ALTER TYPE "public"."restore_outcome" ADD VALUE 'exported';--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"tenant_id" uuid NOT NULL,
	"principal" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status" integer,
	"body" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_tenant_id_principal_key_pk" PRIMARY KEY("tenant_id","principal","key")
);
--> statement-breakpoint
ALTER TABLE "idempotency_keys" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "sources" ADD COLUMN "auto_protect_new_units" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "sources" ADD COLUMN "external_account_id" text;--> statement-breakpoint
ALTER TABLE "sources" ADD COLUMN "consent_state_hash" text;--> statement-breakpoint
ALTER TABLE "sources" ADD COLUMN "consent_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sources" ADD COLUMN "connected_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "restore_jobs" ADD COLUMN "kind" "restore_kind" DEFAULT 'restore' NOT NULL;--> statement-breakpoint
ALTER TABLE "restore_jobs" ADD COLUMN "format" "export_format";--> statement-breakpoint
ALTER TABLE "restore_jobs" ADD COLUMN "export_object_key" text;--> statement-breakpoint
ALTER TABLE "restore_jobs" ADD COLUMN "export_bytes" bigint;--> statement-breakpoint
ALTER TABLE "restore_jobs" ADD COLUMN "export_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_tenant_id_organizations_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "restore_jobs" ADD CONSTRAINT "restore_jobs_export_has_format" CHECK ("restore_jobs"."kind" <> 'export' OR "restore_jobs"."format" IS NOT NULL);--> statement-breakpoint
CREATE POLICY "idempotency_keys_tenant_isolation" ON "idempotency_keys" AS PERMISSIVE FOR ALL TO "holdfast_app" USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());