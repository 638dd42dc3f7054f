package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.ConstraintSpec;
import dev.pgindex.operator.api.v1alpha1.ConstraintType;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.api.v1alpha1.ReclaimPolicy;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.spec.Specs;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.support.EngineHarness;
import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.pgindex.operator.engine.IndexLifecycleTest.reason;
import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.query;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A UNIQUE or PRIMARY KEY constraint from a concurrently built index (the Django users.email case). */
class ConstraintTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    ConnectionInfo db;

    @BeforeEach
    void createTable() {
        db = TestPostgres.newDatabase();
        exec(db, "CREATE TABLE users_user (id bigint, email text)",
                "INSERT INTO users_user SELECT g, 'u' || g || '@example.com' FROM generate_series(1, 20000) g");
    }

    static PostgresIndexSpec spec(String index, ConstraintType type, String... columns) {
        PostgresIndexSpec s = EngineHarness.spec("users_user", index, columns);
        s.setUnique(true);
        ConstraintSpec c = new ConstraintSpec();
        c.setType(type);
        s.setConstraint(c);
        return s;
    }

    @Test
    void shouldStallOnDuplicatesThenAddUniqueConstraintOnceTheyAreGone() throws Exception {
        exec(db, "INSERT INTO users_user VALUES (0, 'u7@example.com')");
        try (EngineHarness h = new EngineHarness("email", db, spec("users_email_uniq", ConstraintType.Unique, "email"))) {
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.STALLED) && s.getIndex() == null, WAIT);
            assertThat(reason(h.status, ConditionType.STALLED)).isEqualTo(Reason.UniqueViolation.name());
            assertThat(Conditions.get(h.status, ConditionType.STALLED).orElseThrow().getMessage())
                    .contains("Key (email)=(u7@example.com) is duplicated");

            exec(db, "DELETE FROM users_user WHERE id = 0");
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY), WAIT);
            assertThat(query(db, "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'users_user'::regclass"))
                    .containsExactly(List.of("users_email_uniq", "u", "UNIQUE (email)"));
            assertThat(h.status.getConstraint().getDefinition()).isEqualTo("UNIQUE (email)");
            assertThat(h.status.getConstraint().getType()).isEqualTo("Unique");
            assertThat(h.events).anyMatch(e -> e.startsWith("Normal AddingConstraint"));
            // the constraint now rejects duplicates like any UNIQUE constraint
            assertThatThrownBy(() -> exec(db, "INSERT INTO users_user VALUES (1, 'u1@example.com')"))
                    .hasStackTraceContaining("users_email_uniq");
        }
    }

    @Test
    void shouldRefusePrimaryKeyOnNullableColumnUntilItIsNotNull() throws Exception {
        try (EngineHarness h = new EngineHarness("pk", db, spec("users_user_pkey", ConstraintType.PrimaryKey, "id"))) {
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.STALLED), WAIT);
            assertThat(reason(h.status, ConditionType.STALLED)).isEqualTo(Reason.NullableColumn.name());
            assertThat(Conditions.get(h.status, ConditionType.STALLED).orElseThrow().getMessage())
                    .contains("id may be NULL").contains("NOT VALID").contains("SET NOT NULL");
            assertThat(scalar(db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_user_pkey'::regclass")).isEqualTo("t");

            exec(db, "ALTER TABLE users_user ALTER COLUMN id SET NOT NULL");
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY), WAIT);
            assertThat(scalar(db, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'p' AND conrelid = 'users_user'::regclass"))
                    .isEqualTo("PRIMARY KEY (id)");
        }
    }

    @Test
    void shouldDropConstraintAndIndexOnDeleteAndKeepThemOnRetain() throws Exception {
        PostgresIndexSpec drop = spec("users_email_uniq", ConstraintType.Unique, "email");
        drop.setReclaimPolicy(ReclaimPolicy.Delete);
        try (EngineHarness h = new EngineHarness("drop", db, drop)) {
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY), WAIT);
            h.deleteUntilDone(WAIT);
            assertThat(scalar(db, "SELECT count(*) FROM pg_constraint WHERE conrelid = 'users_user'::regclass")).isEqualTo("0");
            assertThat(scalar(db, "SELECT to_regclass('users_email_uniq')")).isNull();
        }
        try (EngineHarness h = new EngineHarness("keep", db, spec("users_email_uniq", ConstraintType.Unique, "email"))) {
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY), WAIT);
            h.deleteUntilDone(WAIT);
            assertThat(scalar(db, "SELECT conname FROM pg_constraint WHERE conrelid = 'users_user'::regclass")).isEqualTo("users_email_uniq");
        }
    }

    @Test
    void shouldRejectConstraintsPostgresWouldRefuse() {
        PostgresIndexSpec partial = spec("i", ConstraintType.Unique, "email");
        partial.setWhere("id > 0");
        assertThatThrownBy(() -> Specs.definition(partial)).hasMessageContaining("partial index");
        PostgresIndexSpec notUnique = spec("i", ConstraintType.Unique, "email");
        notUnique.setUnique(false);
        assertThatThrownBy(() -> Specs.definition(notUnique)).hasMessageContaining("unique: true");
        PostgresIndexSpec blankWhere = EngineHarness.spec("users_user", "i", "email");
        blankWhere.setWhere("   ");
        assertThatThrownBy(() -> Specs.definition(blankWhere)).hasMessageContaining("where is blank");
        PostgresIndexSpec renamed = spec("i", ConstraintType.Unique, "email");
        renamed.getConstraint().setName("other");
        assertThatThrownBy(() -> Specs.definition(renamed)).hasMessageContaining("must equal spec.name");
    }
}
