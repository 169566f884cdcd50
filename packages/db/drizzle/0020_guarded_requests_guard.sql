-- Guarded requests (docs/adr/0020-guarded-requests.md): every action that destroys data or weakens
-- protection waits for a second person and a cooling-off delay, and the database — not the
-- application — is what makes that true. The application role may ask (insert a pending request)
-- and may cancel; it can neither approve nor carry out a weakening. Those are two definer
-- functions that only the worker's guard role (holdfast_guard, a separate credential) may call,
-- and they check the request themselves: approved by an owner, admin or guardian who is not the
-- requester and could already approve when it was made, and its delay has passed.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'holdfast_guard') THEN
    CREATE ROLE holdfast_guard LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
--> statement-breakpoint
-- The platform's floor under every organisation's delay. Only the database owner can change it
-- (an operator of a test database lowers it there; the application roles cannot read or write it).
CREATE TABLE holdfast_platform_settings (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  min_guard_delay_seconds integer NOT NULL DEFAULT 86400 CHECK (min_guard_delay_seconds >= 0)
);
--> statement-breakpoint
INSERT INTO holdfast_platform_settings DEFAULT VALUES;
--> statement-breakpoint
REVOKE ALL ON holdfast_platform_settings FROM PUBLIC;
--> statement-breakpoint
-- Whether the writer is one of the application's own roles (the console/API or the worker's guard
-- credential) rather than the owner running a definer function or a migration.
CREATE OR REPLACE FUNCTION holdfast_is_app_writer() RETURNS boolean
  LANGUAGE sql STABLE
  AS $$ SELECT current_user IN ('holdfast_app', 'holdfast_guard') $$;
