-- retentionSweep's records (issue 7). The application role writes a tenant's sweep log.
GRANT SELECT, INSERT, UPDATE ON retention_sweeps TO holdfast_app;
--> statement-breakpoint
-- Expiry is the one status change that ends a restore point, so the database checks it too (docs/adr/0018,
-- "Sweep"): a snapshot becomes `expired` only from `committed`, once its retain-until has passed, and
-- only while no active legal hold covers its unit or the whole organisation; nothing leaves
-- `expired`. Definer, so the hold check sees every hold of the snapshot's tenant whatever the caller's RLS context.
CREATE OR REPLACE FUNCTION holdfast_snapshots_expiry_guard() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
  BEGIN
    IF OLD.status::text = 'expired' AND NEW.status::text <> 'expired' THEN
      RAISE EXCEPTION 'an expired snapshot cannot become a restore point again' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.status::text = 'expired' AND OLD.status::text <> 'expired' THEN
      IF OLD.status::text <> 'committed' THEN
        RAISE EXCEPTION 'only a committed snapshot can expire (this one is %)', OLD.status USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF NEW.retain_until IS NULL OR NEW.retain_until >= now() THEN
        RAISE EXCEPTION 'a snapshot cannot expire before its retain-until' USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF EXISTS (SELECT 1 FROM legal_holds h WHERE h.tenant_id = OLD.tenant_id AND h.released_at IS NULL AND (h.unit_id IS NULL OR h.unit_id = OLD.unit_id)) THEN
        RAISE EXCEPTION 'a snapshot under a legal hold cannot expire' USING ERRCODE = 'insufficient_privilege';
      END IF;
    END IF;
    RETURN NEW;
  END
  $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION holdfast_snapshots_expiry_guard() FROM PUBLIC;
--> statement-breakpoint
CREATE TRIGGER snapshots_expiry_guard BEFORE UPDATE OF status ON snapshots FOR EACH ROW EXECUTE FUNCTION holdfast_snapshots_expiry_guard();
--> statement-breakpoint
-- The daily sweep runs in every tenant with a vault; like holdfast_maintenance_tenants, this narrow
-- definer function is its only cross-tenant read and returns tenant ids only.
CREATE OR REPLACE FUNCTION holdfast_retention_sweep_tenants()
  RETURNS TABLE (tenant_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT v.tenant_id FROM tenant_vaults v $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION holdfast_retention_sweep_tenants() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION holdfast_retention_sweep_tenants() TO holdfast_app;
