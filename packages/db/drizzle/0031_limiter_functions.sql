-- Provider rate-limit state in one round trip per operation (bench/README.md, "What limits it"):
-- each function binds the tenant itself and does the whole operation as one statement's work, so a
-- provider request costs the worker a handful of short statements instead of five transactions of
-- four to seven round trips each. They are SECURITY INVOKER: the tables' RLS policies still apply
-- (the tenant they bind is the one whose rows they may touch), and the SET clause confines the
-- tenant they bind to the function, so a call inside another tenant's transaction leaves that
-- transaction's tenant as it was.
CREATE FUNCTION holdfast_limiter_take(p_tenant uuid, p_key text, p_cost double precision, p_capacity double precision, p_refill_per_second double precision, p_now timestamptz)
  RETURNS integer
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = public, pg_temp SET app.tenant_id = ''
  AS $$
DECLARE
  have double precision;
  last timestamptz;
  avail double precision;
BEGIN
  IF p_cost > p_capacity THEN
    RAISE EXCEPTION 'a request costing % can never fit bucket % of capacity %', p_cost, p_key, p_capacity USING ERRCODE = 'invalid_parameter_value';
  END IF;
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  INSERT INTO provider_limits (tenant_id, key, tokens, refilled_at) VALUES (p_tenant, p_key, p_capacity, p_now) ON CONFLICT DO NOTHING;
  SELECT tokens, refilled_at INTO have, last FROM provider_limits WHERE tenant_id = p_tenant AND key = p_key FOR UPDATE;
  last := coalesce(last, p_now);
  avail := least(p_capacity, coalesce(have, p_capacity) + greatest(0, extract(epoch FROM (p_now - last))) * p_refill_per_second);
  UPDATE provider_limits
     SET tokens = CASE WHEN avail >= p_cost THEN avail - p_cost ELSE avail END,
         refilled_at = greatest(p_now, last)
   WHERE tenant_id = p_tenant AND key = p_key;
  IF avail >= p_cost THEN RETURN 0; END IF;
  RETURN ceil((p_cost - avail) / p_refill_per_second * 1000)::integer;
END
$$;
--> statement-breakpoint
-- The latest fence over `p_keys` (null when none).
CREATE FUNCTION holdfast_limiter_fence(p_tenant uuid, p_keys text[])
  RETURNS timestamptz
  LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = public, pg_temp SET app.tenant_id = ''
  AS $$
DECLARE
  f timestamptz;
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  SELECT max(fence_until) INTO f FROM provider_limits WHERE tenant_id = p_tenant AND key = ANY(p_keys);
  RETURN f;
END
$$;
--> statement-breakpoint
CREATE FUNCTION holdfast_limiter_raise_fence(p_tenant uuid, p_key text, p_until timestamptz)
  RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = public, pg_temp SET app.tenant_id = ''
  AS $$
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  INSERT INTO provider_limits (tenant_id, key, fence_until) VALUES (p_tenant, p_key, p_until)
    ON CONFLICT (tenant_id, key) DO UPDATE SET fence_until = greatest(provider_limits.fence_until, excluded.fence_until);
END
$$;
--> statement-breakpoint
-- One of `p_max` slots of `p_key`, as a lease that lapses after `p_lease_ms` (a worker that died
-- holding it); null when all are taken. Acquisitions of one key are serialised across workers.
CREATE FUNCTION holdfast_limiter_acquire_slot(p_tenant uuid, p_key text, p_max integer, p_lease_ms integer)
  RETURNS uuid
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = public, pg_temp SET app.tenant_id = ''
  AS $$
DECLARE
  held integer;
  lease uuid;
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  PERFORM pg_advisory_xact_lock(hashtextextended('holdfast.slot:' || p_tenant::text || ':' || p_key, 0));
  DELETE FROM provider_slots WHERE tenant_id = p_tenant AND key = p_key AND expires_at < now();
  SELECT count(*) INTO held FROM provider_slots WHERE tenant_id = p_tenant AND key = p_key;
  IF held >= p_max THEN RETURN NULL; END IF;
  INSERT INTO provider_slots (tenant_id, key, expires_at) VALUES (p_tenant, p_key, now() + make_interval(secs => p_lease_ms / 1000.0))
    RETURNING id INTO lease;
  RETURN lease;
END
$$;
--> statement-breakpoint
CREATE FUNCTION holdfast_limiter_release_slot(p_tenant uuid, p_lease uuid)
  RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = public, pg_temp SET app.tenant_id = ''
  AS $$
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  DELETE FROM provider_slots WHERE tenant_id = p_tenant AND id = p_lease;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION holdfast_limiter_take(uuid, text, double precision, double precision, double precision, timestamptz) FROM PUBLIC;
--> statement-breakpoint
REVOKE ALL ON FUNCTION holdfast_limiter_fence(uuid, text[]) FROM PUBLIC;
--> statement-breakpoint
REVOKE ALL ON FUNCTION holdfast_limiter_raise_fence(uuid, text, timestamptz) FROM PUBLIC;
--> statement-breakpoint
REVOKE ALL ON FUNCTION holdfast_limiter_acquire_slot(uuid, text, integer, integer) FROM PUBLIC;
--> statement-breakpoint
REVOKE ALL ON FUNCTION holdfast_limiter_release_slot(uuid, uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION holdfast_limiter_take(uuid, text, double precision, double precision, double precision, timestamptz) TO holdfast_app;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION holdfast_limiter_fence(uuid, text[]) TO holdfast_app;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION holdfast_limiter_raise_fence(uuid, text, timestamptz) TO holdfast_app;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION holdfast_limiter_acquire_slot(uuid, text, integer, integer) TO holdfast_app;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION holdfast_limiter_release_slot(uuid, uuid) TO holdfast_app;
