-- Restore drills (issue 7): the worker records each drill; nothing deletes them.
GRANT SELECT, INSERT, UPDATE ON vault_drills TO holdfast_app;