--> statement-breakpoint
-- The cooling-off delay a new request of this organisation waits: its own setting, never under the floor.
CREATE OR REPLACE FUNCTION holdfast_guard_delay(p_tenant uuid) RETURNS interval
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT make_interval(secs => greatest(
      coalesce((SELECT o.guard_delay_seconds FROM organizations o WHERE o.id = p_tenant), 259200),
      (SELECT s.min_guard_delay_seconds FROM holdfast_platform_settings s)))
  $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION holdfast_guard_delay(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION holdfast_guard_delay(uuid) TO holdfast_app;
--> statement-breakpoint
-- The application role inserts a request only as pending, with the dates the database gives it,
-- and afterwards may only cancel it; every other change is the guard functions'.
CREATE OR REPLACE FUNCTION holdfast_guarded_requests_guard() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF NOT holdfast_is_app_writer() THEN RETURN NEW; END IF;
    IF TG_OP = 'INSERT' THEN
      NEW.status := 'pending';
      NEW.requested_at := now();
      NEW.not_before := now() + holdfast_guard_delay(NEW.tenant_id);
      NEW.expires_at := NEW.not_before + interval '14 days';
      NEW.approved_by_user_id := NULL;
      NEW.approved_at := NULL;
      NEW.cancelled_by_actor_type := NULL;
      NEW.cancelled_by_actor_id := NULL;
      NEW.cancelled_at := NULL;
      NEW.cancel_reason := NULL;
      NEW.executed_at := NULL;
      NEW.failure := NULL;
      RETURN NEW;
    END IF;
    IF (NEW.id, NEW.tenant_id, NEW.kind, NEW.params, NEW.summary, NEW.requested_by_actor_type, NEW.requested_by_actor_id, NEW.requested_by_user_id,
        NEW.requested_at, NEW.not_before, NEW.expires_at, NEW.approved_by_user_id, NEW.approved_at, NEW.executed_at, NEW.failure, NEW.workflow_id)
       IS DISTINCT FROM
       (OLD.id, OLD.tenant_id, OLD.kind, OLD.params, OLD.summary, OLD.requested_by_actor_type, OLD.requested_by_actor_id, OLD.requested_by_user_id,
        OLD.requested_at, OLD.not_before, OLD.expires_at, OLD.approved_by_user_id, OLD.approved_at, OLD.executed_at, OLD.failure, OLD.workflow_id) THEN
      RAISE EXCEPTION 'a guarded request can only be cancelled here; approval and execution are the guard''s' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.status::text IN ('pending', 'approved') AND NEW.status::text = 'cancelled' AND NEW.cancelled_by_actor_type IS NOT NULL AND NEW.cancelled_by_actor_id IS NOT NULL THEN
      NEW.cancelled_at := now();
      RETURN NEW;
    END IF;
    RAISE EXCEPTION 'a guarded request can only be cancelled here (it is %); approval and execution are the guard''s', OLD.status USING ERRCODE = 'insufficient_privilege';
  END
  $$;
--> statement-breakpoint
CREATE TRIGGER guarded_requests_guard BEFORE INSERT OR UPDATE ON guarded_requests FOR EACH ROW EXECUTE FUNCTION holdfast_guarded_requests_guard();
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON guarded_requests TO holdfast_app;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION holdfast_role_rank(r text) RETURNS integer
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT CASE r WHEN 'owner' THEN 4 WHEN 'admin' THEN 3 WHEN 'operator' THEN 2 WHEN 'viewer' THEN 1 ELSE 0 END $$;
--> statement-breakpoint
-- Members: the application role may add members and raise roles, but removing a member, lowering
-- a role, and adding or removing a guardian need an approved guarded request. Whoever writes,
-- approver_since records when a member became able to approve (owner, admin or guardian).
CREATE OR REPLACE FUNCTION holdfast_memberships_guard() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF TG_OP = 'DELETE' THEN
      IF holdfast_is_app_writer() THEN
        RAISE EXCEPTION 'removing a member needs an approved guarded request' USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN OLD;
    END IF;
    IF holdfast_is_app_writer() THEN
      IF TG_OP = 'INSERT' AND NEW.guardian THEN
        RAISE EXCEPTION 'adding a guardian needs an approved guarded request' USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF TG_OP = 'UPDATE' THEN
        IF NEW.tenant_id IS DISTINCT FROM OLD.tenant_id OR NEW.user_id IS DISTINCT FROM OLD.user_id THEN
          RAISE EXCEPTION 'a membership cannot be moved' USING ERRCODE = 'check_violation';
        END IF;
        IF holdfast_role_rank(NEW.role::text) < holdfast_role_rank(OLD.role::text) THEN
          RAISE EXCEPTION 'lowering a member''s role needs an approved guarded request' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.guardian IS DISTINCT FROM OLD.guardian THEN
          RAISE EXCEPTION 'adding or removing a guardian needs an approved guarded request' USING ERRCODE = 'insufficient_privilege';
        END IF;
      END IF;
    END IF;
    IF NEW.role::text IN ('owner', 'admin') OR NEW.guardian THEN
      NEW.approver_since := CASE WHEN TG_OP = 'UPDATE' AND OLD.approver_since IS NOT NULL THEN OLD.approver_since ELSE now() END;
    ELSE
      NEW.approver_since := NULL;
    END IF;
    RETURN NEW;
  END
  $$;
--> statement-breakpoint
CREATE TRIGGER memberships_guard BEFORE INSERT OR UPDATE OR DELETE ON memberships FOR EACH ROW EXECUTE FUNCTION holdfast_memberships_guard();
--> statement-breakpoint
UPDATE memberships SET approver_since = created_at WHERE role::text IN ('owner', 'admin') OR guardian;
--> statement-breakpoint
-- An organisation's delay may only be lengthened by the application role.
CREATE OR REPLACE FUNCTION holdfast_organizations_guard() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF holdfast_is_app_writer() AND NEW.guard_delay_seconds < OLD.guard_delay_seconds THEN
      RAISE EXCEPTION 'shortening the cooling-off delay needs an approved guarded request' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END
  $$;
--> statement-breakpoint
CREATE TRIGGER organizations_guard BEFORE UPDATE OF guard_delay_seconds ON organizations FOR EACH ROW EXECUTE FUNCTION holdfast_organizations_guard();
--> statement-breakpoint
-- Migration 0018's floor stays for the application's roles; the guard's definer function (the
-- owner) carries out an approved shortening or release through it.
CREATE OR REPLACE FUNCTION holdfast_retention_policies_guard() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  DECLARE
    inherited jsonb;
  BEGIN
    IF NOT holdfast_is_app_writer() THEN RETURN NEW; END IF;
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
CREATE OR REPLACE FUNCTION holdfast_legal_holds_guard() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF NEW.tenant_id IS DISTINCT FROM OLD.tenant_id OR NEW.unit_id IS DISTINCT FROM OLD.unit_id OR NEW.placed_at IS DISTINCT FROM OLD.placed_at THEN
      RAISE EXCEPTION 'a legal hold cannot be moved' USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.released_at IS NOT NULL AND (NEW.released_at IS DISTINCT FROM OLD.released_at OR NEW.released_by_request_id IS DISTINCT FROM OLD.released_by_request_id) THEN
      RAISE EXCEPTION 'a released legal hold is history and does not change' USING ERRCODE = 'check_violation';
    END IF;
    IF holdfast_is_app_writer() AND (NEW.released_at IS DISTINCT FROM OLD.released_at OR NEW.released_by_request_id IS DISTINCT FROM OLD.released_by_request_id) THEN
      RAISE EXCEPTION 'releasing a legal hold needs an approved guarded request' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END
  $$;
