package dev.pgindex.operator.postgres;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The hostile corpus: a ';' hidden in quotes, dollar quotes and comments never ends a statement; a real one does. */
class SqlScriptTest {
    static List<String> texts(String sql) throws Exception {
        return SqlScript.split(sql).stream().map(SqlScript.Statement::text).toList();
    }

    @Test
    void shouldSplitAStatementSmuggledAfterAnIndex() throws Exception {
        assertThat(texts("CREATE INDEX i ON t (a); DROP TABLE t"))
                .containsExactly("CREATE INDEX i ON t (a)", "DROP TABLE t");
        assertThat(texts("CREATE INDEX i ON t (a);DROP TABLE t;;"))
                .containsExactly("CREATE INDEX i ON t (a)", "DROP TABLE t");
    }

    @Test
    void shouldKeepSemicolonsInsideQuotesDollarQuotesAndComments() throws Exception {
        assertThat(texts("CREATE INDEX i ON t ((a || ';DROP TABLE t;'))")).hasSize(1);
        assertThat(texts("CREATE INDEX i ON t ((a || 'it''s; DROP TABLE t'))")).hasSize(1);
        assertThat(texts("CREATE INDEX i ON t ((a || E'\\'; DROP TABLE t; --'))")).hasSize(1);
        assertThat(texts("CREATE INDEX i ON t ((a || $$;DROP TABLE t;$$))")).hasSize(1);
        assertThat(texts("CREATE INDEX i ON t ((a || $x$ $$; DROP TABLE t; $$ $x$))")).hasSize(1);
        assertThat(texts("CREATE INDEX i ON t (\"we;ird\")")).hasSize(1);
        assertThat(texts("CREATE INDEX i ON t (a) /* ; DROP TABLE t; */")).hasSize(1);
        assertThat(texts("CREATE INDEX i ON t (a) /* nested /* ; */ DROP TABLE t; */")).hasSize(1);
        assertThat(texts("-- DROP TABLE t;\nCREATE INDEX i ON t (a)")).containsExactly("CREATE INDEX i ON t (a)");
    }

    @Test
    void shouldNotMistakeADollarInAnIdentifierForADollarQuote() throws Exception {
        assertThat(texts("CREATE INDEX a$b ON t (x$y); DROP TABLE t; SELECT $1"))
                .containsExactly("CREATE INDEX a$b ON t (x$y)", "DROP TABLE t", "SELECT $1");
    }

    @Test
    void shouldMakePsqlMetaCommandsStatementsOfTheirOwn() throws Exception {
        List<SqlScript.Statement> s = SqlScript.split("\\restrict abc\nCREATE INDEX i ON t (a);\n\\unrestrict abc\n");
        assertThat(s).extracting(SqlScript.Statement::text)
                .containsExactly("\\restrict abc", "CREATE INDEX i ON t (a)", "\\unrestrict abc");
        assertThat(s.get(0).tokens().get(0).kind()).isEqualTo(SqlScript.Kind.META);
        assertThat(s.get(1).line()).isEqualTo(2);
    }

    @Test
    void shouldRefuseUnterminatedQuotesAndComments() {
        assertThatThrownBy(() -> SqlScript.split("CREATE INDEX i ON t ((a || 'x)); DROP TABLE t"))
                .hasMessage("unterminated string starting on line 1");
        assertThatThrownBy(() -> SqlScript.split("SELECT 1;\nCREATE INDEX i ON t (a) /* ; DROP TABLE t"))
                .hasMessage("unterminated comment starting on line 2");
        assertThatThrownBy(() -> SqlScript.split("CREATE INDEX i ON t ((a || $q$x)); DROP TABLE t"))
                .hasMessage("unterminated dollar-quoted string $q$ starting on line 1");
    }

    @Test
    void shouldReadTheHeadOfACreateIndexFromItsTokens() throws Exception {
        ScratchIndex.Head h = ScratchIndex.head(SqlScript.split("create unique index concurrently if not exists "
                + "\"Users_Email\" on only public.\"Users\" using btree (lower(email)) where deleted_at is null").get(0));
        assertThat(h.unique()).isTrue();
        assertThat(h.concurrently()).isTrue();
        assertThat(h.ifNotExists()).isTrue();
        assertThat(h.name()).isEqualTo("Users_Email");
        assertThat(h.only()).isTrue();
        assertThat(h.table()).isEqualTo("public.\"Users\"");
        assertThat(h.tail()).isEqualTo("using btree (lower(email)) where deleted_at is null");
        assertThat(ScratchIndex.head(SqlScript.split("CREATE INDEX Foo ON t(a)").get(0)).name()).isEqualTo("foo");
    }

    @Test
    void shouldRejectWhatIsNotANamedCreateIndex() {
        assertThatThrownBy(() -> ScratchIndex.head(SqlScript.split("DROP TABLE t").get(0)))
                .hasMessage("not a CREATE INDEX statement");
        assertThatThrownBy(() -> ScratchIndex.head(SqlScript.split("CREATE TABLE t (a int)").get(0)))
                .hasMessage("not a CREATE INDEX statement");
        assertThatThrownBy(() -> ScratchIndex.head(SqlScript.split("CREATE INDEX ON t (a)").get(0)))
                .hasMessageStartingWith("the index has no name");
        assertThatThrownBy(() -> ScratchIndex.head(SqlScript.split("CREATE INDEX i ON t; DROP TABLE t").get(0)))
                .hasMessage("expected USING method or ( columns ) after the table name");
        assertThatThrownBy(() -> ScratchIndex.head(SqlScript.split("CREATE INDEX i ON (SELECT 1) (a)").get(0)))
                .hasMessage("expected a table name after ON");
    }
}
