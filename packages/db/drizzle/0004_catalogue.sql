CREATE TYPE "public"."source_provider" AS ENUM('google', 'microsoft', 'salesforce', 'aws');--> statement-breakpoint
CREATE TYPE "public"."source_status" AS ENUM('connected', 'revoked', 'disconnected', 'error');--> statement-breakpoint
CREATE TYPE "public"."unit_protection" AS ENUM('auto', 'included', 'excluded');--> statement-breakpoint
CREATE TYPE "public"."unit_state" AS ENUM('active', 'suspended', 'deleted', 'gone');--> statement-breakpoint
CREATE TYPE "public"."run_status" AS ENUM('running', 'completed', 'completed_with_warnings', 'failed', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."run_trigger" AS ENUM('scheduled', 'on_demand');--> statement-breakpoint
CREATE TYPE "public"."run_issue_reason" AS ENUM('rate_limited', 'unsupported', 'permission', 'not_found', 'too_large', 'failed');--> statement-breakpoint
CREATE TYPE "public"."snapshot_status" AS ENUM('open', 'committed', 'failed');--> statement-breakpoint
CREATE TABLE "sources" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"provider" "source_provider" NOT NULL,
	"display_name" text NOT NULL,
	"status" "source_status" DEFAULT 'connected' NOT NULL,
	"credentials_enc" text,
	"schedule_times_per_day" integer DEFAULT 3 NOT NULL,
	"schedule_jitter_minutes" integer DEFAULT 30 NOT NULL,
	"schedule_timezone" text DEFAULT 'UTC' NOT NULL,
	"schedule_paused" boolean DEFAULT false NOT NULL,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sources_credentials_sealed" CHECK ("sources"."credentials_enc" IS NULL OR "sources"."credentials_enc" ~ '^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$'),
	CONSTRAINT "sources_schedule_times_per_day_range" CHECK ("sources"."schedule_times_per_day" BETWEEN 1 AND 24),
	CONSTRAINT "sources_schedule_jitter_range" CHECK ("sources"."schedule_jitter_minutes" BETWEEN 0 AND 720)
);
--> statement-breakpoint
ALTER TABLE "sources" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "units" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"source_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"external_id" text NOT NULL,
	"display_name" text NOT NULL,
	"owner_email" text,
	"owner_external_id" text,
	"state" "unit_state" DEFAULT 'active' NOT NULL,
	"protection" "unit_protection" DEFAULT 'auto' NOT NULL,
	"discovered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"cursor" text,
	"last_snapshot_id" uuid
);
--> statement-breakpoint
ALTER TABLE "units" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "backup_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"source_id" uuid NOT NULL,
	"unit_id" uuid,
	"trigger" "run_trigger" NOT NULL,
	"workflow_id" text NOT NULL,
	"status" "run_status" DEFAULT 'running' NOT NULL,
	"items_done" bigint DEFAULT 0 NOT NULL,
	"bytes_done" bigint DEFAULT 0 NOT NULL,
	"issue_count" integer DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"error_summary" text
);
--> statement-breakpoint
ALTER TABLE "backup_runs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "run_issues" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"run_id" uuid NOT NULL,
	"unit_id" uuid,
	"item_external_id" text,
	"path" text,
	"reason" "run_issue_reason" NOT NULL,
	"message" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "run_issues" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "snapshots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"run_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"vault_snapshot_id" text,
	"status" "snapshot_status" DEFAULT 'open' NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"committed_at" timestamp with time zone,
	"item_count" bigint DEFAULT 0 NOT NULL,
	"bytes" bigint DEFAULT 0 NOT NULL,
	"retain_until" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "snapshots" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"kind" text NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"deleted_seq" integer
);
--> statement-breakpoint
ALTER TABLE "items" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "item_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"version" text NOT NULL,
	"path" text NOT NULL,
	"name" text NOT NULL,
	"parent_path" text NOT NULL,
	"size" bigint,
	"content_sha256" text,
	"vault_snapshot_id" text,
	"vault_path" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"modified_at" timestamp with time zone,
	"captured_at" timestamp with time zone DEFAULT now() NOT NULL,
	"first_seq" integer NOT NULL,
	"superseded_at" timestamp with time zone,
	"last_seq" integer,
	"end_reason" text,
	"sender" text GENERATED ALWAYS AS (lower(coalesce(substring(coalesce("item_versions"."metadata" ->> 'from', "item_versions"."metadata" ->> 'organizer', "item_versions"."metadata" ->> 'owner') from '<([^<>]+)>'), "item_versions"."metadata" ->> 'from', "item_versions"."metadata" ->> 'organizer', "item_versions"."metadata" ->> 'owner'))) STORED,
	"search_tsv" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, regexp_replace("item_versions"."path" || ' ' || coalesce("item_versions"."metadata" ->> 'subject', '') || ' ' || coalesce("item_versions"."metadata" ->> 'from', '') || ' ' || coalesce("item_versions"."metadata" ->> 'owner', '') || ' ' || coalesce("item_versions"."metadata" ->> 'organizer', ''), '[^[:alnum:]]+', ' ', 'g'))) STORED NOT NULL,
	CONSTRAINT "item_versions_range_closed_together" CHECK (("item_versions"."superseded_at" IS NULL) = ("item_versions"."last_seq" IS NULL) AND ("item_versions"."superseded_at" IS NULL) = ("item_versions"."end_reason" IS NULL)),
	CONSTRAINT "item_versions_sha256_hex" CHECK ("item_versions"."content_sha256" IS NULL OR "item_versions"."content_sha256" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
ALTER TABLE "item_versions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "sources" ADD CONSTRAINT "sources_tenant_id_organizations_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sources" ADD CONSTRAINT "sources_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "units" ADD CONSTRAINT "units_tenant_id_organizations_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "units" ADD CONSTRAINT "units_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "units" ADD CONSTRAINT "units_last_snapshot_id_snapshots_id_fk" FOREIGN KEY ("last_snapshot_id") REFERENCES "public"."snapshots"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "backup_runs" ADD CONSTRAINT "backup_runs_tenant_id_organizations_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "backup_runs" ADD CONSTRAINT "backup_runs_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "backup_runs" ADD CONSTRAINT "backup_runs_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_issues" ADD CONSTRAINT "run_issues_tenant_id_organizations_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_issues" ADD CONSTRAINT "run_issues_run_id_backup_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."backup_runs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_issues" ADD CONSTRAINT "run_issues_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "snapshots" ADD CONSTRAINT "snapshots_tenant_id_organizations_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "snapshots" ADD CONSTRAINT "snapshots_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "snapshots" ADD CONSTRAINT "snapshots_run_id_backup_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."backup_runs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "items" ADD CONSTRAINT "items_tenant_id_organizations_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "items" ADD CONSTRAINT "items_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_versions" ADD CONSTRAINT "item_versions_tenant_id_organizations_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_versions" ADD CONSTRAINT "item_versions_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_versions" ADD CONSTRAINT "item_versions_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sources_tenant_id_idx" ON "sources" USING btree ("tenant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "units_source_kind_external_key" ON "units" USING btree ("source_id","kind","external_id");--> statement-breakpoint
CREATE INDEX "units_tenant_id_idx" ON "units" USING btree ("tenant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "backup_runs_tenant_workflow_key" ON "backup_runs" USING btree ("tenant_id","workflow_id");--> statement-breakpoint
CREATE INDEX "backup_runs_source_started_idx" ON "backup_runs" USING btree ("source_id","started_at");--> statement-breakpoint
CREATE INDEX "run_issues_run_id_idx" ON "run_issues" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "run_issues_tenant_id_idx" ON "run_issues" USING btree ("tenant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "snapshots_unit_seq_key" ON "snapshots" USING btree ("unit_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "snapshots_unit_run_key" ON "snapshots" USING btree ("unit_id","run_id");--> statement-breakpoint
CREATE INDEX "snapshots_tenant_id_idx" ON "snapshots" USING btree ("tenant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "items_unit_external_key" ON "items" USING btree ("unit_id","external_id");--> statement-breakpoint
CREATE INDEX "items_tenant_id_idx" ON "items" USING btree ("tenant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "item_versions_item_open_key" ON "item_versions" USING btree ("item_id") WHERE "item_versions"."superseded_at" IS NULL;--> statement-breakpoint
CREATE INDEX "item_versions_item_captured_idx" ON "item_versions" USING btree ("item_id","captured_at");--> statement-breakpoint
CREATE INDEX "item_versions_browse_idx" ON "item_versions" USING btree ("unit_id","parent_path",(CASE WHEN "kind" = 'folder' THEN 0 ELSE 1 END),"name","id");--> statement-breakpoint
CREATE INDEX "item_versions_tenant_captured_idx" ON "item_versions" USING btree ("tenant_id","captured_at","id");--> statement-breakpoint
CREATE INDEX "item_versions_search_idx" ON "item_versions" USING gin ("search_tsv");--> statement-breakpoint
CREATE INDEX "item_versions_tenant_sender_idx" ON "item_versions" USING btree ("tenant_id","sender" text_pattern_ops,"captured_at","id");--> statement-breakpoint
CREATE INDEX "item_versions_tenant_modified_idx" ON "item_versions" USING btree ("tenant_id","modified_at","id");--> statement-breakpoint
CREATE INDEX "item_versions_unit_captured_idx" ON "item_versions" USING btree ("unit_id","captured_at","id");--> statement-breakpoint
CREATE INDEX "item_versions_deleted_captured_idx" ON "item_versions" USING btree ("tenant_id","captured_at","id") WHERE "item_versions"."end_reason" = 'deleted';--> statement-breakpoint
CREATE POLICY "sources_tenant_isolation" ON "sources" AS PERMISSIVE FOR ALL TO "holdfast_app" USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());--> statement-breakpoint
CREATE POLICY "units_tenant_isolation" ON "units" AS PERMISSIVE FOR ALL TO "holdfast_app" USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());--> statement-breakpoint
CREATE POLICY "backup_runs_tenant_isolation" ON "backup_runs" AS PERMISSIVE FOR ALL TO "holdfast_app" USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());--> statement-breakpoint
CREATE POLICY "run_issues_tenant_isolation" ON "run_issues" AS PERMISSIVE FOR ALL TO "holdfast_app" USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());--> statement-breakpoint
CREATE POLICY "snapshots_tenant_isolation" ON "snapshots" AS PERMISSIVE FOR ALL TO "holdfast_app" USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());--> statement-breakpoint
CREATE POLICY "items_tenant_isolation" ON "items" AS PERMISSIVE FOR ALL TO "holdfast_app" USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());--> statement-breakpoint
CREATE POLICY "item_versions_tenant_isolation" ON "item_versions" AS PERMISSIVE FOR ALL TO "holdfast_app" USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());