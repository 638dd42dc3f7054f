package dev.pgindex.operator.postgres;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The engine's own checks of a definition: it does not trust that the CRD in the cluster is the one it shipped. */
class IndexDefinitionTest {
    static IndexDefinition on(String schema, List<IndexDefinition.Column> columns, List<String> include) {
        return new IndexDefinition(schema, "t", "t_idx", false, "btree", columns, include, null, false, null, null);
    }

    @Test
    void shouldRejectAKeyColumnListedTwice() {
        assertThatThrownBy(() -> on("public", List.of(IndexDefinition.Column.of("email"),
                IndexDefinition.Column.of("email")), List.of()).validate())
                .isInstanceOf(InvalidDefinitionException.class)
                .hasMessage("columns[1] repeats column email: a key column may appear once");
    }

    @Test
    void shouldRejectAKeyExpressionListedTwiceEvenWithOtherSpacing() {
        assertThatThrownBy(() -> on("public", List.of(IndexDefinition.Column.expr("lower(email)"),
                IndexDefinition.Column.expr(" lower(email)  ")), List.of()).validate())
                .hasMessage("columns[1] repeats the expression  lower(email)  : a key expression may appear once");
    }

    @Test
    void shouldRejectAnIncludeColumnThatIsAlreadyAKeyColumn() {
        assertThatThrownBy(() -> on("public", List.of(IndexDefinition.Column.of("a")), List.of("b", "a")).validate())
                .hasMessage("include lists a, which is already a key column");
    }

    @Test
    void shouldAcceptTheSameColumnInAKeyExpressionAndAsAColumn() {
        assertThatCode(() -> on("public", List.of(IndexDefinition.Column.of("email"),
                IndexDefinition.Column.expr("lower(email)")), List.of("id")).validate()).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"pg_catalog", "pg_toast", "pg_temp_3", "pg_toast_temp_3", "information_schema", "pg_x"})
    void shouldRejectEverySystemSchema(String schema) {
        assertThatThrownBy(() -> on(schema, List.of(IndexDefinition.Column.of("a")), List.of()).validate())
                .isInstanceOf(InvalidDefinitionException.class)
                .hasMessage("schema " + schema + " is a system schema (pg_catalog, pg_toast, pg_temp_*, "
                        + "information_schema and every other pg_* schema belong to PostgreSQL); the operator only "
                        + "indexes user tables");
    }

    @ParameterizedTest
    @ValueSource(strings = {"public", "pgsql", "app", "PG_upper", "information"})
    void shouldAcceptUserSchemasThatMerelyLookSystemLike(String schema) {
        assertThat(IndexDefinition.isSystemSchema(schema)).isFalse();
    }
}
