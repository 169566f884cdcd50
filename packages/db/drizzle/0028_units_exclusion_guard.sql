-- Excluding an account that has backups stops its protection: a weakening, so for the application
-- role it needs an approved guarded request (docs/adr/0020-guarded-requests.md), carried out by
-- holdfast_guard_apply. An account never backed up may be excluded at once (nothing it had is lost).
CREATE OR REPLACE FUNCTION holdfast_units_guard() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF holdfast_is_app_writer() AND NEW.protection::text = 'excluded' AND OLD.protection::text <> 'excluded'
       AND EXISTS (SELECT 1 FROM snapshots s WHERE s.unit_id = NEW.id AND s.tenant_id = NEW.tenant_id AND s.status::text = 'committed') THEN
      RAISE EXCEPTION 'excluding an account that has backups needs an approved guarded request' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END
  $$;
--> statement-breakpoint
CREATE TRIGGER units_guard BEFORE UPDATE OF protection ON units FOR EACH ROW EXECUTE FUNCTION holdfast_units_guard();
