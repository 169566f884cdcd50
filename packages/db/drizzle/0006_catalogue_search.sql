-- Catalogue search runs here, not as a plain query under RLS: `tsvector @@ tsquery` is not
-- LEAKPROOF, so under a row-level-security policy Postgres may not use it as an index condition
-- and every search became a scan of the tenant's versions. This narrow definer function applies
-- the same rule as the policy (tenant_id = app_tenant_id(), refusing to run without a tenant) and
-- returns only version ids and sort keys; the caller then reads the rows themselves under RLS.
-- The query is built per call (EXECUTE … USING), so each one is planned with its actual values.
-- Order: newest capture first; with an item-date range, newest item date first (so the
-- (tenant_id, modified_at) index serves the range and the order). See docs/adr/0008-catalogue-ranges.md.
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
  q := 'SELECT v.id, ' || sort_col || '::text FROM item_versions v WHERE v.tenant_id = $1';
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
--> statement-breakpoint
REVOKE ALL ON FUNCTION holdfast_catalogue_search(text, text, boolean, uuid[], text[], text, timestamptz, timestamptz, boolean, timestamptz, uuid, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION holdfast_catalogue_search(text, text, boolean, uuid[], text[], text, timestamptz, timestamptz, boolean, timestamptz, uuid, integer) TO holdfast_app;
