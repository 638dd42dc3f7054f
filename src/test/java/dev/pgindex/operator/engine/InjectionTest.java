package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.IndexColumn;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.support.EngineHarness;
import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile input in every string field: each ends Stalled (InvalidSpec before any SQL, or the server's own
 * rejection from the rolled-back check), the victim table survives with its data, and no index is created.
 */
class InjectionTest {
    ConnectionInfo db;

    @BeforeEach
    void createTables() {
        db = TestPostgres.newDatabase();
        exec(db, "CREATE TABLE t (id int, a int, email text)", "INSERT INTO t SELECT g, g, 'e' || g FROM generate_series(1, 100) g",
                "CREATE TABLE victim (id int)", "INSERT INTO victim VALUES (1), (2), (3)");
    }

    record Attack(String field, Consumer<PostgresIndexSpec> apply) {
        @Override
        public String toString() {
            return field;
        }
    }

    static List<Attack> attacks() {
        List<Attack> list = new ArrayList<>();
        String[] payloads = {
            "a > 0; DROP TABLE victim; --",
            "a > 0); DROP TABLE victim; SELECT (1",
            "true) OR (1=1",
            "a > 0 -- comment",
            "a > 0 /* x */",
            "$$; DROP TABLE victim; $$",
            "E'\\'; DROP TABLE victim; --'",
            "(SELECT count(*) FROM victim) > 0",
            "a > 0)) WITH ((fillfactor=10",
            "'unterminated",
        };
        for (String p : payloads) {
            list.add(new Attack("where: " + p, s -> s.setWhere(p)));
            list.add(new Attack("expression: " + p, s -> s.setColumns(List.of(IndexColumn.expression(p)))));
        }
        String[] idents = {"victim\"; DROP TABLE victim; --", "t; DROP TABLE victim", "x\u0000y", "a".repeat(64),
            "é".repeat(32)};
        for (String p : idents) {
            list.add(new Attack("table: " + p, s -> s.setTable(p)));
            list.add(new Attack("name: " + p, s -> s.setName(p)));
            list.add(new Attack("schema: " + p, s -> s.setSchema(p)));
            list.add(new Attack("column: " + p, s -> s.setColumns(List.of(IndexColumn.named(p)))));
            list.add(new Attack("include: " + p, s -> s.setInclude(List.of(p))));
            list.add(new Attack("tablespace: " + p, s -> s.setTablespace(p)));
            list.add(new Attack("opclass: " + p, s -> {
                IndexColumn c = IndexColumn.named("a");
                c.setOpclass(p);
                s.setColumns(List.of(c));
            }));
            list.add(new Attack("collation: " + p, s -> {
                IndexColumn c = IndexColumn.named("email");
                c.setCollation(p);
                s.setColumns(List.of(c));
            }));
        }
        list.add(new Attack("storage key", s -> s.setStorageParameters(Map.of("fillfactor = 10); DROP TABLE victim; --", "1"))));
        list.add(new Attack("storage value", s -> s.setStorageParameters(Map.of("fillfactor", "10'); DROP TABLE victim; --"))));
        list.add(new Attack("function with side effects",
                s -> s.setColumns(List.of(IndexColumn.expression("pg_terminate_backend(a)")))));
        return list;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void shouldRejectHostileInputAndLeaveTheDatabaseUnchanged(Attack attack) throws Exception {
        PostgresIndexSpec spec = EngineHarness.spec("t", "t_idx", "a");
        attack.apply().accept(spec);
        try (EngineHarness h = new EngineHarness("evil", db, spec)) {
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.STALLED), Duration.ofSeconds(20));
            assertThat(Conditions.get(h.status, ConditionType.STALLED).orElseThrow().getMessage()).isNotBlank();
        }
        assertThat(scalar(db, "SELECT count(*) FROM victim")).isEqualTo("3");
        assertThat(scalar(db, "SELECT count(*) FROM t")).isEqualTo("100");
        assertThat(scalar(db, "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid WHERE c.relname IN ('t', 'victim')"))
                .isEqualTo("0");
    }
}
