-- Issue 7: erasing items from backups (e.g. a GDPR request) and closing the organisation are
-- guarded requests (kinds added by the migration before this one; ADR 0023). Only the guard sets the
-- erasure and closure marks; catalogue search skips erased versions.
CREATE OR REPLACE FUNCTION holdfast_items_erasure_guard() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF holdfast_is_app_writer() AND (NEW.erased_at IS DISTINCT FROM OLD.erased_at OR NEW.erased_by_request_id IS DISTINCT FROM OLD.erased_by_request_id) THEN
      RAISE EXCEPTION 'erasing an item from backups needs an approved guarded request' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END
  $$;
--> statement-breakpoint
CREATE TRIGGER items_erasure_guard BEFORE UPDATE ON items FOR EACH ROW EXECUTE FUNCTION holdfast_items_erasure_guard();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION holdfast_item_versions_erasure_guard() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF holdfast_is_app_writer() AND NEW.erased_at IS DISTINCT FROM OLD.erased_at THEN
      RAISE EXCEPTION 'erasing an item from backups needs an approved guarded request' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END
  $$;
--> statement-breakpoint
CREATE TRIGGER item_versions_erasure_guard BEFORE UPDATE ON item_versions FOR EACH ROW EXECUTE FUNCTION holdfast_item_versions_erasure_guard();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION holdfast_erasure_insert_guard() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF holdfast_is_app_writer() AND NEW.erased_at IS NOT NULL THEN
      RAISE EXCEPTION 'only the guard erases' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END
  $$;
--> statement-breakpoint
CREATE TRIGGER items_erasure_insert_guard BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION holdfast_erasure_insert_guard();
--> statement-breakpoint
CREATE TRIGGER item_versions_erasure_insert_guard BEFORE INSERT ON item_versions FOR EACH ROW EXECUTE FUNCTION holdfast_erasure_insert_guard();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION holdfast_organizations_close_guard() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF holdfast_is_app_writer() AND NEW.closed_at IS DISTINCT FROM (CASE WHEN TG_OP = 'UPDATE' THEN OLD.closed_at END) THEN
      RAISE EXCEPTION 'closing an organisation needs an approved guarded request' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END
  $$;
--> statement-breakpoint
CREATE TRIGGER organizations_close_guard BEFORE INSERT OR UPDATE ON organizations FOR EACH ROW EXECUTE FUNCTION holdfast_organizations_close_guard();
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
    v_ids uuid[];
    n integer;
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
        WHEN 'items.erase' THEN
          -- Erasure (e.g. GDPR): every version is hidden from every reader and its name, path and
          -- metadata scrubbed (search_tsv and sender are generated from them). The vault's copy stays
          -- under its compliance lock until its retention date, beyond use (ADR 0023).
          SELECT array_agg(DISTINCT x::uuid) INTO v_ids FROM jsonb_array_elements_text(p->'itemIds') AS x;
          IF v_ids IS NULL OR cardinality(v_ids) = 0 THEN RAISE EXCEPTION 'the request names no items to erase'; END IF;
          UPDATE items SET erased_at = now(), erased_by_request_id = r.id
            WHERE tenant_id = r.tenant_id AND id = ANY(v_ids) AND erased_at IS NULL;
          GET DIAGNOSTICS n = ROW_COUNT;
          IF n = 0 THEN RAISE EXCEPTION 'none of the items is left to erase (unknown or already erased)'; END IF;
          UPDATE item_versions
             SET erased_at = now(), name = '(erased)', path = rtrim(parent_path, '/') || '/(erased)', metadata = '{}'::jsonb
           WHERE tenant_id = r.tenant_id AND item_id = ANY(v_ids) AND erased_at IS NULL;
          -- Past restore and export reports named them too.
          UPDATE restore_job_items j SET path = '(erased)', external_id = NULL
            FROM item_versions v
           WHERE v.tenant_id = r.tenant_id AND v.item_id = ANY(v_ids)
             AND j.tenant_id = r.tenant_id AND j.vault_snapshot_id = v.vault_snapshot_id AND j.vault_path = v.vault_path;
        WHEN 'organization.close' THEN
          UPDATE organizations SET closed_at = now() WHERE id = r.tenant_id AND closed_at IS NULL;
          IF NOT FOUND THEN RAISE EXCEPTION 'the organisation is already closed'; END IF;
          UPDATE sources SET status = 'removed', removed_at = now(), credentials_enc = NULL, schedule_paused = true,
                 consent_state_hash = NULL, consent_expires_at = NULL, updated_at = now()
            WHERE tenant_id = r.tenant_id AND status::text <> 'removed';
          UPDATE api_keys SET revoked_at = now() WHERE tenant_id = r.tenant_id AND revoked_at IS NULL;
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
-- Erased versions are never found (the rest of the function as before).
CREATE OR REPLACE FUNCTION holdfast_catalogue_search(
  p_tsquery text, p_sender text, p_sender_exact boolean, p_unit_ids uuid[], p_kinds text[], p_folder text,
  p_from timestamptz, p_to timestamptz, p_deleted_only boolean,
  p_after_key timestamptz, p_after_id uuid, p_limit integer)
  RETURNS TABLE (version_id uuid, sort_key text)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
