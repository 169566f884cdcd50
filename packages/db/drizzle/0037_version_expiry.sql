-- Versions whose every restore point has expired (issue 7; docs/adr/0018, "Sweep"). When the sweep
-- expires snapshots, the vault's GC may delete what only they referenced, so a version that no
-- committed or open snapshot holds any more can no longer be restored; browse, search and an item's
-- versions stopped offering it only when someone tried. The sweep now marks such a version
-- `expired_at` in the transaction that expires the snapshots, and readers skip it.
ALTER TABLE "item_versions" ADD COLUMN "expired_at" timestamp with time zone;--> statement-breakpoint
-- The mark hides history, so the database checks it for the application's roles (the worker's
-- included): a version is marked only when at least one expired snapshot of its unit held it and no
-- committed or open one does (seq within first_seq..last_seq, inclusive; an open version's range is
-- unbounded above); the mark never changes or goes away; a new version never arrives marked.
-- Definer, so the check sees every snapshot of the unit whatever the caller's RLS context.
CREATE OR REPLACE FUNCTION holdfast_version_unreachable(p_tenant uuid, p_unit uuid, p_first integer, p_last integer) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT EXISTS (SELECT 1 FROM snapshots s WHERE s.tenant_id = p_tenant AND s.unit_id = p_unit AND s.status::text = 'expired'
                     AND s.seq >= p_first AND (p_last IS NULL OR s.seq <= p_last))
       AND NOT EXISTS (SELECT 1 FROM snapshots s WHERE s.tenant_id = p_tenant AND s.unit_id = p_unit AND s.status::text IN ('committed', 'open')
                     AND s.seq >= p_first AND (p_last IS NULL OR s.seq <= p_last))
  $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION holdfast_version_unreachable(uuid, uuid, integer, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION holdfast_version_unreachable(uuid, uuid, integer, integer) TO holdfast_app;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION holdfast_item_versions_expiry_guard() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF NOT holdfast_is_app_writer() THEN RETURN NEW; END IF;
    IF TG_OP = 'INSERT' THEN
      IF NEW.expired_at IS NOT NULL THEN
        RAISE EXCEPTION 'a new item version is not expired' USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN NEW;
    END IF;
    IF OLD.expired_at IS NOT NULL AND NEW.expired_at IS DISTINCT FROM OLD.expired_at THEN
      RAISE EXCEPTION 'an expired item version stays expired' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.expired_at IS NULL AND NEW.expired_at IS NOT NULL
       AND NOT holdfast_version_unreachable(NEW.tenant_id, NEW.unit_id, NEW.first_seq, NEW.last_seq) THEN
      RAISE EXCEPTION 'an item version expires only when every snapshot that held it has expired' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END
  $$;
--> statement-breakpoint
CREATE TRIGGER item_versions_expiry_guard BEFORE INSERT OR UPDATE OF expired_at ON item_versions FOR EACH ROW EXECUTE FUNCTION holdfast_item_versions_expiry_guard();
--> statement-breakpoint
-- Versions already unreachable when this migration runs (snapshots expired by earlier sweeps).
UPDATE item_versions v SET expired_at = now()
 WHERE v.expired_at IS NULL AND holdfast_version_unreachable(v.tenant_id, v.unit_id, v.first_seq, v.last_seq);
--> statement-breakpoint
-- Expired versions are not found either (the rest of the function as in migration 0035).
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
  q := 'SELECT v.id, ' || sort_col || '::text FROM item_versions v WHERE v.tenant_id = $1 AND v.erased_at IS NULL AND v.expired_at IS NULL';
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
