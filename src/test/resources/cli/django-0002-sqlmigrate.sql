BEGIN;
--
-- Custom state/database change combination
--
CREATE UNIQUE INDEX CONCURRENTLY users_email_uniq ON users_user(email);
COMMIT;
