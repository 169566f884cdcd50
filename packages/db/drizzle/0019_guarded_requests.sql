CREATE TYPE "public"."guarded_request_status" AS ENUM('pending', 'approved', 'cancelled', 'executed', 'failed', 'expired');--> statement-breakpoint
CREATE TABLE "guarded_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"params" jsonb NOT NULL,
	"summary" text NOT NULL,
	"requested_by_actor_type" text NOT NULL,
	"requested_by_actor_id" text NOT NULL,
	"requested_by_user_id" uuid,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"not_before" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" "guarded_request_status" DEFAULT 'pending' NOT NULL,
	"approved_by_user_id" uuid,
	"approved_at" timestamp with time zone,
	"cancelled_by_actor_type" text,
	"cancelled_by_actor_id" text,
	"cancelled_at" timestamp with time zone,
	"cancel_reason" text,
	"executed_at" timestamp with time zone,
	"failure" text,
	"workflow_id" text NOT NULL,
	CONSTRAINT "guarded_requests_kind_known" CHECK ("guarded_requests"."kind" in ('retention.shorten', 'legal_hold.release', 'member.remove', 'member.demote', 'guardian.add', 'guardian.remove', 'unit.exclude', 'guard_delay.shorten'))
);
--> statement-breakpoint
ALTER TABLE "guarded_requests" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "guard_delay_seconds" integer DEFAULT 259200 NOT NULL;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "guardian" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "approver_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "legal_holds" ADD COLUMN "released_by_request_id" uuid;--> statement-breakpoint
ALTER TABLE "guarded_requests" ADD CONSTRAINT "guarded_requests_tenant_id_organizations_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "guarded_requests" ADD CONSTRAINT "guarded_requests_requested_by_user_id_users_id_fk" FOREIGN KEY ("requested_by_user_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "guarded_requests" ADD CONSTRAINT "guarded_requests_approved_by_user_id_users_id_fk" FOREIGN KEY ("approved_by_user_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "guarded_requests_tenant_status_idx" ON "guarded_requests" USING btree ("tenant_id","status","requested_at");--> statement-breakpoint
CREATE POLICY "guarded_requests_tenant_isolation" ON "guarded_requests" AS PERMISSIVE FOR ALL TO "holdfast_app" USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());