package dev.pgindex.operator.spec;

import dev.pgindex.operator.api.v1alpha1.BuildSchedule;
import dev.pgindex.operator.api.v1alpha1.MaintenanceWindow;
import dev.pgindex.operator.api.v1alpha1.Weekday;
import dev.pgindex.operator.postgres.InvalidDefinitionException;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maintenance windows as pure time arithmetic: whether one is open at an instant, when it closes, when the next one
 * opens. Each window recurs on its days at a local start time in its IANA zone (ZonedDateTime handles daylight
 * saving: a start in a spring-forward gap moves later by the gap, a start in an autumn overlap is its earlier
 * instant). No clock is read here: the instant is the engine's.
 */
public final class Windows {
    /** The shortest window, and the longest: a week (a window open every day for 24h is simply "always"). */
    static final Duration MIN = Specs.duration(MaintenanceWindow.MIN_DURATION);
    static final Duration MAX = Specs.duration(MaintenanceWindow.MAX_DURATION);
    private static final Pattern TIME = Pattern.compile("([01][0-9]|2[0-3]):([0-5][0-9])");
    private static final Pattern DEFAULT_WINDOW = Pattern.compile(
            "\\s*(?:([A-Za-z,\\-]+)\\s+)?(\\d\\d:\\d\\d)\\s+(\\S+)(?:\\s+(\\S+))?\\s*");

    /**
     * One window, parsed: the days it opens (all seven when none were listed), local start, length, zone; and the
     * length as written, which is how messages show it (1h stays 1h, where Durations.human would say 60m).
     */
    public record Window(Set<DayOfWeek> days, LocalTime start, Duration duration, ZoneId zone, String written) {
        @Override
        public String toString() {
            return (days.size() == 7 ? "daily" : days.stream().map(d -> Weekday.values()[d.ordinal()].name())
                    .reduce((a, b) -> a + "," + b).orElse("")) + " " + start + " for " + written + " " + zone.getId();
        }
    }

    private final List<Window> windows;

    private Windows(List<Window> windows) {
        this.windows = List.copyOf(windows);
    }

    public static final Windows NONE = new Windows(List.of());

    /**
     * The windows that apply to a resource: its spec.schedule.windows when it sets them (an empty list: none),
     * otherwise the operator's default. Malformed windows are an {@link InvalidDefinitionException}.
     */
    public static Windows of(BuildSchedule schedule, Windows operatorDefault) {
        if (schedule == null || schedule.getWindows() == null) {
            return operatorDefault == null ? NONE : operatorDefault;
        }
        List<Window> out = new ArrayList<>();
        int i = 0;
        for (MaintenanceWindow w : schedule.getWindows()) {
            String where = "spec.schedule.windows[" + i++ + "]";
            if (w == null) {
                throw new InvalidDefinitionException(where + " is empty");
            }
            Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
            if (w.getDays() != null) {
                w.getDays().forEach(d -> days.add(DayOfWeek.of(d.ordinal() + 1)));
            }
            out.add(window(where, days, w.getStart(), w.getDuration(), w.getTimeZone()));
        }
        return new Windows(out);
    }

    /**
     * The operator's default (pgindex.maintenance-windows): windows separated by ';', each
     * {@code [days] HH:MM duration [zone]}, days as {@code Sat,Sun} or a range {@code Mon-Fri}; for example
     * {@code "Mon-Fri 01:00 3h Europe/Berlin; Sat,Sun 00:00 8h Europe/Berlin"}. Blank: no default.
     */
    public static Windows parseDefault(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        List<Window> out = new ArrayList<>();
        for (String part : text.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            Matcher m = DEFAULT_WINDOW.matcher(part);
            String where = "pgindex.maintenance-windows '" + part.trim() + "'";
            if (!m.matches()) {
                throw new InvalidDefinitionException(where + " is not [days] HH:MM duration [zone]");
            }
            out.add(window(where, days(where, m.group(1)), m.group(2), m.group(3), m.group(4)));
        }
        return new Windows(out);
    }

    private static Set<DayOfWeek> days(String where, String text) {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        if (text == null) {
            return days;
        }
        for (String item : text.split(",")) {
            String[] range = item.split("-", -1);
            if (range.length > 2) {
                throw new InvalidDefinitionException(where + ": '" + item + "' is not a day or a range of days");
            }
            DayOfWeek from = day(where, range[0]);
            DayOfWeek to = range.length == 2 ? day(where, range[1]) : from;
            for (DayOfWeek d = from; ; d = d.plus(1)) {
                days.add(d);
                if (d == to) {
                    break;
                }
            }
        }
        return days;
    }

