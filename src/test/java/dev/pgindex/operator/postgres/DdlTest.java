package dev.pgindex.operator.postgres;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The DDL text, as exact strings, for every spec option. */
class DdlTest {
    static IndexDefinition def(String... cols) {
        return IndexDefinition.of("public", "users", "users_idx",
                java.util.Arrays.stream(cols).map(IndexDefinition.Column::of).toList());
    }

    @Test
    void shouldRenderPlainIndexWithEveryIdentifierQuoted() {
        assertThat(Ddl.createIndexConcurrently(def("email")))
                .isEqualTo("CREATE INDEX CONCURRENTLY \"users_idx\" ON \"public\".\"users\" USING btree (\"email\")");
    }

    @Test
    void shouldRenderUniqueAndMultipleColumns() {
        assertThat(Ddl.createIndexConcurrently(def("tenant", "email").withUnique(true))).isEqualTo(
                "CREATE UNIQUE INDEX CONCURRENTLY \"users_idx\" ON \"public\".\"users\" USING btree (\"tenant\", \"email\")");
    }

    @Test
    void shouldPreserveCaseAndReservedWords() {
        IndexDefinition d = IndexDefinition.of("App", "Orders", "Select", List.of(IndexDefinition.Column.of("user")));
        assertThat(Ddl.createIndexConcurrently(d))
                .isEqualTo("CREATE INDEX CONCURRENTLY \"Select\" ON \"App\".\"Orders\" USING btree (\"user\")");
    }

    @Test
    void shouldRenderEachMethod() {
        for (String m : List.of("btree", "hash", "gist", "spgist", "gin", "brin")) {
            IndexDefinition d = new IndexDefinition("public", "t", "i", false, m, List.of(IndexDefinition.Column.of("c")),
                    null, null, false, null, null);
            assertThat(Ddl.createIndexConcurrently(d)).isEqualTo(
                    "CREATE INDEX CONCURRENTLY \"i\" ON \"public\".\"t\" USING " + m + " (\"c\")");
        }
    }

    @Test
    void shouldRenderColumnOptionsInGrammarOrder() {
        IndexDefinition d = IndexDefinition.of("public", "t", "i", List.of(
                new IndexDefinition.Column("a", null, true, false, null, null),
                new IndexDefinition.Column("b", null, false, true, "text_pattern_ops", "C"),
                new IndexDefinition.Column(null, "lower(email)", null, null, null, "en-US-x-icu")));
        assertThat(Ddl.createIndexConcurrently(d)).isEqualTo("CREATE INDEX CONCURRENTLY \"i\" ON \"public\".\"t\" USING btree "
                + "(\"a\" DESC NULLS LAST, \"b\" COLLATE \"C\" \"text_pattern_ops\" ASC NULLS FIRST, "
                + "(lower(email)) COLLATE \"en-US-x-icu\")");
    }

    @Test
    void shouldRenderIncludeNullsNotDistinctStorageTablespaceAndWhere() {
        TreeMap<String, String> params = new TreeMap<>();
        params.put("fillfactor", "70");
        params.put("deduplicate_items", "off");
        IndexDefinition d = new IndexDefinition("public", "t", "i", true, "btree", List.of(IndexDefinition.Column.of("a")),
                List.of("b", "c"), "deleted_at IS NULL", true, params, "fast_ssd");
        assertThat(Ddl.createIndexConcurrently(d)).isEqualTo("CREATE UNIQUE INDEX CONCURRENTLY \"i\" ON \"public\".\"t\" "
                + "USING btree (\"a\") INCLUDE (\"b\", \"c\") NULLS NOT DISTINCT "
                + "WITH (\"deduplicate_items\" = 'off', \"fillfactor\" = '70') TABLESPACE \"fast_ssd\" WHERE (deleted_at IS NULL)");
    }

    @Test
    void shouldRenderScratchIndexWithoutConcurrentlyOrTablespace() {
        IndexDefinition d = new IndexDefinition("public", "t", "i", false, "btree", List.of(IndexDefinition.Column.of("a")),
                null, "a > 0", false, null, "fast_ssd");
        assertThat(Ddl.scratchTable(d, "pgindex_scratch")).isEqualTo("CREATE TEMP TABLE \"pgindex_scratch\" (LIKE \"public\".\"t\")");
        assertThat(Ddl.scratchIndex(d, "pgindex_scratch", "pgindex_candidate")).isEqualTo(
                "CREATE INDEX \"pgindex_candidate\" ON pg_temp.\"pgindex_scratch\" USING btree (\"a\") WHERE (a > 0)");
        assertThat(Ddl.predicateProbe(d)).isEqualTo("SELECT 1 FROM \"public\".\"t\" WHERE (a > 0) LIMIT 0");
        assertThat(Ddl.expressionProbe(d, "lower(x)")).isEqualTo("SELECT (lower(x)) FROM \"public\".\"t\" LIMIT 0");
    }

