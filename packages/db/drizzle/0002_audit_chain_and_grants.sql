-- Audit chain: every row carries the hash of its tenant's previous row. The application role
-- may only INSERT and SELECT; this trigger assigns seq, prev_hash, hash and occurred_at, and
-- rejects any attempt by the caller to supply them. The canonical text hashed here is specified
-- in docs/audit-chain.md and recomputed independently by the verifyAuditChain activity.
CREATE OR REPLACE FUNCTION audit_event_canonical(e audit_events) RETURNS text
  LANGUAGE sql IMMUTABLE
  AS $$
    SELECT concat_ws(E'\n',
      'holdfast-audit-v1',
      e.tenant_id::text,
      e.seq::text,
      to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
      e.actor_type,
      coalesce(e.actor_id, ''),
      e.action,
      coalesce(e.target_type, ''),
      coalesce(e.target_id, ''),
      coalesce(e.request_id, ''),
      coalesce(e.ip, ''),
      e.metadata::text,
      e.prev_hash)
  $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_events_chain() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
DECLARE
  last_seq bigint;
  last_hash text;
BEGIN
  IF NEW.seq IS NOT NULL OR NEW.prev_hash IS NOT NULL OR NEW.hash IS NOT NULL THEN
    RAISE EXCEPTION 'audit chain violation: seq, prev_hash and hash are assigned by the database'
      USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.occurred_at IS DISTINCT FROM now() THEN
    RAISE EXCEPTION 'audit chain violation: occurred_at is assigned by the database'
      USING ERRCODE = 'check_violation';
  END IF;
  -- Serialise appends per tenant so two writers cannot fork the chain.
  PERFORM pg_advisory_xact_lock(hashtextextended('holdfast.audit:' || NEW.tenant_id::text, 0));
  SELECT a.seq, a.hash INTO last_seq, last_hash
    FROM audit_events a WHERE a.tenant_id = NEW.tenant_id ORDER BY a.seq DESC LIMIT 1;
  NEW.seq := coalesce(last_seq, 0) + 1;
  NEW.prev_hash := coalesce(last_hash, repeat('0', 64));
  NEW.hash := encode(sha256(convert_to(audit_event_canonical(NEW), 'UTF8')), 'hex');
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_chain();
--> statement-breakpoint
-- API keys are looked up by prefix before the tenant is known. This narrow definer function is
-- the only way the application role reads api_keys outside a tenant transaction.
CREATE OR REPLACE FUNCTION holdfast_api_key_lookup(p_prefix text)
  RETURNS TABLE (id uuid, tenant_id uuid, secret_hash text, role member_role, expires_at timestamptz, revoked_at timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT k.id, k.tenant_id, k.secret_hash, k.role, k.expires_at, k.revoked_at FROM api_keys k WHERE k.prefix = p_prefix $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION holdfast_api_key_lookup(text) FROM PUBLIC;
--> statement-breakpoint
-- RLS is not FORCEd: the owner is the migration role, whose definer functions above must see
-- across tenants; the application role is never the owner, so RLS always applies to it.
-- Least privilege for the application role: no DELETE where a row is history (audit events,
-- API keys are revoked, not deleted) and no TRUNCATE, DDL or ownership anywhere.
GRANT USAGE ON SCHEMA public TO holdfast_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON organizations, users, api_keys TO holdfast_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON memberships, invitations, accounts, sessions, verification_tokens, login_attempts TO holdfast_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON audit_events TO holdfast_app;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_tenant_id(), app_user_id(), holdfast_api_key_lookup(text) TO holdfast_app;
