ALTER TABLE "guarded_requests" DROP CONSTRAINT "guarded_requests_kind_known";--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "closed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "erased_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "erased_by_request_id" uuid;--> statement-breakpoint
ALTER TABLE "item_versions" ADD COLUMN "erased_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "guarded_requests" ADD CONSTRAINT "guarded_requests_kind_known" CHECK ("guarded_requests"."kind" in ('retention.shorten', 'legal_hold.release', 'member.remove', 'member.demote', 'guardian.add', 'guardian.remove', 'unit.exclude', 'guard_delay.shorten', 'source.auto_protect_off', 'source.remove', 'webhook.remove', 'items.erase', 'organization.close'));