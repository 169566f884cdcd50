CREATE TABLE "user_identities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"directory_id" text NOT NULL,
	"subject" text NOT NULL,
	"email" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_sign_in_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "self_service_enabled" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "user_identities" ADD CONSTRAINT "user_identities_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "user_identities_provider_directory_subject_key" ON "user_identities" USING btree ("provider","directory_id","subject");--> statement-breakpoint
CREATE INDEX "user_identities_user_id_idx" ON "user_identities" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "units_source_owner_idx" ON "units" USING btree ("source_id","owner_external_id");--> statement-breakpoint
-- Sign-in identities are global like users: the application role reads and records them, never deletes.
GRANT SELECT, INSERT, UPDATE ON user_identities TO holdfast_app;
--> statement-breakpoint
-- End-user self-service (docs/adr/0016-sign-in-with-google-microsoft-and-self-service.md). Which
-- units a signed-in person owns is decided before any tenant is chosen, across tenants; this narrow
-- definer function is the only such read. It answers for the user in `app.user_id` only (set by
-- withUser from the verified session), matching the directory's stable ids, never email: a unit is
-- theirs when its owner_external_id is the identity's subject and its source protects the identity's
-- directory (same provider and external account id), in an organisation with self-service on.
CREATE OR REPLACE FUNCTION holdfast_self_service_units()
  RETURNS TABLE (tenant_id uuid, organization_name text, unit_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT u.tenant_id, o.name, u.id
      FROM user_identities i
      JOIN sources s ON s.provider::text = i.provider AND lower(s.external_account_id) = i.directory_id AND s.status::text <> 'pending_consent'
      JOIN organizations o ON o.id = s.tenant_id AND o.self_service_enabled
      JOIN units u ON u.source_id = s.id AND u.tenant_id = s.tenant_id AND u.owner_external_id = i.subject
     WHERE i.user_id = app_user_id()
  $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION holdfast_self_service_units() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION holdfast_self_service_units() TO holdfast_app;
