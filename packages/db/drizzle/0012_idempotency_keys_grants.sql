-- Idempotency records are written on the first request, completed with its response, and expire
-- after 24 hours (the application removes expired ones when it meets them).
GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO holdfast_app;
