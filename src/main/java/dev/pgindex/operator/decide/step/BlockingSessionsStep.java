package dev.pgindex.operator.decide.step;

import dev.pgindex.operator.api.v1alpha1.BlockerAction;
import dev.pgindex.operator.api.v1alpha1.BlockingSessionsPolicy;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.Decision;
import dev.pgindex.operator.decide.DecisionContext;
import dev.pgindex.operator.decide.Durations;
import dev.pgindex.operator.postgres.Blocker;
import dev.pgindex.operator.postgres.Observation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * spec.blockingSessions, after the running build was looked at: once the build has been blocked for the grace
 * period, the sessions it waits for (and only those: the watch of this very build) that match every list the
 * user gave are cancelled or terminated. A cancel only reaches a session that runs a statement: an idle
 * transaction runs none, so PostgreSQL ignores the cancel (PgSignalTest shows it), and it is reported instead.
 * Sessions the operator failed to end (status.guards.notEnded, usually a missing pg_signal_backend) are not
 * tried again for this build. Report, the default, ends nothing.
 */
public final class BlockingSessionsStep {
    static final Duration DEFAULT_GRACE = Duration.ofMinutes(5);

    private BlockingSessionsStep() {
    }

    public static Decision decide(DecisionContext ctx, Decision decided, Optional<Observation.Watch> watch) {
        BlockingSessionsPolicy policy = ctx.spec().getBlockingSessions();
        if (policy == null || policy.getAction() == null || policy.getAction() == BlockerAction.Report
                || watch.isEmpty() || watch.get().blockers().isEmpty() || !(decided instanceof Decision.Wait w)) {
            return decided;
        }
        PostgresIndexStatus st = w.status();
        if (st.getBlockedSince() == null) {
            return decided;
        }
        Duration grace = Optional.ofNullable(ctx.parsed().blockingGracePeriod()).orElse(DEFAULT_GRACE);
        Duration blocked = Duration.between(Instant.parse(st.getBlockedSince()), ctx.now());
        if (blocked.compareTo(grace) < 0) {
            return decided;
        }
        boolean terminate = policy.getAction() == BlockerAction.Terminate;
        List<Integer> notEnded = st.getGuards() == null || st.getGuards().getNotEnded() == null ? List.of()
                : st.getGuards().getNotEnded();
        List<Decision.EndSessions.SessionToEnd> targets = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Blocker b : watch.get().blockers()) {
            if (!matches(policy, b) || notEnded.contains(b.pid())) {
                continue;
            }
            if (!terminate && !"active".equals(b.state())) {
                notes.add("pid " + b.pid() + " is " + b.state() + ": a cancel does nothing to a session that runs "
                        + "no statement (only action Terminate ends it)");
                continue;
            }
            String verb = terminate ? "terminated" : "cancelled the statement of";
            targets.add(new Decision.EndSessions.SessionToEnd(b.pid(), terminate, Decision.Event.normal(
                    terminate ? Reason.BlockingSessionTerminated : Reason.BlockingSessionCancelled, verb + " pid "
                    + b.pid() + " (role " + b.user() + ", application '" + b.applicationName() + "', " + b.state()
                    + (b.transactionAgeSeconds() == null ? "" : ", transaction open " + b.transactionAgeSeconds() + "s")
                    + ") that had blocked the build of " + ctx.def().qualifiedName() + " for "
                    + Durations.human(blocked) + " (spec.blockingSessions); its query: " + b.query())));
        }
        ctx.draft().guards().blockingSessions(notes.isEmpty() ? null : String.join("; ", notes));
        if (targets.isEmpty()) {
            return new Decision.Wait(st, w.events(), w.requeue());
        }
        return new Decision.EndSessions(st, w.events(), targets, w.requeue());
    }

    /**
     * A session matches when it matches every list given: an application name exactly or by a prefix ending in *,
     * a role exactly, a state ignoring case.
     */
    static boolean matches(BlockingSessionsPolicy p, Blocker b) {
        return matchesAny(p.getApplicationNames(), b.applicationName(), (w, v) -> w.endsWith("*")
                ? v.startsWith(w.substring(0, w.length() - 1)) : w.equals(v))
                && matchesAny(p.getRoles(), b.user(), String::equals)
                && matchesAny(p.getStates(), b.state(), String::equalsIgnoreCase);
    }

    private static boolean matchesAny(List<String> wanted, String value, BiPredicate<String, String> match) {
        if (wanted == null || wanted.isEmpty()) {
            return true;
        }
        return value != null && wanted.stream().anyMatch(w -> w != null && match.test(w, value));
    }
}
