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

    @Test
    void shouldCheckNamesAgainstTheApiPattern() {
        Quoting.checkName("table", "Orders_2$", Quoting.IDENTIFIER_PATTERN);
        assertThatThrownBy(() -> Quoting.checkName("table", "1abc", Quoting.IDENTIFIER_PATTERN))
                .hasMessageContaining("table '1abc' is not a plain identifier");
        assertThatThrownBy(() -> Quoting.checkName("table", "with space", Quoting.IDENTIFIER_PATTERN))
                .hasMessageContaining("not a plain identifier");
    }
}
