-- Issue 7 (ADR 0023): people who only self-serve their own data in an organisation see that it was
-- closed, as its members do. The definer function that lists their units now says when each
-- organisation was closed (the person cannot read the organisations row itself under RLS). The
-- result's shape changes, so the function is dropped and created again; the body is 0016's.
DROP FUNCTION holdfast_self_service_units();
--> statement-breakpoint
CREATE FUNCTION holdfast_self_service_units()
  RETURNS TABLE (tenant_id uuid, organization_name text, unit_id uuid, closed_at timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT u.tenant_id, o.name, u.id, o.closed_at
      FROM user_identities i
      JOIN sources s ON s.provider::text = i.provider AND lower(s.external_account_id) = i.directory_id AND s.status::text <> 'pending_consent'
      JOIN organizations o ON o.id = s.tenant_id AND o.self_service_enabled
      JOIN units u ON u.source_id = s.id AND u.tenant_id = s.tenant_id AND u.owner_external_id = i.subject
     WHERE i.user_id = app_user_id()
  $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION holdfast_self_service_units() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION holdfast_self_service_units() TO holdfast_app;