    private static DayOfWeek day(String where, String name) {
        for (Weekday w : Weekday.values()) {
            if (w.name().equalsIgnoreCase(name.trim())) {
                return DayOfWeek.of(w.ordinal() + 1);
            }
        }
        throw new InvalidDefinitionException(where + ": '" + name + "' is not one of Mon, Tue, Wed, Thu, Fri, Sat, Sun");
    }

    private static Window window(String where, Set<DayOfWeek> days, String start, String duration, String zone) {
        Matcher t = TIME.matcher(start == null ? "" : start);
        if (!t.matches()) {
            throw new InvalidDefinitionException(where + ": start '" + start + "' is not HH:MM (00:00 to 23:59)");
        }
        if (duration == null) {
            throw new InvalidDefinitionException(where + ": duration is missing");
        }
        Duration d;
        try {
            d = Specs.duration(duration);
        } catch (InvalidDefinitionException e) {
            throw new InvalidDefinitionException(where + ": " + e.getMessage());
        }
        if (d.compareTo(MIN) < 0 || d.compareTo(MAX) > 0) {
            throw new InvalidDefinitionException(where + ": duration " + duration + " must be between "
                    + MaintenanceWindow.MIN_DURATION + " and " + MaintenanceWindow.MAX_DURATION);
        }
        ZoneId z;
        try {
            z = zone == null || zone.isBlank() ? ZoneId.of("UTC") : ZoneId.of(zone.trim());
        } catch (DateTimeException e) {
            throw new InvalidDefinitionException(where + ": '" + zone + "' is not an IANA time zone such as "
                    + "Europe/Berlin");
        }
        return new Window(days.isEmpty() ? EnumSet.allOf(DayOfWeek.class) : days,
                LocalTime.of(Integer.parseInt(t.group(1)), Integer.parseInt(t.group(2))), d, z, duration.trim());
    }

    public boolean isEmpty() {
        return windows.isEmpty();
    }

    public List<Window> windows() {
        return windows;
    }

    /** When the window open at {@code now} closes (the latest, if several are open); empty when none is open. */
    public Optional<Instant> openUntil(Instant now) {
        Instant until = null;
        for (Window w : windows) {
            for (ZonedDateTime start : starts(w, now)) {
                Instant s = start.toInstant();
                Instant e = s.plus(w.duration());
                if (!s.isAfter(now) && e.isAfter(now) && (until == null || e.isAfter(until))) {
                    until = e;
                }
            }
        }
        return Optional.ofNullable(until);
    }

    /** The first opening after {@code now} (strictly later). Empty only when there are no windows. */
    public Optional<Instant> nextOpening(Instant now) {
        Instant next = null;
        for (Window w : windows) {
            for (ZonedDateTime start : starts(w, now)) {
                Instant s = start.toInstant();
                if (s.isAfter(now) && (next == null || s.isBefore(next))) {
                    next = s;
                }
            }
        }
        return Optional.ofNullable(next);
    }

    /**
     * The next opening after {@code now} of a window that stays open at least {@code needed}: a build predicted to
     * take that long waits for it. Looks four weeks ahead; empty if no window is that long.
     */
    public Optional<Instant> nextOpeningLasting(Instant now, Duration needed) {
        Instant from = now;
        for (int i = 0; i < 200; i++) {
            Optional<Instant> next = nextOpening(from);
            if (next.isEmpty() || next.get().isAfter(now.plus(Duration.ofDays(28)))) {
                return Optional.empty();
            }
            Optional<Instant> closes = openUntil(next.get());
            if (closes.isPresent() && !next.get().plus(needed).isAfter(closes.get())) {
                return next;
            }
            from = next.get();
        }
        return Optional.empty();
    }

    /** The starts of {@code w} on the local days from eight days before {@code now} to eight days after. */
    private static List<ZonedDateTime> starts(Window w, Instant now) {
        LocalDate today = now.atZone(w.zone()).toLocalDate();
        List<ZonedDateTime> out = new ArrayList<>();
        for (int d = -8; d <= 8; d++) {
            LocalDate date = today.plusDays(d);
            if (w.days().contains(date.getDayOfWeek())) {
                out.add(ZonedDateTime.of(date, w.start(), w.zone()));
            }
        }
        return out;
    }
}