DECLARE
  tenant uuid := app_tenant_id();
  by_item_date boolean := p_from IS NOT NULL OR p_to IS NOT NULL;
  sort_col text := CASE WHEN by_item_date THEN 'v.modified_at' ELSE 'v.captured_at' END;
  folder_like text;
  sender_like text;
  q text;
BEGIN
  IF tenant IS NULL THEN
    RAISE EXCEPTION 'catalogue search needs a tenant transaction (app.tenant_id is not set)' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF p_limit IS NULL OR p_limit < 1 OR p_limit > 1001 THEN
    RAISE EXCEPTION 'catalogue search limit must be between 1 and 1001, got %', p_limit USING ERRCODE = 'invalid_parameter_value';
  END IF;
  q := 'SELECT v.id, ' || sort_col || '::text FROM item_versions v WHERE v.tenant_id = $1 AND v.erased_at IS NULL';
  IF p_tsquery IS NOT NULL THEN q := q || ' AND v.search_tsv @@ to_tsquery(''simple'', $2)'; END IF;
  IF p_sender IS NOT NULL THEN
    IF p_sender_exact THEN
      q := q || ' AND v.sender = $3';
    ELSE
      sender_like := replace(replace(replace(p_sender, '\', '\\'), '%', '\%'), '_', '\_') || '%';
      q := q || ' AND v.sender LIKE $4';
    END IF;
  END IF;
  -- One unit is an equality, so (unit_id, captured_at, id) can return it in order.
  IF cardinality(p_unit_ids) = 1 THEN q := q || ' AND v.unit_id = $5[1]';
  ELSIF p_unit_ids IS NOT NULL THEN q := q || ' AND v.unit_id = ANY($5)'; END IF;
  IF p_kinds IS NOT NULL THEN q := q || ' AND v.kind = ANY($6)'; END IF;
  IF p_folder IS NOT NULL THEN
    folder_like := replace(replace(replace(p_folder, '\', '\\'), '%', '\%'), '_', '\_') || '/%';
    q := q || ' AND (v.parent_path = $7 OR v.parent_path LIKE $8)';
  END IF;
  IF p_from IS NOT NULL THEN q := q || ' AND v.modified_at >= $9'; END IF;
  IF p_to IS NOT NULL THEN q := q || ' AND v.modified_at < $10'; END IF;
  IF by_item_date THEN q := q || ' AND v.modified_at IS NOT NULL'; END IF;
  -- The version that was current when its item was deleted.
  IF p_deleted_only THEN q := q || ' AND v.end_reason = ''deleted'''; END IF;
  IF p_after_key IS NOT NULL THEN q := q || ' AND (' || sort_col || ', v.id) < ($11, $12)'; END IF;
  q := q || ' ORDER BY ' || sort_col || ' DESC, v.id DESC LIMIT $13';
  RETURN QUERY EXECUTE q USING tenant, p_tsquery, p_sender, sender_like, p_unit_ids, p_kinds, p_folder, folder_like, p_from, p_to, p_after_key, p_after_id, p_limit;
END
$$;
