CREATE TYPE "public"."vault_drill_status" AS ENUM('running', 'passed', 'failed');--> statement-breakpoint
CREATE TABLE "vault_drills" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"status" "vault_drill_status" DEFAULT 'running' NOT NULL,
	"snapshots_checked" integer DEFAULT 0 NOT NULL,
	"packs_checked" integer DEFAULT 0 NOT NULL,
	"items_sampled" integer DEFAULT 0 NOT NULL,
	"items_matched" integer DEFAULT 0 NOT NULL,
	"bytes_restored" bigint DEFAULT 0 NOT NULL,
	"restore_ms" integer,
	"problems" jsonb DEFAULT '[]'::jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "vault_drills" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "vault_drills" ADD CONSTRAINT "vault_drills_tenant_id_organizations_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "vault_drills_tenant_started_idx" ON "vault_drills" USING btree ("tenant_id","started_at");--> statement-breakpoint
CREATE POLICY "vault_drills_tenant_isolation" ON "vault_drills" AS PERMISSIVE FOR ALL TO "holdfast_app" USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());