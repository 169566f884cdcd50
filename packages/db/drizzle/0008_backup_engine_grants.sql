-- A tenant's vault record is written once, when the vault is provisioned, and never changed: the
-- application role may read and insert it, not update or delete it (a swapped bucket or identity
-- would be an intruder's first move). Restore jobs are updated as they run; their per-item
-- outcomes are append-only history.
GRANT SELECT, INSERT ON tenant_vaults TO holdfast_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON restore_jobs TO holdfast_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON restore_job_items TO holdfast_app;
