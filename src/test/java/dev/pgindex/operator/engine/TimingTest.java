package dev.pgindex.operator.engine;

import dev.pgindex.operator.decide.Durations;
import dev.pgindex.operator.decide.RetryGate;
import dev.pgindex.operator.postgres.InvalidDefinitionException;
import dev.pgindex.operator.spec.Specs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Backoff, spec durations and durations for people. */
class TimingTest {
    @ParameterizedTest(name = "attempt {0}: {1}")
    @CsvSource({"1, PT10S", "2, PT20S", "3, PT40S", "6, PT5M20S", "7, PT10M", "30, PT10M", "0, PT10S"})
    void backoffDoublesFromTheBaseUpToTheMax(int attempt, String expected) {
        assertThat(RetryGate.backoff(Duration.ofSeconds(10), Duration.ofMinutes(10), attempt))
                .isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"90s, PT1M30S", "30m, PT30M", "1h30m, PT1H30M", "500ms, PT0.5S", "6h, PT6H", "' 2m ', PT2M"})
    void shouldParseGoStyleDurations(String text, String expected) {
        assertThat(Specs.duration(text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"2d", "1.5h", "-1m", "10", "m", "1h 30m", "1h;DROP"})
    void shouldRejectWhatIsNotADuration(String text) {
        assertThatThrownBy(() -> Specs.duration(text)).isInstanceOf(InvalidDefinitionException.class)
                .hasMessageContaining("is not a duration such as 30m or 1h30m");
    }

    /** Digits past a long, or hours past what a Duration holds: InvalidSpec, never an exception mid-decision. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"99999999999999999999h", "9223372036854775807h", "9223372036854775807m1m"})
    void shouldRejectADurationTooLongToHold(String text) {
        assertThatThrownBy(() -> Specs.duration(text)).isInstanceOf(InvalidDefinitionException.class)
                .hasMessageContaining("is too long a duration");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"PT0.85S, 850ms", "PT42S, 42s", "PT3M20S, 3m20s", "PT2M, 2m", "PT2H5M, 2h5m", "PT3H, 3h",
            "PT119S, 119s"})
    void shouldSayDurationsTheWayPeopleDo(String duration, String expected) {
        assertThat(Durations.human(Duration.parse(duration))).isEqualTo(expected);
    }
}
