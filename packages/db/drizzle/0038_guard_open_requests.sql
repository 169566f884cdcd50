-- A pending request nobody was told about (issue 7's drill: the application role can insert a row
-- into guarded_requests; the trigger makes it pending with the database's delay, but no workflow
-- announces it). The hourly protection check now starts the request's workflow for every open
-- request whose workflow is not running, and that workflow announces it like any other; so the
-- row's workflow id is the database's to give, one name per request (the rest of the function as
-- in migration 0020).
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
      -- The workflow that announces it and waits for a decision has one name per request, whatever the writer said.
      NEW.workflow_id := 'guarded-request:' || NEW.id::text;
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
-- The open requests of every tenant (ids only), for the worker's hourly check: its one cross-tenant read.
CREATE OR REPLACE FUNCTION holdfast_open_guarded_requests()
  RETURNS TABLE (tenant_id uuid, request_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT g.tenant_id, g.id FROM guarded_requests g WHERE g.status::text IN ('pending', 'approved') ORDER BY g.requested_at, g.id $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION holdfast_open_guarded_requests() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION holdfast_open_guarded_requests() TO holdfast_worker;
--> statement-breakpoint
-- Rows inserted before this migration keep the name they were given only if it is the canonical one.
UPDATE guarded_requests SET workflow_id = 'guarded-request:' || id::text WHERE workflow_id IS DISTINCT FROM 'guarded-request:' || id::text;
