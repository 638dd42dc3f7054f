package dev.pgindex.operator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.postgres.SqlScript;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.support.EngineHarness;
import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * kubectl pgindex from-sql on real PostgreSQL: migration files become manifests that the engine builds into the very
 * index the SQL describes; anything that is not a CREATE INDEX is never run.
 */
class FromSqlTest {
    @TempDir
    Path dir;

    static String file(Path dir, String sql) throws Exception {
        Path p = dir.resolve("in.sql");
        Files.writeString(p, sql);
        return p.toString();
    }

    @Test
    void shouldTurnTheDjangoSqlmigrateOutputIntoAManifestTheEngineBuilds() throws Exception {
        ConnectionInfo db = TestPostgres.newDatabase();
        exec(db, "CREATE TABLE users_user (id bigserial PRIMARY KEY, email varchar(254) NOT NULL)",
                "INSERT INTO users_user (email) SELECT 'u' || g || '@example.com' FROM generate_series(1, 1000) g");
        PluginRun run = PluginRun.of("from-sql", "--dsn", PluginRun.dsn(db), "--secret", "db-app", "-o", "json",
                "src/test/resources/cli/django-0002-sqlmigrate.sql");
        assertThat(run.code()).as(run.err()).isZero();
        List<JsonNode> items = run.items();
        assertThat(items).hasSize(1);
        assertThat(items.get(0).at("/metadata/name").asText()).isEqualTo("users-email-uniq");
        PostgresIndexSpec spec = PluginRun.spec(items.get(0));
        assertThat(spec.getUnique()).isTrue();
        assertThat(spec.getColumns()).extracting(c -> c.getName()).containsExactly("email");
        assertBuiltAsWritten(db, spec, "CREATE UNIQUE INDEX users_email_uniq ON public.users_user USING btree (email)");
    }

