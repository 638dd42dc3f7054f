package dev.pgindex.operator.postgres;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqlFragmentsTest {
    @ParameterizedTest
    @ValueSource(strings = {"deleted_at IS NULL", "status = 'active' AND tenant > 0", "lower(email)",
        "email LIKE '%@x.com'", "(a + b) * 2 > 10", "name = 'it''s'", "\"Weird Col\" IS NOT NULL",
        "status IN ('a', 'b')", "(doc ->> 'k')", "a::int > 0"})
    void shouldAcceptSingleExpressions(String fragment) {
        assertThatCode(() -> SqlFragments.check("where", fragment)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a > 0; DROP TABLE t|';'",
        "a > 0 -- x|'--'",
        "a > 0 /* x|'/*'",
        "a */ b|'*/'",
        "E'\\x'|'\\'",
        "$$x$$|'$'",
        "a > 0)|without a matching '('",
        "(a > 0|without a matching ')'",
        "a = 'x|unterminated string",
        "\"a = 1|unterminated quoted identifier",
        "true) OR (1=1|without a matching '('",
    })
    void shouldRejectFragmentsThatCouldEscapeTheirPlace(String fragment, String message) {
        assertThatThrownBy(() -> SqlFragments.check("where", fragment)).isInstanceOf(InvalidDefinitionException.class)
                .hasMessageContaining(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "a\u0000b", "a\u0007b"})
    void shouldRejectEmptyAndControlCharacters(String fragment) {
        assertThatThrownBy(() -> SqlFragments.check("where", fragment)).isInstanceOf(InvalidDefinitionException.class);
    }
}
