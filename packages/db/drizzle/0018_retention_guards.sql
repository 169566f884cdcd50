-- The database's own guard on retention (docs/adr/0018-retention-policies.md): whoever holds the
-- application role's connection (a compromised console, a stolen database credential) still cannot
-- shorten what protects backups. The services refuse the same changes first, with a clear message
-- and an audit row; these triggers are the floor beneath them. Guarded requests (issue 7, later)
-- will apply approved weakenings through a narrow definer function, not by lifting these.
--
-- The default policy, as packages/services/src/retention/policy.ts DEFAULT_RETENTION_POLICY has it
-- (an integration test asserts they are equal).
CREATE OR REPLACE FUNCTION holdfast_default_retention() RETURNS jsonb
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT '{"keepAllDays":30,"daily":90,"weekly":26,"monthly":12,"yearly":7,"forever":false,"offboardedKeepDays":365}'::jsonb $$;
--> statement-breakpoint
-- Whether `next` keeps at least as much as `old`, the rule compareRetention applies: forever beats
-- every finite policy, leaving forever is shorter, and otherwise no rule may shrink.
CREATE OR REPLACE FUNCTION holdfast_retention_not_shorter(old_p jsonb, next_p jsonb) RETURNS boolean
  LANGUAGE sql IMMUTABLE
  AS $$
    SELECT CASE
      WHEN coalesce((old_p->>'forever')::boolean, false) THEN coalesce((next_p->>'forever')::boolean, false)
      WHEN coalesce((next_p->>'forever')::boolean, false) THEN true
      ELSE coalesce((next_p->>'keepAllDays')::numeric, 0) >= coalesce((old_p->>'keepAllDays')::numeric, 0)
       AND coalesce((next_p->>'daily')::numeric, 0) >= coalesce((old_p->>'daily')::numeric, 0)
       AND coalesce((next_p->>'weekly')::numeric, 0) >= coalesce((old_p->>'weekly')::numeric, 0)
       AND coalesce((next_p->>'monthly')::numeric, 0) >= coalesce((old_p->>'monthly')::numeric, 0)
       AND coalesce((next_p->>'yearly')::numeric, 0) >= coalesce((old_p->>'yearly')::numeric, 0)
       AND coalesce((next_p->>'offboardedKeepDays')::numeric, 0) >= coalesce((old_p->>'offboardedKeepDays')::numeric, 0)
    END
  $$;
--> statement-breakpoint
-- A policy row may only keep or lengthen what was in force at its scope: an update against the
-- row's own policy, a new override against what it inherits (source → organisation → default).
-- Its scope never moves.
CREATE OR REPLACE FUNCTION holdfast_retention_policies_guard() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  DECLARE
    inherited jsonb;
  BEGIN
    IF TG_OP = 'UPDATE' THEN
      IF NEW.tenant_id IS DISTINCT FROM OLD.tenant_id OR NEW.scope IS DISTINCT FROM OLD.scope OR NEW.scope_id IS DISTINCT FROM OLD.scope_id THEN
        RAISE EXCEPTION 'a retention policy cannot be moved to another scope' USING ERRCODE = 'check_violation';
      END IF;
      inherited := OLD.policy;
    ELSE
      IF NEW.scope = 'unit' THEN
        SELECT p.policy INTO inherited FROM retention_policies p JOIN units u ON u.source_id = p.scope_id
          WHERE p.tenant_id = NEW.tenant_id AND p.scope = 'source' AND u.id = NEW.scope_id AND u.tenant_id = NEW.tenant_id;
      END IF;
      IF inherited IS NULL AND NEW.scope <> 'organization' THEN
        SELECT p.policy INTO inherited FROM retention_policies p WHERE p.tenant_id = NEW.tenant_id AND p.scope = 'organization';
      END IF;
      inherited := coalesce(inherited, holdfast_default_retention());
    END IF;
    IF NOT holdfast_retention_not_shorter(inherited, NEW.policy) THEN
      RAISE EXCEPTION 'retention can only be kept or lengthened here; shortening needs an approved guarded request' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END
  $$;
--> statement-breakpoint
CREATE TRIGGER retention_policies_guard BEFORE INSERT OR UPDATE ON retention_policies FOR EACH ROW EXECUTE FUNCTION holdfast_retention_policies_guard();
--> statement-breakpoint
-- A legal hold stays where it was placed and is never released by the application role.
CREATE OR REPLACE FUNCTION holdfast_legal_holds_guard() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF NEW.tenant_id IS DISTINCT FROM OLD.tenant_id OR NEW.unit_id IS DISTINCT FROM OLD.unit_id OR NEW.placed_at IS DISTINCT FROM OLD.placed_at THEN
      RAISE EXCEPTION 'a legal hold cannot be moved' USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.released_at IS NULL AND NEW.released_at IS NOT NULL THEN
      RAISE EXCEPTION 'releasing a legal hold needs an approved guarded request' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.released_at IS NOT NULL AND NEW.released_at IS DISTINCT FROM OLD.released_at THEN
      RAISE EXCEPTION 'a released legal hold is history and does not change' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
  END
  $$;
--> statement-breakpoint
CREATE TRIGGER legal_holds_guard BEFORE UPDATE ON legal_holds FOR EACH ROW EXECUTE FUNCTION holdfast_legal_holds_guard();
--> statement-breakpoint
-- A snapshot's retain-until only ever moves later: the catalogue never promises less than the
-- vault's compliance lock, and an expiry sweep can never be pointed at a snapshot early.
CREATE OR REPLACE FUNCTION holdfast_snapshots_retain_until_guard() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF OLD.retain_until IS NOT NULL AND (NEW.retain_until IS NULL OR NEW.retain_until < OLD.retain_until) THEN
      RAISE EXCEPTION 'a snapshot''s retain-until can only be extended' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END
  $$;
--> statement-breakpoint
CREATE TRIGGER snapshots_retain_until_guard BEFORE UPDATE OF retain_until ON snapshots FOR EACH ROW EXECUTE FUNCTION holdfast_snapshots_retain_until_guard();
