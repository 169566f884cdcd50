CREATE TABLE "protection_alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"source_id" uuid NOT NULL,
	"code" text NOT NULL,
	"message" text NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "protection_alerts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "protection_alerts" ADD CONSTRAINT "protection_alerts_tenant_id_organizations_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "protection_alerts" ADD CONSTRAINT "protection_alerts_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "protection_alerts_open_key" ON "protection_alerts" USING btree ("source_id","code") WHERE "protection_alerts"."resolved_at" IS NULL;--> statement-breakpoint
CREATE INDEX "protection_alerts_tenant_idx" ON "protection_alerts" USING btree ("tenant_id","opened_at");--> statement-breakpoint
CREATE POLICY "protection_alerts_tenant_isolation" ON "protection_alerts" AS PERMISSIVE FOR ALL TO "holdfast_app" USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());