--> statement-breakpoint
-- An audit row written by the guard on the request's behalf (the chain trigger assigns seq and hash).
CREATE OR REPLACE FUNCTION holdfast_guard_audit(r guarded_requests, p_action text, p_metadata jsonb) RETURNS void
  LANGUAGE sql
  AS $$
    INSERT INTO audit_events (tenant_id, actor_type, actor_id, action, target_type, target_id, metadata)
    VALUES (r.tenant_id, 'system', 'guard', p_action, 'guarded_request', r.id::text, jsonb_build_object('kind', r.kind) || p_metadata)
  $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION holdfast_guard_audit(guarded_requests, text, jsonb) FROM PUBLIC;
--> statement-breakpoint
-- Approval by a second person: an owner, admin or guardian of the organisation, not the requester,
-- who could already approve when the request was made. The caller (the worker) has checked their
-- fresh second factor; the database checks everything it can know.
CREATE OR REPLACE FUNCTION holdfast_guard_approve(p_request uuid, p_user uuid) RETURNS guarded_requests
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
  DECLARE
    r guarded_requests;
    since timestamptz;
  BEGIN
    SELECT * INTO r FROM guarded_requests WHERE id = p_request FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'there is no guarded request %', p_request USING ERRCODE = 'no_data_found';
    END IF;
    IF r.status::text <> 'pending' THEN
      RAISE EXCEPTION 'this request is %, not waiting for approval', r.status USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF now() >= r.expires_at THEN
      RAISE EXCEPTION 'this request expired at %', r.expires_at USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF r.requested_by_user_id IS NOT DISTINCT FROM p_user THEN
      RAISE EXCEPTION 'a request must be approved by someone other than the person who made it' USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT m.approver_since INTO since FROM memberships m WHERE m.tenant_id = r.tenant_id AND m.user_id = p_user;
    IF since IS NULL THEN
      RAISE EXCEPTION 'only an owner, an administrator or a guardian of this organisation may approve' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF since > r.requested_at THEN
      RAISE EXCEPTION 'only someone who could approve before the request was made may approve it' USING ERRCODE = 'insufficient_privilege';
    END IF;
    UPDATE guarded_requests SET status = 'approved', approved_by_user_id = p_user, approved_at = now() WHERE id = r.id RETURNING * INTO r;
    PERFORM holdfast_guard_audit(r, 'guarded_request.approved', jsonb_build_object('approvedByUserId', p_user));
    RETURN r;
  END
  $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION holdfast_guard_approve(uuid, uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION holdfast_guard_approve(uuid, uuid) TO holdfast_guard;
--> statement-breakpoint
-- A pending request nobody approved in time lapses.
CREATE OR REPLACE FUNCTION holdfast_guard_expire(p_request uuid) RETURNS guarded_requests
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
  DECLARE
    r guarded_requests;
  BEGIN
    SELECT * INTO r FROM guarded_requests WHERE id = p_request FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'there is no guarded request %', p_request USING ERRCODE = 'no_data_found';
    END IF;
    IF r.status::text = 'pending' AND now() >= r.expires_at THEN
      UPDATE guarded_requests SET status = 'expired' WHERE id = r.id RETURNING * INTO r;
      PERFORM holdfast_guard_audit(r, 'guarded_request.expired', '{}'::jsonb);
    END IF;
    RETURN r;
  END
  $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION holdfast_guard_expire(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION holdfast_guard_expire(uuid) TO holdfast_guard;
--> statement-breakpoint
-- Carrying out an approved request once its delay has passed: exactly what its params say, in its
-- own organisation, and nothing else. A request that can no longer be carried out (the member
-- already left, the hold was released) is marked failed with the reason; the caller reads it.
CREATE OR REPLACE FUNCTION holdfast_guard_apply(p_request uuid) RETURNS guarded_requests
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
  DECLARE
    r guarded_requests;
    p jsonb;
    v_scope_id uuid;
    v_user uuid;
    v_role text;
    owners integer;
  BEGIN
    SELECT * INTO r FROM guarded_requests WHERE id = p_request FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'there is no guarded request %', p_request USING ERRCODE = 'no_data_found';
    END IF;
    IF r.status::text <> 'approved' THEN
      RAISE EXCEPTION 'this request is %, not approved', r.status USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF r.approved_by_user_id IS NULL OR r.approved_by_user_id IS NOT DISTINCT FROM r.requested_by_user_id THEN
      RAISE EXCEPTION 'this request has no approval by a second person' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF now() < r.not_before THEN
      RAISE EXCEPTION 'this request''s cooling-off delay runs until %', r.not_before USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    p := r.params;
    BEGIN
      CASE r.kind
        WHEN 'retention.shorten' THEN
          v_scope_id := nullif(p->>'scopeId', '')::uuid;
          IF (p->>'scope') NOT IN ('organization', 'source', 'unit') OR jsonb_typeof(p->'policy') <> 'object' THEN
            RAISE EXCEPTION 'the request names no retention scope and policy';
          END IF;
          UPDATE retention_policies SET policy = p->'policy', updated_by_user_id = r.requested_by_user_id, updated_at = now()
            WHERE tenant_id = r.tenant_id AND scope::text = p->>'scope' AND scope_id IS NOT DISTINCT FROM v_scope_id;
          IF NOT FOUND THEN
            INSERT INTO retention_policies (tenant_id, scope, scope_id, policy, updated_by_user_id)
              VALUES (r.tenant_id, (p->>'scope')::retention_scope, v_scope_id, p->'policy', r.requested_by_user_id);
          END IF;
        WHEN 'legal_hold.release' THEN
          UPDATE legal_holds SET released_at = now(), released_by_request_id = r.id
            WHERE id = (p->>'holdId')::uuid AND tenant_id = r.tenant_id AND released_at IS NULL;
          IF NOT FOUND THEN RAISE EXCEPTION 'the legal hold is no longer in place'; END IF;
        WHEN 'member.remove', 'member.demote' THEN
          v_user := (p->>'userId')::uuid;
          SELECT m.role::text INTO v_role FROM memberships m WHERE m.tenant_id = r.tenant_id AND m.user_id = v_user FOR UPDATE;
          IF v_role IS NULL THEN RAISE EXCEPTION 'they are no longer a member'; END IF;
          IF v_role = 'owner' AND (r.kind = 'member.remove' OR p->>'role' <> 'owner') THEN
            SELECT count(*) INTO owners FROM memberships m WHERE m.tenant_id = r.tenant_id AND m.role::text = 'owner';
            IF owners <= 1 THEN RAISE EXCEPTION 'they are the last owner; an organisation always keeps one'; END IF;
          END IF;
          IF r.kind = 'member.remove' THEN
            DELETE FROM memberships WHERE tenant_id = r.tenant_id AND user_id = v_user;
          ELSE
            UPDATE memberships SET role = (p->>'role')::member_role WHERE tenant_id = r.tenant_id AND user_id = v_user;
          END IF;
        WHEN 'guardian.add', 'guardian.remove' THEN
          UPDATE memberships SET guardian = (r.kind = 'guardian.add') WHERE tenant_id = r.tenant_id AND user_id = (p->>'userId')::uuid;
          IF NOT FOUND THEN RAISE EXCEPTION 'they are no longer a member'; END IF;
        WHEN 'unit.exclude' THEN
          UPDATE units SET protection = 'excluded' WHERE tenant_id = r.tenant_id AND id = (p->>'unitId')::uuid;
          IF NOT FOUND THEN RAISE EXCEPTION 'the account is no longer known'; END IF;
        WHEN 'guard_delay.shorten' THEN
          IF (p->>'seconds')::integer < (SELECT s.min_guard_delay_seconds FROM holdfast_platform_settings s) THEN
            RAISE EXCEPTION 'the delay asked for is under the platform''s minimum';
          END IF;
          UPDATE organizations SET guard_delay_seconds = (p->>'seconds')::integer WHERE id = r.tenant_id;
        ELSE
          RAISE EXCEPTION 'unknown guarded request kind %', r.kind;
      END CASE;
      UPDATE guarded_requests SET status = 'executed', executed_at = now() WHERE id = r.id RETURNING * INTO r;
      PERFORM holdfast_guard_audit(r, 'guarded_request.executed', jsonb_build_object('params', r.params));
    EXCEPTION WHEN OTHERS THEN
      UPDATE guarded_requests SET status = 'failed', executed_at = now(), failure = SQLERRM WHERE id = r.id RETURNING * INTO r;
      PERFORM holdfast_guard_audit(r, 'guarded_request.failed', jsonb_build_object('failure', SQLERRM));
    END;
    RETURN r;
  END
  $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION holdfast_guard_apply(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION holdfast_guard_apply(uuid) TO holdfast_guard;
