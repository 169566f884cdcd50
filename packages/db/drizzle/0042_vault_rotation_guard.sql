-- Rotating the vault's credentials as a guarded kind (issue 7, ADR 0005). The guard marks the
-- request executed (the rest of holdfast_guard_apply as in migration 0039); the worker then makes
-- the new identities at the storage provider and stores them sealed through the function below,
-- which only the worker's role may call and only for an executed rotation of its own tenant.
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
          -- Past restore and export reports named them too: their path, ids and vault path, and a
          -- failure's reason can quote the vault path. Found by item id (outcomes written since
          -- migration 0039) or, for older ones, by the vault path of the items' versions — so this
          -- comes before the versions' vault paths are scrubbed. Each row keeps which erasure
          -- scrubbed it (an export holding one is no longer downloadable).
          UPDATE restore_job_items j
             SET path = '(erased)', external_id = NULL, new_external_id = NULL, vault_path = '(erased)/' || j.id,
                 reason = CASE WHEN j.reason IS NULL THEN NULL ELSE '(erased)' END, erased_by_request_id = r.id
           WHERE j.tenant_id = r.tenant_id AND j.item_id = ANY(v_ids) AND j.erased_by_request_id IS NULL;
          UPDATE restore_job_items j
             SET path = '(erased)', external_id = NULL, new_external_id = NULL, vault_path = '(erased)/' || j.id,
                 reason = CASE WHEN j.reason IS NULL THEN NULL ELSE '(erased)' END, erased_by_request_id = r.id,
                 item_id = v.item_id
            FROM item_versions v
           WHERE v.tenant_id = r.tenant_id AND v.item_id = ANY(v_ids) AND v.vault_path IS NOT NULL
             AND j.tenant_id = r.tenant_id AND j.vault_snapshot_id = v.vault_snapshot_id AND j.vault_path = v.vault_path
             AND j.erased_by_request_id IS NULL;
          -- A backup's issues about them (a path, a message quoting it).
          UPDATE run_issues ri SET path = CASE WHEN ri.path IS NULL THEN NULL ELSE '(erased)' END, message = '(erased)'
            FROM items i
           WHERE i.tenant_id = r.tenant_id AND i.id = ANY(v_ids)
             AND ri.tenant_id = r.tenant_id AND ri.unit_id = i.unit_id AND ri.item_external_id = i.external_id;
          -- The vault path is built from the item's path and name; the vault's copy is beyond use anyway.
          UPDATE item_versions
             SET erased_at = now(), name = '(erased)', path = rtrim(parent_path, '/') || '/(erased)', metadata = '{}'::jsonb,
                 vault_path = CASE WHEN vault_path IS NULL THEN NULL ELSE '(erased)/' || id END
           WHERE tenant_id = r.tenant_id AND item_id = ANY(v_ids) AND erased_at IS NULL;
        WHEN 'organization.close' THEN
          UPDATE organizations SET closed_at = now() WHERE id = r.tenant_id AND closed_at IS NULL;
          IF NOT FOUND THEN RAISE EXCEPTION 'the organisation is already closed'; END IF;
          UPDATE sources SET status = 'removed', removed_at = now(), credentials_enc = NULL, schedule_paused = true,
                 consent_state_hash = NULL, consent_expires_at = NULL, updated_at = now()
            WHERE tenant_id = r.tenant_id AND status::text <> 'removed';
          UPDATE api_keys SET revoked_at = now() WHERE tenant_id = r.tenant_id AND revoked_at IS NULL;
        WHEN 'vault.rotate_credentials' THEN
          -- The worker does the rotation once this is executed (new identities at the provider,
          -- then holdfast_vault_store_rotation): here only that there is a vault to rotate.
          PERFORM 1 FROM tenant_vaults WHERE tenant_id = r.tenant_id;
          IF NOT FOUND THEN RAISE EXCEPTION 'the organisation has no vault'; END IF;
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
CREATE OR REPLACE FUNCTION holdfast_vault_store_rotation(p_request uuid, p_writer text, p_reader text, p_gc text, p_retired text[]) RETURNS boolean
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
  DECLARE
    r guarded_requests;
    v tenant_vaults;
  BEGIN
    SELECT * INTO r FROM guarded_requests WHERE id = p_request;
    IF NOT FOUND OR r.tenant_id IS DISTINCT FROM app_tenant_id() THEN
      RAISE EXCEPTION 'there is no guarded request % in this organisation', p_request USING ERRCODE = 'no_data_found';
    END IF;
    IF r.kind <> 'vault.rotate_credentials' THEN
      RAISE EXCEPTION 'request % is %, not a rotation of the vault''s credentials', p_request, r.kind USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF r.status::text <> 'executed' THEN
      RAISE EXCEPTION 'this rotation is %, not executed', r.status USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    SELECT * INTO v FROM tenant_vaults WHERE tenant_id = r.tenant_id FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'the organisation has no vault' USING ERRCODE = 'no_data_found';
    END IF;
    -- Stored already by an earlier attempt, or overtaken by a rotation after this one was executed.
    IF v.credentials_rotated_by_request_id = p_request OR v.credentials_rotated_at > r.executed_at THEN
      RETURN false;
    END IF;
    UPDATE tenant_vaults
       SET writer_enc = p_writer, reader_enc = p_reader, gc_enc = p_gc,
           credentials_rotated_at = now(), credentials_rotated_by_request_id = p_request, retired_access_key_ids = coalesce(p_retired, '{}')
     WHERE tenant_id = r.tenant_id;
    INSERT INTO audit_events (tenant_id, actor_type, actor_id, action, target_type, target_id, metadata)
    VALUES (r.tenant_id, 'system', 'worker', 'vault.credentials_rotated', 'vault', v.bucket,
            jsonb_build_object('requestId', r.id, 'retiredAccessKeyIds', to_jsonb(coalesce(p_retired, '{}'))));
    RETURN true;
  END
  $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION holdfast_vault_store_rotation(uuid, text, text, text, text[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION holdfast_vault_store_rotation(uuid, text, text, text, text[]) TO holdfast_worker;
