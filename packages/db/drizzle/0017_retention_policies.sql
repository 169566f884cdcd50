CREATE TYPE "public"."retention_scope" AS ENUM('organization', 'source', 'unit');--> statement-breakpoint
CREATE TABLE "legal_holds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"unit_id" uuid,
	"reason" text NOT NULL,
	"placed_by_user_id" uuid,
	"placed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"released_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "legal_holds" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "retention_policies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"scope" "retention_scope" NOT NULL,
	"scope_id" uuid,
	"policy" jsonb NOT NULL,
	"updated_by_user_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "retention_policies_scope_id_iff_not_organization" CHECK (("retention_policies"."scope" = 'organization') = ("retention_policies"."scope_id" IS NULL))
);
--> statement-breakpoint
ALTER TABLE "retention_policies" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "legal_holds" ADD CONSTRAINT "legal_holds_tenant_id_organizations_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "legal_holds" ADD CONSTRAINT "legal_holds_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "legal_holds" ADD CONSTRAINT "legal_holds_placed_by_user_id_users_id_fk" FOREIGN KEY ("placed_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retention_policies" ADD CONSTRAINT "retention_policies_tenant_id_organizations_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retention_policies" ADD CONSTRAINT "retention_policies_updated_by_user_id_users_id_fk" FOREIGN KEY ("updated_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "legal_holds_tenant_unit_idx" ON "legal_holds" USING btree ("tenant_id","unit_id");--> statement-breakpoint
CREATE UNIQUE INDEX "retention_policies_organization_key" ON "retention_policies" USING btree ("tenant_id") WHERE "retention_policies"."scope" = 'organization';--> statement-breakpoint
CREATE UNIQUE INDEX "retention_policies_scope_key" ON "retention_policies" USING btree ("tenant_id","scope","scope_id") WHERE "retention_policies"."scope_id" IS NOT NULL;--> statement-breakpoint
CREATE POLICY "legal_holds_tenant_isolation" ON "legal_holds" AS PERMISSIVE FOR ALL TO "holdfast_app" USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());--> statement-breakpoint
CREATE POLICY "retention_policies_tenant_isolation" ON "retention_policies" AS PERMISSIVE FOR ALL TO "holdfast_app" USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());--> statement-breakpoint
-- Retention policies and legal holds (docs/adr/0018-retention-policies.md) are history the
-- application changes but never deletes: a policy is updated in place (every change audited), a
-- hold is released by setting released_at. No DELETE for the application role on either.
GRANT SELECT, INSERT, UPDATE ON retention_policies TO holdfast_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON legal_holds TO holdfast_app;
