-- Rate-limit state is operational and changes constantly: the application role reads and writes
-- it, and removes expired slot leases.
GRANT SELECT, INSERT, UPDATE ON provider_limits TO holdfast_app;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON provider_slots TO holdfast_app;
