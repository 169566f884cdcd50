-- Signed audit digests (issue 7): keys and digests are written once and never changed or deleted.
GRANT SELECT, INSERT ON audit_signing_keys TO holdfast_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON audit_digests TO holdfast_app;

--> statement-breakpoint
-- The worker's daily digest run writes into every tenant's vault; this narrow definer function is
-- its only cross-tenant read and returns tenant ids only: those with a vault to write into.
CREATE OR REPLACE FUNCTION holdfast_audit_digest_tenants()
  RETURNS TABLE (tenant_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT v.tenant_id FROM tenant_vaults v $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION holdfast_audit_digest_tenants() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION holdfast_audit_digest_tenants() TO holdfast_app;
