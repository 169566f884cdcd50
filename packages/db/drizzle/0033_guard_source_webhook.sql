-- Issue 7: removing a source and removing a webhook endpoint are guarded requests (the kinds are
-- added to guarded_requests_kind_known by the migration before this one). Only the guard carries
-- them out; the application role can neither mark a source removed (nor bring a removed one back)
-- nor change or delete a webhook endpoint.
CREATE OR REPLACE FUNCTION holdfast_sources_guard() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF holdfast_is_app_writer() THEN
      IF OLD.auto_protect_new_units AND NOT NEW.auto_protect_new_units THEN
        RAISE EXCEPTION 'turning off the automatic protection of new accounts needs an approved guarded request' USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF NEW.status::text = 'removed' AND OLD.status::text <> 'removed' THEN
        RAISE EXCEPTION 'removing a source needs an approved guarded request' USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF OLD.status::text = 'removed' AND (NEW.status::text <> 'removed' OR NEW.credentials_enc IS NOT NULL OR NOT NEW.schedule_paused) THEN
        RAISE EXCEPTION 'a removed source stays removed; connect the account again as a new source' USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF NEW.removed_at IS DISTINCT FROM OLD.removed_at THEN
        RAISE EXCEPTION 'only the guard records when a source was removed' USING ERRCODE = 'insufficient_privilege';
      END IF;
    END IF;
    RETURN NEW;
  END
  $$;
--> statement-breakpoint
DROP TRIGGER sources_guard ON sources;
--> statement-breakpoint
CREATE TRIGGER sources_guard BEFORE UPDATE ON sources FOR EACH ROW EXECUTE FUNCTION holdfast_sources_guard();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION holdfast_sources_insert_guard() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF holdfast_is_app_writer() AND (NEW.status::text = 'removed' OR NEW.removed_at IS NOT NULL) THEN
      RAISE EXCEPTION 'only the guard removes a source' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END
  $$;
--> statement-breakpoint
CREATE TRIGGER sources_insert_guard BEFORE INSERT ON sources FOR EACH ROW EXECUTE FUNCTION holdfast_sources_insert_guard();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION holdfast_webhook_endpoints_insert_guard() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF holdfast_is_app_writer() AND NEW.disabled_at IS NOT NULL THEN
      RAISE EXCEPTION 'only the guard disables a webhook endpoint' USING ERRCODE = 'insufficient_privilege';
    END IF;
    NEW.created_at := now();
    RETURN NEW;
  END
  $$;
--> statement-breakpoint
CREATE TRIGGER webhook_endpoints_insert_guard BEFORE INSERT ON webhook_endpoints FOR EACH ROW EXECUTE FUNCTION holdfast_webhook_endpoints_insert_guard();
--> statement-breakpoint
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
        WHEN 'source.auto_protect_off' THEN
          UPDATE sources SET auto_protect_new_units = false, updated_at = now() WHERE tenant_id = r.tenant_id AND id = (p->>'sourceId')::uuid;
          IF NOT FOUND THEN RAISE EXCEPTION 'the source is no longer known'; END IF;
        WHEN 'source.remove' THEN
          -- No more backups and no credentials; its backups stay, restorable, until their dates pass.
          UPDATE sources SET status = 'removed', removed_at = now(), credentials_enc = NULL, schedule_paused = true,
                 consent_state_hash = NULL, consent_expires_at = NULL, updated_at = now()
            WHERE tenant_id = r.tenant_id AND id = (p->>'sourceId')::uuid AND status::text <> 'removed';
          IF NOT FOUND THEN RAISE EXCEPTION 'the source is no longer known or already removed'; END IF;
        WHEN 'webhook.remove' THEN
          UPDATE webhook_endpoints SET disabled_at = now()
            WHERE tenant_id = r.tenant_id AND id = (p->>'endpointId')::uuid AND disabled_at IS NULL;
          IF NOT FOUND THEN RAISE EXCEPTION 'the webhook endpoint is no longer known or already removed'; END IF;
          UPDATE webhook_deliveries SET status = 'failed', last_error = 'the endpoint was removed (guarded request ' || r.id || ')'
            WHERE tenant_id = r.tenant_id AND endpoint_id = (p->>'endpointId')::uuid AND status = 'pending';
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
-- The webhook sender's only cross-tenant read: tenants with a delivery due now (ids only).
CREATE OR REPLACE FUNCTION holdfast_webhook_due_tenants()
  RETURNS TABLE (tenant_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT DISTINCT d.tenant_id FROM webhook_deliveries d WHERE d.status = 'pending' AND d.next_attempt_at <= now() $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION holdfast_webhook_due_tenants() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION holdfast_webhook_due_tenants() TO holdfast_app;
--> statement-breakpoint
-- Endpoints: add and read only (removal is the guard's). Deliveries: queued, then updated by the sender.
GRANT SELECT, INSERT ON webhook_endpoints TO holdfast_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON webhook_deliveries TO holdfast_app;
