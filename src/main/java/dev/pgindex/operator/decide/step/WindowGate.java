package dev.pgindex.operator.decide.step;

import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.Decision;
import dev.pgindex.operator.decide.DecisionContext;
import dev.pgindex.operator.decide.Durations;
import dev.pgindex.operator.decide.JobPlan;
import dev.pgindex.operator.spec.Windows;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Maintenance windows (spec.schedule.windows, or the operator's default): a job starts only while a window is
 * open, and, when a build rate was measured on this database and the table's size is known, only if the build is
 * predicted to end before the window closes. Otherwise Reconciling WaitingForWindow until the next opening
 * (looked at again then, or at the resync interval if that comes first).
 */
public final class WindowGate implements Gate {
    @Override
    public Optional<Decision> hold(DecisionContext ctx, JobPlan job) {
        Windows windows = ctx.parsed().windows(ctx.guards().defaultWindows());
        if (windows.isEmpty()) {
            ctx.draft().guards().noWindowWait();
            return Optional.empty();
        }
        Instant now = ctx.now();
        Duration estimate = estimate(ctx);
        ctx.draft().guards().estimatedBuildTime(estimate == null ? null : Durations.human(estimate));
        Optional<Instant> closes = windows.openUntil(now);
        if (closes.isPresent() && (estimate == null || !now.plus(estimate).isAfter(closes.get()))) {
            ctx.draft().guards().noWindowWait();
            return Optional.empty();
        }
        String what = job.qualifiedTarget();
        if (closes.isPresent()) {
            Optional<Instant> next = windows.nextOpeningLasting(now, estimate);
            String message = "the build of " + what + " is predicted to take " + Durations.human(estimate)
                    + " (table size / the build rate measured on this database), longer than the open maintenance "
                    + "window has left (it closes at " + rfc(closes.get()) + "); " + (next.isPresent()
                    ? "waiting for the next window long enough, at " + rfc(next.get())
                    : "no window in the next four weeks is long enough; waiting for a longer window");
            return Optional.of(wait(ctx, next.orElse(null), closes.get(), message));
        }
        Instant next = windows.nextOpening(now).orElseThrow();
        return Optional.of(wait(ctx, next, null, "outside the maintenance windows (" + describe(windows)
                + "); the build of " + what + " waits for the next one, at " + rfc(next) + " (in "
                + Durations.human(Duration.between(now, next)) + ")"));
    }

    private static Decision wait(DecisionContext ctx, Instant next, Instant closes, String message) {
        ctx.draft().guards().waitingForWindow(Reason.WaitingForWindow + (next == null ? "" : " until " + rfc(next)),
                next == null ? null : rfc(next), closes == null ? null : rfc(closes));
        Duration resync = ctx.settings().resyncInterval();
        Duration until = next == null ? resync : Duration.between(ctx.now(), next).plusSeconds(1);
        return ctx.waitFor(Phase.Pending, Reason.WaitingForWindow, message, until.compareTo(resync) < 0 ? until : resync);
    }

    /** Table bytes / measured bytes per second, when both are known. */
    static Duration estimate(DecisionContext ctx) {
        Double rate = ctx.guards().bytesPerSecond();
        long bytes = ctx.guards().seen().tableBytes();
        if (rate == null || rate <= 0 || bytes < 0) {
            return null;
        }
        return Duration.ofSeconds((long) Math.ceil(bytes / rate));
    }

    private static String describe(Windows windows) {
        return windows.windows().stream().map(Windows.Window::toString).reduce((a, b) -> a + "; " + b).orElse("");
    }

    static String rfc(Instant i) {
        return i.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
