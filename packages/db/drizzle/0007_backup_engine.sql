CREATE TYPE "public"."restore_conflict" AS ENUM('skip', 'copy', 'replace');--> statement-breakpoint
CREATE TYPE "public"."restore_outcome" AS ENUM('created', 'replaced', 'copied', 'skipped', 'failed');--> statement-breakpoint
CREATE TYPE "public"."restore_status" AS ENUM('queued', 'running', 'completed', 'completed_with_errors', 'failed', 'cancelled');--> statement-breakpoint
ALTER TYPE "public"."run_issue_reason" ADD VALUE 'disconnected';--> statement-breakpoint
CREATE TABLE "tenant_vaults" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"bucket" text NOT NULL,
	"vault_id" text NOT NULL,
	"writer_enc" text NOT NULL,
	"reader_enc" text NOT NULL,
	"gc_enc" text NOT NULL,
	"kms_key_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenant_vaults_bucket_unique" UNIQUE("bucket"),
	CONSTRAINT "tenant_vaults_sealed" CHECK ("tenant_vaults"."writer_enc" ~ '^v1\.' AND "tenant_vaults"."reader_enc" ~ '^v1\.' AND "tenant_vaults"."gc_enc" ~ '^v1\.')
);
--> statement-breakpoint
ALTER TABLE "tenant_vaults" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "restore_job_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"restore_id" uuid NOT NULL,
	"vault_snapshot_id" text NOT NULL,
	"vault_path" text NOT NULL,
	"external_id" text,
	"path" text,
	"outcome" "restore_outcome" NOT NULL,
	"new_external_id" text,
	"reason" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "restore_job_items_failed_has_reason" CHECK ("restore_job_items"."outcome" <> 'failed' OR "restore_job_items"."reason" IS NOT NULL)
);
--> statement-breakpoint
ALTER TABLE "restore_job_items" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "restore_jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"source_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"target_unit_id" uuid NOT NULL,
	"selection" jsonb NOT NULL,
	"as_of" timestamp with time zone NOT NULL,
	"conflict" "restore_conflict" DEFAULT 'skip' NOT NULL,
	"copy_folder" text NOT NULL,
	"status" "restore_status" DEFAULT 'queued' NOT NULL,
	"workflow_id" text,
	"created" integer DEFAULT 0 NOT NULL,
	"replaced" integer DEFAULT 0 NOT NULL,
	"copied" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"summary" text,
	"requested_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "restore_jobs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "attributes" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "tenant_vaults" ADD CONSTRAINT "tenant_vaults_tenant_id_organizations_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "restore_job_items" ADD CONSTRAINT "restore_job_items_tenant_id_organizations_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "restore_job_items" ADD CONSTRAINT "restore_job_items_restore_id_restore_jobs_id_fk" FOREIGN KEY ("restore_id") REFERENCES "public"."restore_jobs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "restore_jobs" ADD CONSTRAINT "restore_jobs_tenant_id_organizations_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "restore_jobs" ADD CONSTRAINT "restore_jobs_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "restore_jobs" ADD CONSTRAINT "restore_jobs_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "restore_jobs" ADD CONSTRAINT "restore_jobs_target_unit_id_units_id_fk" FOREIGN KEY ("target_unit_id") REFERENCES "public"."units"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "restore_jobs" ADD CONSTRAINT "restore_jobs_requested_by_user_id_users_id_fk" FOREIGN KEY ("requested_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "restore_job_items_ref_key" ON "restore_job_items" USING btree ("restore_id","vault_snapshot_id","vault_path");--> statement-breakpoint
CREATE INDEX "restore_jobs_tenant_created_idx" ON "restore_jobs" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE POLICY "tenant_vaults_tenant_isolation" ON "tenant_vaults" AS PERMISSIVE FOR ALL TO "holdfast_app" USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());--> statement-breakpoint
CREATE POLICY "restore_job_items_tenant_isolation" ON "restore_job_items" AS PERMISSIVE FOR ALL TO "holdfast_app" USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());--> statement-breakpoint
CREATE POLICY "restore_jobs_tenant_isolation" ON "restore_jobs" AS PERMISSIVE FOR ALL TO "holdfast_app" USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());