package dev.pgindex.operator.postgres;

import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.Optional;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static org.assertj.core.api.Assertions.assertThat;

/** The usage read on real PostgreSQL: what an index enforces (pg_constraint.conindid, indisunique), its size. */
class UsageReadsTest {
    @Test
    void shouldNameWhatAnIndexEnforces() throws Exception {
        ConnectionInfo db = TestPostgres.newDatabase();
        exec(db, "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, nick text, during tstzrange)",
                "CREATE UNIQUE INDEX users_email_key ON users (email)",
                "CREATE UNIQUE INDEX users_nick_key ON users (nick)",
                "CREATE INDEX users_lower_idx ON users (lower(email))",
                "CREATE TABLE orders (id bigint, email text REFERENCES users (email))",
                "CREATE EXTENSION IF NOT EXISTS btree_gist",
                "ALTER TABLE users ADD CONSTRAINT users_no_overlap EXCLUDE USING gist (nick WITH =, during WITH &&)");
        try (Connection c = TestPostgres.connect(db)) {
            assertThat(enforces(c, "users_pkey")).contains("primary key users_pkey");
            assertThat(enforces(c, "users_email_key")).contains("foreign key orders_email_fkey");
            assertThat(enforces(c, "users_nick_key")).contains("uniqueness");
            assertThat(enforces(c, "users_no_overlap")).contains("exclusion constraint users_no_overlap");
            assertThat(enforces(c, "users_lower_idx")).isEmpty();
            UsageReads.Reading r = UsageReads.read(c, "public", "users_lower_idx").orElseThrow();
            assertThat(r.sizeBytes()).isEqualTo(8192);
            assertThat(r.idxScan()).isZero();
            assertThat(r.hasLastIdxScan()).isEqualTo(c.getMetaData().getDatabaseMajorVersion() >= 16);
            assertThat(UsageReads.read(c, "public", "users")).as("a table is no index").isEmpty();
            assertThat(UsageReads.read(c, "public", "nope")).isEmpty();
        }
    }

    private static Optional<String> enforces(Connection c, String index) throws Exception {
        return Optional.ofNullable(UsageReads.read(c, "public", index).orElseThrow().enforces());
    }
}