    @Test
    void shouldRenderDropAndComment() {
        assertThat(Ddl.dropIndexConcurrently("public", "i")).isEqualTo("DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"i\"");
        assertThat(Ddl.commentOnIndex("public", "i", "it's ours")).isEqualTo("COMMENT ON INDEX \"public\".\"i\" IS 'it''s ours'");
        assertThat(Ddl.commentOnIndex("public", "i", null)).isEqualTo("COMMENT ON INDEX \"public\".\"i\" IS NULL");
    }

    @Test
    void shouldRenderConstraintStatements() {
        assertThat(Ddl.addConstraintUsingIndex("public", "users", "users_email_key", false))
                .isEqualTo("ALTER TABLE \"public\".\"users\" ADD CONSTRAINT \"users_email_key\" UNIQUE USING INDEX \"users_email_key\"");
        assertThat(Ddl.addConstraintUsingIndex("public", "users", "users_pkey", true))
                .isEqualTo("ALTER TABLE \"public\".\"users\" ADD CONSTRAINT \"users_pkey\" PRIMARY KEY USING INDEX \"users_pkey\"");
        assertThat(Ddl.dropConstraint("public", "users", "users_pkey"))
                .isEqualTo("ALTER TABLE \"public\".\"users\" DROP CONSTRAINT \"users_pkey\"");
    }

    @Test
    void shouldHashOnlyTheDefinition() {
        assertThat(def("email").hash()).isEqualTo(def("email").hash()).hasSize(16);
        assertThat(def("email").hash()).isNotEqualTo(def("tenant").hash());
        assertThat(def("email").hash()).isNotEqualTo(def("email").withUnique(true).hash());
    }

    @Test
    void shouldRejectInvalidDefinitions() {
        assertThatThrownBy(() -> def().validate()).hasMessageContaining("at least one column");
        assertThatThrownBy(() -> IndexDefinition.of("public", "t", "x".repeat(64), List.of(IndexDefinition.Column.of("a"))).validate())
                .hasMessageContaining("64 bytes");
        assertThatThrownBy(() -> new IndexDefinition("public", "t", "i", true, "hash", List.of(IndexDefinition.Column.of("a")),
                null, null, false, null, null).validate()).hasMessageContaining("unique indexes need method btree");
        assertThatThrownBy(() -> new IndexDefinition("public", "t", "i", false, "gin", List.of(IndexDefinition.Column.of("a")),
                List.of("b"), null, false, null, null).validate()).hasMessageContaining("include is supported by");
        assertThatThrownBy(() -> new IndexDefinition("public", "t", "i", false, "btree", List.of(IndexDefinition.Column.of("a")),
                null, null, true, null, null).validate()).hasMessageContaining("nullsNotDistinct needs unique");
        assertThatThrownBy(() -> new IndexDefinition("public", "t", "i", false, "btree", List.of(IndexDefinition.Column.of("a")),
                List.of("b", "b"), null, false, null, null).validate()).hasMessageContaining("twice");
        assertThatThrownBy(() -> new IndexDefinition("public", "t", "i", false, "rtree", List.of(IndexDefinition.Column.of("a")),
                null, null, false, null, null).validate()).hasMessageContaining("unknown index method");
        assertThatThrownBy(() -> new IndexDefinition("public", "t", "i", false, "gin",
                List.of(new IndexDefinition.Column("a", null, true, null, null, null)), null, null, false, null, null).validate())
                .hasMessageContaining("btree only");
        assertThatThrownBy(() -> IndexDefinition.of("public", "t", "i", List.of(new IndexDefinition.Column("a", "b", null, null, null, null)))
                .validate()).hasMessageContaining("exactly one of name or expression");
        assertThatThrownBy(() -> IndexDefinition.of("public", "t", "i; drop", List.of(IndexDefinition.Column.of("a"))).validate())
                .hasMessageContaining("name 'i; drop' contains ';', which the API's identifier rule");
    }
}
