package dev.pgindex.operator.postgres;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuotingTest {
    @Test
    void shouldAlwaysDoubleQuoteAndDoubleEmbeddedQuotes() {
        assertThat(Quoting.ident("orders")).isEqualTo("\"orders\"");
        assertThat(Quoting.ident("Orders")).isEqualTo("\"Orders\"");
        assertThat(Quoting.ident("select")).isEqualTo("\"select\"");
        assertThat(Quoting.ident("a\"b")).isEqualTo("\"a\"\"b\"");
        assertThat(Quoting.qualified("App", "t")).isEqualTo("\"App\".\"t\"");
    }

    @Test
    void shouldQuoteLiteralsForStandardConformingStrings() {
        assertThat(Quoting.literal("it's")).isEqualTo("'it''s'");
        assertThat(Quoting.literal("a\\b")).isEqualTo("'a\\b'");
    }

    @Test
    void shouldRejectIdentifiersPostgresWouldTruncate() {
        assertThat(Quoting.ident("x".repeat(63))).hasSize(65);
        assertThatThrownBy(() -> Quoting.ident("x".repeat(64))).hasMessageContaining("64 bytes");
        // 32 two-byte characters are 64 bytes even though they are 32 characters
        assertThatThrownBy(() -> Quoting.ident("é".repeat(32))).hasMessageContaining("64 bytes");
        assertThatThrownBy(() -> Quoting.ident("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> Quoting.ident("a\u0000b")).hasMessageContaining("NUL");
    }

    static final String RULE = ", which the API's identifier rule (ASCII letters, digits, '_' and '$', not starting "
            + "with a digit or '$') does not accept";

    @Test
    void shouldCheckNamesAgainstTheApiPattern() {
        Quoting.checkName("table", "Orders_2$", Quoting.IDENTIFIER_PATTERN);
        Quoting.checkName("columns[0].collation", "en-US-x-icu", Quoting.COLLATION_PATTERN);
        assertThatThrownBy(() -> Quoting.checkName("table", "1abc", Quoting.IDENTIFIER_PATTERN))
                .hasMessage("table '1abc' starts with a digit ('1')" + RULE);
        assertThatThrownBy(() -> Quoting.checkName("table", "with space", Quoting.IDENTIFIER_PATTERN))
                .hasMessage("table 'with space' contains a space" + RULE);
    }

    /** The refusal names the field, the name, its first character the rule refuses, and the rule. */
    @Test
    void shouldSayWhichCharacterTheIdentifierRuleRefuses() {
        String[][] cases = {
                {"columns[0].name", "user id", "contains a space"},
                {"table", "Weird-Table", "contains '-'"},
                {"name", "$x", "starts with '$'"},
                {"include", "café", "contains 'é' (U+00E9)"},
                {"schema", "a.b-c", "contains '.'"},
                {"name", "it's", "contains a single quote"},
                {"name", "say\"hi", "contains a double quote"},
                {"name", "tab\tbed", "contains U+0009"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> Quoting.checkName(c[0], c[1], Quoting.IDENTIFIER_PATTERN)).as(c[1])
                    .isInstanceOf(InvalidDefinitionException.class)
                    .hasMessage(c[0] + " '" + c[1] + "' " + c[2] + RULE);
        }
    }

    @Test
    void shouldSayWhichCharacterTheCollationRuleRefuses() {
        assertThatThrownBy(() -> Quoting.checkName("columns[1].collation", "en US", Quoting.COLLATION_PATTERN))
                .hasMessage("columns[1].collation 'en US' contains a space, which the API's collation rule (ASCII "
                        + "letters, digits, '_', '$', '.', '@', '=' and '-', not starting with a digit or one of "
                        + "'$.@=-') does not accept");
    }

    @Test
    void shouldNameTheFieldOfANameOverSixtyThreeBytes() {
        assertThatThrownBy(() -> Quoting.checkName("table", "é".repeat(32), Quoting.IDENTIFIER_PATTERN))
                .hasMessageStartingWith("table '" + "é".repeat(32) + "' is 64 bytes long");
    }
}
