-- The catalogue is history: the application role may add and update rows (close a version's range,
-- mark a unit gone, finish a run) but not DELETE or TRUNCATE them. Removing expired versions is
-- the retention sweep's job, under a grant of its own when it is built.
GRANT SELECT, INSERT, UPDATE ON sources, units, backup_runs, snapshots, items, item_versions TO holdfast_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON run_issues TO holdfast_app;
