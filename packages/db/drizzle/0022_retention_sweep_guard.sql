-- retentionSweep's records (issue 7). The application role writes a tenant's sweep log.
GRANT SELECT, INSERT, UPDATE ON retention_sweeps TO holdfast_app;
