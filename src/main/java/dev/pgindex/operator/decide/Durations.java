package dev.pgindex.operator.decide;

import java.time.Duration;

/** Durations for people: 850ms, 42s, 3m20s, 2h5m. */
public final class Durations {
    private Durations() {
    }

    public static String human(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 1) {
            return Math.max(0, d.toMillis()) + "ms";
        }
        if (s < 120) {
            return s + "s";
        }
        if (s < 7200) {
            return (s / 60) + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
        }
        return (s / 3600) + "h" + ((s % 3600) / 60 == 0 ? "" : ((s % 3600) / 60) + "m");
    }
}