    @Test
    void shouldTurnARailsStructureSqlIntoManifestsTheEngineBuilds() throws Exception {
        ConnectionInfo db = TestPostgres.newDatabase();
        String structure = PluginRun.fixture("rails-structure.sql");
        for (SqlScript.Statement s : SqlScript.split(structure)) {
            if (s.tokens().get(0).isWord("create") && s.tokens().get(1).isWord("table")) {
                exec(db, s.text());
            }
        }
        PluginRun strict = PluginRun.of("from-sql", "--dsn", PluginRun.dsn(db), "--secret", "db-app",
                "src/test/resources/cli/rails-structure.sql");
        assertThat(strict.code()).isEqualTo(Main.FINDINGS);
        assertThat(strict.out()).isEmpty();
        assertThat(strict.err()).contains("error: statement 1 (line 1): SET statement_timeout = 0: not a CREATE INDEX "
                + "statement", "no manifests written");

        PluginRun run = PluginRun.of("from-sql", "--dsn", PluginRun.dsn(db), "--secret", "db-app", "-o", "json",
                "--skip-other", "src/test/resources/cli/rails-structure.sql");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.err()).contains("skipped: statement 21", "INSERT INTO \"schema_migrations\"");
        List<JsonNode> items = run.items();
        assertThat(items).extracting(i -> i.at("/spec/name").asText()).containsExactly("index_orders_on_metadata",
                "index_orders_on_state_pending", "index_orders_on_user_id_and_created_at",
                "index_users_on_lower_email", "index_users_on_reset_password_token");
        assertThat(items.get(1).at("/spec/where").asText()).isEqualTo("state::text = 'pending'::text");
        assertThat(items.get(2).at("/spec/columns/1/order").asText()).isEqualTo("DESC");
        assertThat(items.get(0).at("/spec/columns/0/opclass").asText()).isEqualTo("jsonb_path_ops");
        for (JsonNode item : items) {
            String name = item.at("/spec/name").asText();
            String statement = SqlScript.split(structure).stream().map(SqlScript.Statement::text)
                    .filter(t -> t.contains(" INDEX " + name + " ON ")).findFirst().orElseThrow();
            assertBuiltAsWritten(db, PluginRun.spec(item), statement);
        }
    }

    @Test
    void shouldNeverRunADropTableOrAnyOtherStatement() throws Exception {
        ConnectionInfo db = TestPostgres.newDatabase();
        exec(db, "CREATE TABLE t (a int, b text)");
        for (String hostile : List.of("CREATE INDEX t_a_idx ON t (a); DROP TABLE t",
                "DROP TABLE t; CREATE INDEX t_a_idx ON t (a)",
                "CREATE INDEX t_a_idx ON t (a) WHERE b = 'x'; DROP TABLE t; -- ';",
                "CREATE INDEX t_a_idx ON t (a) /* */; DROP TABLE t /* ; */",
                "CREATE INDEX t_b_idx ON t ((b || $$ ; $$)); DROP TABLE t;",
                "ALTER TABLE t ADD COLUMN c int", "CREATE TABLE u (a int)", "TRUNCATE t", "SELECT pg_sleep(0)")) {
            PluginRun run = PluginRun.of("from-sql", "--dsn", PluginRun.dsn(db), "--secret", "db-app", file(dir, hostile));
            assertThat(run.code()).as(hostile).isEqualTo(Main.FINDINGS);
            assertThat(run.out()).as(hostile).isEmpty();
            assertThat(run.err()).as(hostile).contains("not a CREATE INDEX statement", "no manifests written");
        }
        PluginRun run = PluginRun.of("from-sql", "--dsn", PluginRun.dsn(db), "--secret", "db-app",
                file(dir, "CREATE INDEX t_a_idx ON t (a);\nDROP TABLE t"));
        assertThat(run.err()).contains("error: statement 2 (line 2): DROP TABLE t: not a CREATE INDEX statement");
        // the skip option lists them and still never runs them
        PluginRun skipped = PluginRun.of("from-sql", "--dsn", PluginRun.dsn(db), "--secret", "db-app", "--skip-other",
                file(dir, "CREATE INDEX t_a_idx ON t (a); DROP TABLE t; ALTER TABLE t ADD COLUMN c int"));
        assertThat(skipped.code()).isZero();
        assertThat(skipped.err()).contains("skipped: statement 2 (line 1): DROP TABLE t");
        assertThat(scalar(db, "SELECT count(*) FROM pg_attribute WHERE attrelid = 't'::regclass AND attnum > 0"))
                .as("table t untouched").isEqualTo("2");
        assertThat(scalar(db, "SELECT count(*) FROM pg_class WHERE relkind = 'i' AND relnamespace = 'public'::regnamespace")).as("nothing built").isEqualTo("0");
    }

    @Test
    void shouldRejectWhatPostgresqlRefusesOrTheApiCannotSayNamingTheStatement() throws Exception {
        ConnectionInfo db = TestPostgres.newDatabase();
        exec(db, "CREATE TABLE t (a int, b text, during tsrange)");
        PluginRun run = PluginRun.of("from-sql", "--dsn", PluginRun.dsn(db), "--secret", "db-app", file(dir, """
                CREATE INDEX t_missing_idx ON t (nope);
                CREATE INDEX t_sub_idx ON t (a) WHERE a IN (SELECT 1);
                CREATE INDEX ON t (a);
                CREATE INDEX t_nothere_idx ON nothere (a);
                CREATE INDEX t_ok_idx ON t (a);
                """));
        assertThat(run.code()).isEqualTo(Main.FINDINGS);
        assertThat(run.err()).contains(
                "statement 1 (line 1): CREATE INDEX t_missing_idx ON t (nope): PostgreSQL refused it: ERROR: column "
                        + "\"nope\" does not exist",
                "statement 2 (line 2): CREATE INDEX t_sub_idx ON t (a) WHERE a IN (SELECT 1): PostgreSQL refused it: "
                        + "ERROR: cannot use subquery in index predicate",
                "statement 3 (line 3): CREATE INDEX ON t (a): the index has no name",
                "statement 4 (line 4): CREATE INDEX t_nothere_idx ON nothere (a): PostgreSQL refused it: relation "
                        + "nothere does not exist");
        assertThat(run.err()).doesNotContain("statement 5");
        assertThat(scalar(db, "SELECT count(*) FROM pg_class WHERE relkind = 'i' AND relnamespace = 'public'::regnamespace")).isEqualTo("0");
    }

    /**
     * The engine builds the manifest, and the index it builds is the one the statement describes: pg_get_indexdef
     * prints it exactly as {@code sql} (pg_dump, and so structure.sql, print pg_get_indexdef's text).
     */
    private static void assertBuiltAsWritten(ConnectionInfo db, PostgresIndexSpec spec, String sql) throws Exception {
        try (EngineHarness h = new EngineHarness(spec.getName().replace('_', '-'), db, spec)) {
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY) || Conditions.isTrue(s, ConditionType.STALLED),
                    Duration.ofSeconds(60));
            assertThat(Conditions.get(h.status, ConditionType.READY).orElseThrow().getReason()).as(spec.getName())
                    .isEqualTo(Reason.IndexReady.name());
        }
        assertThat(scalar(db, "SELECT pg_get_indexdef('" + spec.getName() + "'::regclass)")).isEqualTo(sql);
    }
}
