-- Signed audit digests (issue 7): keys and digests are written once and never changed or deleted.
GRANT SELECT, INSERT ON audit_signing_keys TO holdfast_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON audit_digests TO holdfast_app;
