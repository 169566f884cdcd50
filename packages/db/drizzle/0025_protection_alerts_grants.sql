-- Dead-man alerts (issue 7). The hourly protection check works inside each tenant's RLS context;
-- this narrow definer function is its only cross-tenant read and returns tenant ids only: those with
-- a source that is, or was, connected.
CREATE OR REPLACE FUNCTION holdfast_protected_tenants()
  RETURNS TABLE (tenant_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT DISTINCT s.tenant_id FROM sources s WHERE s.status::text <> 'pending_consent' $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION holdfast_protected_tenants() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION holdfast_protected_tenants() TO holdfast_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON protection_alerts TO holdfast_app;
