package dev.pgindex.operator.postgres;

import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.Test;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The schema read of a PostgresIndexSet's pattern, against real PostgreSQL. */
class SchemasTest {
    static final Databases DATABASES = new Databases(5, 30);

    @Test
    void shouldMatchExistingSchemasByPatternInNameOrderWithoutSystemSchemas() throws Exception {
        ConnectionInfo db = TestPostgres.newDatabase();
        exec(db, "CREATE SCHEMA tenant_b", "CREATE SCHEMA tenant_a", "CREATE SCHEMA \"Tenant_C\"",
                "CREATE SCHEMA shared", "CREATE SCHEMA pgx");
        assertThat(Schemas.matching(DATABASES, db, "^tenant_")).containsExactly("tenant_a", "tenant_b");
        // embedded options only at the very start: anywhere else the pattern is invalid
        assertThatThrownBy(() -> Schemas.matching(DATABASES, db, "^(?i)tenant_"))
                .isInstanceOf(DatabaseException.class).hasMessageContaining("invalid regular expression");
        assertThat(Schemas.matching(DATABASES, db, "(?i)^tenant_")).containsExactly("Tenant_C", "tenant_a", "tenant_b");
        // everything matches '.', but never pg_catalog, pg_toast, information_schema or any pg_* schema
        assertThat(Schemas.matching(DATABASES, db, ".")).containsExactly("Tenant_C", "pgx", "public", "shared",
                "tenant_a", "tenant_b");
    }

    @Test
    void shouldTakeThePatternAsABindParameterAndReportABadOneAsAFailure() throws Exception {
        ConnectionInfo db = TestPostgres.newDatabase();
        exec(db, "CREATE SCHEMA tenant_a");
        assertThat(Schemas.matching(DATABASES, db, "x'; DROP SCHEMA tenant_a; --")).isEmpty();
        assertThat(Schemas.matching(DATABASES, db, "^tenant_a$")).containsExactly("tenant_a");
        assertThatThrownBy(() -> Schemas.matching(DATABASES, db, "(unclosed"))
                .isInstanceOf(DatabaseException.class).hasMessageContaining("regular expression");
    }
}
