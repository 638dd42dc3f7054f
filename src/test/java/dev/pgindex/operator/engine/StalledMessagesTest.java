package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.support.EngineHarness;
import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every Stalled message a person meets, word for word, as a newcomer reads it: what was found (named as
 * pg_get_indexdef prints it, never as a catalog OID), that nothing was touched, and what to do next.
 */
class StalledMessagesTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    ConnectionInfo db;

    @BeforeEach
    void createTable() {
        db = TestPostgres.newDatabase();
        exec(db, "CREATE TABLE t (id int PRIMARY KEY, a text, b text)",
                "INSERT INTO t SELECT g, 'a' || g, 'b' || g FROM generate_series(1, 100) g");
    }

    String stalledMessage(PostgresIndexSpec spec, Reason expected) throws Exception {
        try (EngineHarness h = new EngineHarness("msg", db, spec)) {
            PostgresIndexStatus s = h.reconcileUntil(st -> Conditions.isTrue(st, ConditionType.STALLED), WAIT);
            assertThat(Conditions.get(s, ConditionType.STALLED).orElseThrow().getReason()).isEqualTo(expected.name());
            // Ready carries the same message, so kubectl wait --for=condition=Ready shows it too
            assertThat(Conditions.get(s, ConditionType.READY).orElseThrow().getMessage())
                    .isEqualTo(Conditions.get(s, ConditionType.STALLED).orElseThrow().getMessage());
            assertThat(h.events).anyMatch(e -> e.startsWith("Warning " + expected.name() + ": "));
            return Conditions.get(s, ConditionType.STALLED).orElseThrow().getMessage();
        }
    }

    @Test
    void definitionConflictNamesOperatorClassesCollationsAndBothDefinitions() throws Exception {
        exec(db, "CREATE INDEX t_idx ON t (b COLLATE \"C\" text_pattern_ops DESC)");
        assertThat(stalledMessage(EngineHarness.spec("t", "t_idx", "a"), Reason.DefinitionConflict)).isEqualTo(
                "index public.t_idx exists with another definition and was not touched. Differences: columns: "
                + "existing b, wanted a; operator classes: existing text_pattern_ops, wanted text_ops; collations: "
                + "existing \"C\", wanted \"default\"; sort order: existing DESC, wanted ASC. "
                + "Existing: CREATE INDEX t_idx ON public.t USING btree (b COLLATE \"C\" text_pattern_ops DESC); "
                + "wanted: CREATE INDEX t_idx ON public.t USING btree (a). To change an index, create a new "
                + "PostgresIndex with another spec.name; to take over this one, make the spec match it");
    }

    @Test
    void definitionConflictNamesPredicatesAndStorageParameters() throws Exception {
        exec(db, "CREATE UNIQUE INDEX t_idx ON t (a) WITH (fillfactor = 70) WHERE id > 10");
        PostgresIndexSpec spec = EngineHarness.spec("t", "t_idx", "a");
        spec.setUnique(true);
        assertThat(stalledMessage(spec, Reason.DefinitionConflict)).isEqualTo(
                "index public.t_idx exists with another definition and was not touched. Differences: predicate: "
                + "existing (id > 10), wanted (none); storage parameters: existing fillfactor=70, wanted (none). "
                + "Existing: CREATE UNIQUE INDEX t_idx ON public.t USING btree (a) WITH (fillfactor='70') WHERE "
                + "(id > 10); wanted: CREATE UNIQUE INDEX t_idx ON public.t USING btree (a). To change an index, "
                + "create a new PostgresIndex with another spec.name; to take over this one, make the spec match it");
    }

    @Test
    void ownedByOtherSaysWhoOwnsItAndHowToReleaseIt() throws Exception {
        exec(db, "CREATE INDEX t_idx ON t (a)", "COMMENT ON INDEX t_idx IS 'pgindex-operator owner=1234 "
                + "resource=team-a/first spec=abc adopted=false'");
        assertThat(stalledMessage(EngineHarness.spec("t", "t_idx", "a"), Reason.OwnedByOther)).isEqualTo(
                "index public.t_idx belongs to PostgresIndex team-a/first (uid 1234) and was not touched. If that "
                + "resource no longer exists, release the index with COMMENT ON INDEX \"public\".\"t_idx\" IS NULL "
                + "and this resource adopts it");
    }

    @Test
    void invalidIndexNotOwnedSaysHowToRepairOrDropIt() throws Exception {
        exec(db, "CREATE INDEX t_idx ON t (a)",
                "UPDATE pg_index SET indisvalid = false WHERE indexrelid = 't_idx'::regclass");
        assertThat(stalledMessage(EngineHarness.spec("t", "t_idx", "a"), Reason.InvalidIndexNotOwned)).isEqualTo(
                "index public.t_idx exists but is INVALID (what a failed CREATE INDEX CONCURRENTLY or REINDEX leaves "
                + "behind) and this resource did not build it, so it was not touched. Drop it with DROP INDEX "
                + "CONCURRENTLY \"public\".\"t_idx\" and the operator builds its own, or repair it with REINDEX INDEX "
                + "CONCURRENTLY \"public\".\"t_idx\" and the operator adopts it if it matches the spec");
    }

    @Test
    void nameConflictWithATable() throws Exception {
        assertThat(stalledMessage(EngineHarness.spec("t", "t", "a"), Reason.NameConflict)).isEqualTo(
                "a relation that is not an index is already called public.t; pick another spec.name");
    }

    @Test
    void tableNotFoundSaysTheOperatorWaitsForIt() throws Exception {
        assertThat(stalledMessage(EngineHarness.spec("nosuch", "n_idx", "a"), Reason.TableNotFound)).isEqualTo(
                "table public.nosuch does not exist; the operator checks again with backoff (up to every 1s) and "
                + "builds the index once it appears");
    }

    @Test
    void invalidSpecForARepeatedColumn() throws Exception {
        assertThat(stalledMessage(EngineHarness.spec("t", "t_idx", "a", "a"), Reason.InvalidSpec)).isEqualTo(
                "invalid spec: columns[1] repeats column a: a key column may appear once");
    }

    @Test
    void invalidSpecForASystemSchema() throws Exception {
        PostgresIndexSpec spec = EngineHarness.spec("pg_class", "pg_class_x", "relname");
        spec.setSchema("pg_catalog");
        assertThat(stalledMessage(spec, Reason.InvalidSpec)).isEqualTo(
                "invalid spec: schema pg_catalog is a system schema (pg_catalog, pg_toast, pg_temp_*, "
                + "information_schema and every other pg_* schema belong to PostgreSQL); the operator only indexes "
                + "user tables");
    }

    @Test
    void invalidSpecForAnIncludeThatRepeatsAKeyColumn() throws Exception {
        PostgresIndexSpec spec = EngineHarness.spec("t", "t_idx", "a");
        spec.setInclude(List.of("a"));
        assertThat(stalledMessage(spec, Reason.InvalidSpec)).isEqualTo(
                "invalid spec: include lists a, which is already a key column");
    }

    @Test
    void invalidSpecForAnUnbalancedPredicate() throws Exception {
        PostgresIndexSpec spec = EngineHarness.spec("t", "t_idx", "a");
        spec.setWhere("(a > 'x'");
        assertThat(stalledMessage(spec, Reason.InvalidSpec)).isEqualTo(
                "invalid spec: where has a '(' without a matching ')'");
    }

    @Test
    void columnNotFoundQuotesTheServer() throws Exception {
        PostgresIndexSpec spec = EngineHarness.spec("t", "t_idx", "nosuch");
        assertThat(stalledMessage(spec, Reason.ColumnNotFound)).isEqualTo(
                "the definition was rejected by PostgreSQL: column \"nosuch\" does not exist");
    }
}
