-- What the "compromised admin" drill found (apps/worker/src/compromised-admin.int.test.ts): with the
-- application role's connection, an intruder could rewrite the catalogue — mark committed snapshots
-- failed, point them at another vault snapshot, null the vault location of item versions — so the
-- console showed accounts as empty while the vault still held everything. The catalogue's committed
-- facts are now fixed once written, for the application's roles:
-- - a committed (or expired) snapshot's identity, vault snapshot, times and totals never change, and
--   its status only goes committed → expired (migration 0022 checks when);
-- - an item version's identity, first seq and vault location/hash never change once set; it is ended
--   (last_seq) only once, at the seq before a snapshot of its unit that is still open (the run that
--   saw it change or vanish), as the backup engine does;
-- - an item is marked deleted only at an open snapshot's seq.
-- The worker writes the catalogue with the same role today, so a determined intruder who also opens a
-- snapshot can still end versions early; a separate worker role (next) closes that.
CREATE OR REPLACE FUNCTION holdfast_snapshots_freeze() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF NOT holdfast_is_app_writer() THEN RETURN NEW; END IF;
    IF OLD.status::text IN ('committed', 'expired') THEN
      IF (NEW.tenant_id, NEW.unit_id, NEW.run_id, NEW.seq, NEW.vault_snapshot_id, NEW.started_at, NEW.committed_at, NEW.item_count, NEW.bytes)
         IS DISTINCT FROM (OLD.tenant_id, OLD.unit_id, OLD.run_id, OLD.seq, OLD.vault_snapshot_id, OLD.started_at, OLD.committed_at, OLD.item_count, OLD.bytes) THEN
        RAISE EXCEPTION 'a committed snapshot does not change' USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF NEW.status::text <> OLD.status::text AND NOT (OLD.status::text = 'committed' AND NEW.status::text = 'expired') THEN
        RAISE EXCEPTION 'a committed snapshot only ever expires (it cannot become %)', NEW.status USING ERRCODE = 'insufficient_privilege';
      END IF;
    END IF;
    RETURN NEW;
  END
  $$;
--> statement-breakpoint
CREATE TRIGGER snapshots_freeze BEFORE UPDATE ON snapshots FOR EACH ROW EXECUTE FUNCTION holdfast_snapshots_freeze();
--> statement-breakpoint
-- The seq of a snapshot of the unit that is still open: the run in progress.
CREATE OR REPLACE FUNCTION holdfast_open_snapshot_seq(p_tenant uuid, p_unit uuid, p_seq integer) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$ SELECT EXISTS (SELECT 1 FROM snapshots s WHERE s.tenant_id = p_tenant AND s.unit_id = p_unit AND s.seq = p_seq AND s.status::text = 'open') $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION holdfast_item_versions_freeze() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF NOT holdfast_is_app_writer() THEN RETURN NEW; END IF;
    IF (NEW.id, NEW.tenant_id, NEW.item_id, NEW.unit_id, NEW.kind, NEW.version, NEW.first_seq, NEW.captured_at)
       IS DISTINCT FROM (OLD.id, OLD.tenant_id, OLD.item_id, OLD.unit_id, OLD.kind, OLD.version, OLD.first_seq, OLD.captured_at)
       OR (OLD.vault_snapshot_id IS NOT NULL AND NEW.vault_snapshot_id IS DISTINCT FROM OLD.vault_snapshot_id)
       OR (OLD.vault_path IS NOT NULL AND NEW.vault_path IS DISTINCT FROM OLD.vault_path)
       OR (OLD.content_sha256 IS NOT NULL AND NEW.content_sha256 IS DISTINCT FROM OLD.content_sha256) THEN
      RAISE EXCEPTION 'a captured item version does not change' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.last_seq IS DISTINCT FROM OLD.last_seq THEN
      IF OLD.last_seq IS NOT NULL OR NEW.last_seq IS NULL OR NEW.last_seq < NEW.first_seq
         OR NOT holdfast_open_snapshot_seq(NEW.tenant_id, NEW.unit_id, NEW.last_seq + 1) THEN
        RAISE EXCEPTION 'an item version ends only once, at a backup of its account in progress' USING ERRCODE = 'insufficient_privilege';
      END IF;
    END IF;
    RETURN NEW;
  END
  $$;
--> statement-breakpoint
CREATE TRIGGER item_versions_freeze BEFORE UPDATE ON item_versions FOR EACH ROW EXECUTE FUNCTION holdfast_item_versions_freeze();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION holdfast_items_freeze() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF NOT holdfast_is_app_writer() THEN RETURN NEW; END IF;
    IF (NEW.id, NEW.tenant_id, NEW.unit_id, NEW.external_id, NEW.kind) IS DISTINCT FROM (OLD.id, OLD.tenant_id, OLD.unit_id, OLD.external_id, OLD.kind) THEN
      RAISE EXCEPTION 'an item does not move' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.deleted_seq IS NOT NULL AND NEW.deleted_seq IS DISTINCT FROM OLD.deleted_seq AND NOT holdfast_open_snapshot_seq(NEW.tenant_id, NEW.unit_id, NEW.deleted_seq) THEN
      RAISE EXCEPTION 'an item is marked deleted only by a backup of its account in progress' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.deleted_at IS NOT NULL AND NEW.deleted_at IS DISTINCT FROM OLD.deleted_at AND NEW.deleted_seq IS NULL THEN
      RAISE EXCEPTION 'an item is marked deleted only by a backup of its account in progress' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END
  $$;
--> statement-breakpoint
CREATE TRIGGER items_freeze BEFORE UPDATE ON items FOR EACH ROW EXECUTE FUNCTION holdfast_items_freeze();
--> statement-breakpoint
-- Turning off the automatic protection of a source's new accounts is a weakening (the drill found it
-- applied at once): it becomes a guarded request, and the application role cannot do it directly.
-- (The kind is added to guarded_requests_kind_known by migration 0030.)
CREATE OR REPLACE FUNCTION holdfast_sources_guard() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF holdfast_is_app_writer() AND OLD.auto_protect_new_units AND NOT NEW.auto_protect_new_units THEN
      RAISE EXCEPTION 'turning off the automatic protection of new accounts needs an approved guarded request' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END
  $$;
--> statement-breakpoint
CREATE TRIGGER sources_guard BEFORE UPDATE OF auto_protect_new_units ON sources FOR EACH ROW EXECUTE FUNCTION holdfast_sources_guard();
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
