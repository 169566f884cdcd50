CREATE TABLE "provider_limits" (
	"tenant_id" uuid NOT NULL,
	"key" text NOT NULL,
	"tokens" double precision,
	"refilled_at" timestamp (3) with time zone,
	"fence_until" timestamp (3) with time zone,
	CONSTRAINT "provider_limits_tenant_id_key_pk" PRIMARY KEY("tenant_id","key")
);
--> statement-breakpoint
ALTER TABLE "provider_limits" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "provider_slots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"key" text NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "provider_slots" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "provider_limits" ADD CONSTRAINT "provider_limits_tenant_id_organizations_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_slots" ADD CONSTRAINT "provider_slots_tenant_id_organizations_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "provider_slots_key_idx" ON "provider_slots" USING btree ("tenant_id","key");--> statement-breakpoint
CREATE POLICY "provider_limits_tenant_isolation" ON "provider_limits" AS PERMISSIVE FOR ALL TO "holdfast_app" USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());--> statement-breakpoint
CREATE POLICY "provider_slots_tenant_isolation" ON "provider_slots" AS PERMISSIVE FOR ALL TO "holdfast_app" USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());