-- The worker's hourly maintenance sweep (docs/adr/0014-run-hygiene-and-maintenance.md) deletes
-- expired export archives and idempotency records in every tenant. It does the work inside each
-- tenant's RLS context; this narrow definer function is the only cross-tenant read it needs, and
-- returns tenant ids only: those with an export archive past its expiry still stored, or an
-- idempotency record created before the cut-off.
CREATE OR REPLACE FUNCTION holdfast_maintenance_tenants(p_exports_expired_at timestamptz, p_keys_created_before timestamptz)
  RETURNS TABLE (tenant_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT j.tenant_id FROM restore_jobs j
      WHERE j.kind = 'export' AND j.export_object_key IS NOT NULL AND j.export_expires_at <= p_exports_expired_at
    UNION
    SELECT k.tenant_id FROM idempotency_keys k WHERE k.created_at < p_keys_created_before
  $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION holdfast_maintenance_tenants(timestamptz, timestamptz) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION holdfast_maintenance_tenants(timestamptz, timestamptz) TO holdfast_app;
