package dev.pgindex.operator.spec;

import dev.pgindex.operator.api.v1alpha1.BuildSchedule;
import dev.pgindex.operator.postgres.InvalidDefinitionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.pgindex.operator.decide.WindowGateDecisionTest.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The time arithmetic of maintenance windows: openings, closings, zones with daylight saving, malformed input. */
class WindowsTest {
    static Windows of(String operatorDefault) {
        return Windows.parseDefault(operatorDefault);
    }

    @ParameterizedTest(name = "{0} at {1}: open until {2}, next {3}")
    @CsvSource(delimiter = '|', value = {
            "Sat,Sun 02:00 4h Europe/Berlin | 2026-12-01T12:00:00Z | - | 2026-12-05T01:00:00Z",
            "Sat,Sun 02:00 4h Europe/Berlin | 2026-12-05T04:59:59Z | 2026-12-05T05:00:00Z | 2026-12-06T01:00:00Z",
            "Mon-Fri 22:00 4h UTC | 2026-12-05T01:00:00Z | 2026-12-05T02:00:00Z | 2026-12-07T22:00:00Z",
            "01:00 1h | 2026-12-01T01:00:00Z | 2026-12-01T02:00:00Z | 2026-12-02T01:00:00Z",
            "01:00 1h | 2026-12-01T02:00:00Z | - | 2026-12-02T01:00:00Z",
            // spring forward in Berlin (29 March 2026, 02:00 -> 03:00): a 02:30 start moves to 03:30 CEST = 01:30Z
            "Sun 02:30 1h Europe/Berlin | 2026-03-28T12:00:00Z | - | 2026-03-29T01:30:00Z",
            // the week after, 02:30 CEST is 00:30Z
            "Sun 02:30 1h Europe/Berlin | 2026-03-29T12:00:00Z | - | 2026-04-05T00:30:00Z",
            // fall back in New York (1 November 2026): 01:30 happens twice, the window opens at the first (EDT)
            "Sun 01:30 1h America/New_York | 2026-10-31T12:00:00Z | - | 2026-11-01T05:30:00Z",
            "Mon 00:00 1h; Wed 00:00 1h | 2026-12-01T12:00:00Z | - | 2026-12-02T00:00:00Z",
    })
    void shouldKnowWhenAWindowIsOpenAndWhenTheNextOpens(String windows, String at, String until, String next) {
        Windows w = of(windows);
        Instant now = Instant.parse(at);
        assertThat(w.openUntil(now).map(Instant::toString).orElse("-")).as("open until").isEqualTo(until);
        assertThat(w.nextOpening(now).map(Instant::toString).orElse("-")).as("next opening").isEqualTo(next);
    }

    @Test
    void overlappingWindowsCloseWithTheLastOne() {
        Windows w = of("Tue 11:00 2h; Tue 12:30 2h");
        assertThat(w.openUntil(Instant.parse("2026-12-01T12:45:00Z"))).contains(Instant.parse("2026-12-01T14:30:00Z"));
    }

    @Test
    void aWindowLongEnoughIsFoundLaterInTheWeek() {
        Windows w = of("11:00 2h; Sat 00:00 8h");
        assertThat(w.nextOpeningLasting(Instant.parse("2026-12-01T12:00:00Z"), Duration.ofHours(5)))
                .contains(Instant.parse("2026-12-05T00:00:00Z"));
        assertThat(w.nextOpeningLasting(Instant.parse("2026-12-01T12:00:00Z"), Duration.ofHours(9))).isEmpty();
    }

    @Test
    void aSpecWithoutWindowsTakesTheOperatorsDefaultAndAnEmptyListNone() {
        Windows def = of("Sat 00:00 8h");
        assertThat(Windows.of(null, def)).isSameAs(def);
        assertThat(Windows.of(new BuildSchedule(), def)).isSameAs(def);
        BuildSchedule none = new BuildSchedule();
        none.setWindows(new ArrayList<>());
        assertThat(Windows.of(none, def).isEmpty()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "25:00 | 4h | UTC | start '25:00' is not HH:MM",
            "2:00 | 4h | UTC | start '2:00' is not HH:MM",
            "02:00 | 4 | UTC | '4' is not a duration",
            "02:00 | 0m | UTC | must be between 1m and 168h",
            "02:00 | 169h | UTC | must be between 1m and 168h",
            "02:00 | 4h | Europe/Atlantis | 'Europe/Atlantis' is not an IANA time zone",
            "02:00 | 4h | CEST+1 | 'CEST+1' is not an IANA time zone",
    })
    void shouldRejectMalformedWindows(String start, String duration, String zone, String message) {
        BuildSchedule s = new BuildSchedule();
        s.setWindows(new ArrayList<>(List.of(window("Sat", start, duration, zone))));
        assertThatThrownBy(() -> Windows.of(s, Windows.NONE)).isInstanceOf(InvalidDefinitionException.class)
                .hasMessageContaining("spec.schedule.windows[0]").hasMessageContaining(message);
    }

    /** A window is described with its duration as written, in the spec or in the operator's default. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "01:00 1h | daily 01:00 for 1h UTC",
            "Sat 02:00 1h30m Europe/Berlin | Sat 02:00 for 1h30m Europe/Berlin",
            "Mon-Fri 22:00 90m | Mon,Tue,Wed,Thu,Fri 22:00 for 90m UTC",
            "Sun 00:00 168h | Sun 00:00 for 168h UTC",
    })
    void shouldDescribeAWindowWithItsDurationAsWritten(String text, String described) {
        assertThat(of(text).windows()).singleElement().hasToString(described);
    }

    /** The same durations as AdmissionIT (accepted) and its window-* invalid manifests (refused at admission). */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"1m, true", "168h, true", "167h60m, true", "10080m, true", "1h30m, true", "0h1m, true",
            "200h, false", "168h1m, false", "0m, false", "10081m, false"})
    void shouldAcceptExactlyTheWindowDurationsThatAdmissionAccepts(String duration, boolean accepted) {
        BuildSchedule s = new BuildSchedule();
        s.setWindows(new ArrayList<>(List.of(window("Sat", "02:00", duration, "UTC"))));
        if (accepted) {
            assertThat(Windows.of(s, Windows.NONE).windows()).singleElement()
                    .satisfies(w -> assertThat(w.duration()).isEqualTo(Specs.duration(duration)));
        } else {
            assertThatThrownBy(() -> Windows.of(s, Windows.NONE)).isInstanceOf(InvalidDefinitionException.class)
                    .hasMessageContaining("must be between 1m and 168h");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "Someday 02:00 4h | 'Someday' is not one of Mon",
            "Sat 02:00 | is not [days] HH:MM duration [zone]",
            "Sat 02:00 4h Mars/Olympus | is not an IANA time zone",
    })
    void shouldRejectAMalformedOperatorDefault(String text, String message) {
        assertThatThrownBy(() -> Windows.parseDefault(text)).isInstanceOf(InvalidDefinitionException.class)
                .hasMessageContaining(message);
    }
}
