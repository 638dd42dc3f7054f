package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.BuildSettings;
import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.IndexColumn;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.support.EngineHarness;
import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * spec.buildSettings on a real PostgreSQL: maintenance_work_mem reaches the builder session (a sort that spills
 * past temp_file_limit fails with 53400, said plainly; with enough memory it does not spill), and ANALYZE follows
 * the build of an expression index.
 */
class BuildSettingsTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    ConnectionInfo db;

    @BeforeEach
    void createTable() {
        db = TestPostgres.newDatabase();
        exec(db, "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL)",
                "INSERT INTO users (email) SELECT md5(g::text) || '@example.com' FROM generate_series(1, 200000) g");
    }

    static PostgresIndexSpec spec(String memory) {
        PostgresIndexSpec s = EngineHarness.spec("users", "users_email_idx", "email");
        BuildSettings b = new BuildSettings();
        b.setMaintenanceWorkMem(memory);
        b.setMaxParallelMaintenanceWorkers(0);
        s.setBuildSettings(b);
        s.setRetryLimit(0);
        return s;
    }

    @Test
    void shouldSayPlainlyThatTheSortHitTemp_file_limitAndBuildWithMoreMemory() throws Exception {
        exec(db, "ALTER DATABASE " + db.database() + " SET temp_file_limit = '2MB'");
        try (EngineHarness h = new EngineHarness("users-email", db, spec("1MB"))) {
            h.reconcileUntil(s -> s.getLastError() != null, WAIT);
            System.out.println("1MB: " + h.status.getLastError().getMessage());
            assertThat(h.status.getLastError().getSqlState()).isEqualTo("53400");
            assertThat(h.status.getLastError().getMessage()).contains("temp_file_limit",
                    "raise temp_file_limit for the operator's role postgres, or give the build more memory with "
                            + "spec.buildSettings.maintenanceWorkMem");
        }
        exec(db, "DROP INDEX IF EXISTS users_email_idx");
        try (EngineHarness h = new EngineHarness("users-email", db, spec("256MB"))) {
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY), WAIT);
            assertThat(h.status.getLastError()).isNull();
        }
    }

    @Test
    void shouldAnalyzeTheTableAfterBuildingAnExpressionIndex() throws Exception {
        PostgresIndexSpec s = EngineHarness.spec("users", "users_lower_email", "email");
        s.setColumns(new ArrayList<>(List.of(IndexColumn.expression("lower(email)"))));
        assertThat(scalar(db, "SELECT count(*) FROM pg_stats WHERE tablename = 'users_lower_email'")).isEqualTo("0");
        try (EngineHarness h = new EngineHarness("users-lower-email", db, s)) {
            h.reconcileUntil(st -> Conditions.isTrue(st, ConditionType.READY), WAIT);
            assertThat(h.status.getAnalyze().getResult()).isEqualTo("analyzed public.users (the index has "
                    + "expressions, which have no statistics until the table is analyzed)");
            assertThat(h.status.getAnalyze().getForBuild()).isEqualTo(h.status.getBuild().getStartedAt());
            assertThat(h.events).anyMatch(e -> e.startsWith("Normal Analyzed: analyzed public.users after the build"));
            assertThat(scalar(db, "SELECT count(*) FROM pg_stats WHERE tablename = 'users_lower_email'"))
                    .as("the planner has statistics for lower(email)").isEqualTo("1");
            int events = h.events.size();
            h.reconcile();
            assertThat(h.events).as("not analyzed again").hasSize(events);
        }
    }
}
