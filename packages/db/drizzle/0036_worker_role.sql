-- The worker's own database role (docs/adr/0024-worker-database-role.md). Until now the console and
-- the worker wrote the catalogue with the same role, so an intruder holding the application role's
-- credential (the drill's "direct write access to our Postgres") could open a snapshot of an
-- account and, inside the freeze rules of migration 0029, end that account's item versions early:
-- the vault kept every byte, but browse and search stopped showing them. The catalogue's history
-- is written by the backup engine only, so only the worker's role may write it now.
--
-- holdfast_worker is a member of holdfast_app: it inherits every grant and row-level policy the
-- application role has (so every tenant policy written "TO holdfast_app" binds it too), and on top
-- of them it alone may add to and update snapshots, items, item versions and run issues. It is
-- NOBYPASSRLS like the others.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'holdfast_worker') THEN
    CREATE ROLE holdfast_worker LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE INHERIT IN ROLE holdfast_app;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
--> statement-breakpoint
-- A role made by hand before this migration still gets the membership (a no-op when it has it).
DO $$
BEGIN
  IF NOT pg_has_role('holdfast_worker', 'holdfast_app', 'MEMBER') THEN
    GRANT holdfast_app TO holdfast_worker;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
--> statement-breakpoint
REVOKE INSERT, UPDATE ON snapshots, items, item_versions FROM holdfast_app;
--> statement-breakpoint
REVOKE INSERT ON run_issues FROM holdfast_app;
--> statement-breakpoint
GRANT INSERT, UPDATE ON snapshots, items, item_versions TO holdfast_worker;
--> statement-breakpoint
GRANT INSERT ON run_issues TO holdfast_worker;
--> statement-breakpoint
-- The worker's writes are the application's writes: the freeze and guard triggers of migrations
-- 0020–0035 apply to it as they do to the console (only the owner's definer functions pass them).
CREATE OR REPLACE FUNCTION holdfast_is_app_writer() RETURNS boolean
  LANGUAGE sql STABLE
  AS $$ SELECT current_user IN ('holdfast_app', 'holdfast_guard', 'holdfast_worker') $$;
