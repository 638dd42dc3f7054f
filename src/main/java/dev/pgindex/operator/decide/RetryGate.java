package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.ErrorInfo;
import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.draft.StatusDraft;
import dev.pgindex.operator.status.Conditions;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The one retry policy: whether a failed build, rebuild or partition build may start again now, must wait for
 * its backoff, or has spent its budget ({@code spec.retryLimit} per episode, see {@link #beginEpisodeIfReady}).
 * Transient failures back off from retryBackoffBase doubling to retryBackoffMax; permanent ones are re-checked
 * from permanentRecheckBase doubling to permanentRecheckMax and never spend the budget.
 */
public final class RetryGate {
    /** What is retried; each counts its failures its own way and says so in its messages. */
    public enum Work {
        /** CREATE INDEX CONCURRENTLY of the index: status.attempts, transient failures only. */
        BUILD,
        /** REINDEX INDEX CONCURRENTLY for spec.rebuild: status.attempts. */
        REBUILD,
        /** One partition's build: consecutive failures (status.lastError.occurrences). */
        PARTITION_BUILD
    }

    private RetryGate() {
    }

    /** Empty when the work may start now; otherwise the Wait or Stall that says why not. */
    public static Optional<Decision> check(DecisionContext ctx, Work work) {
        PostgresIndexStatus st = ctx.draft().status();
        ErrorInfo last = st.getLastError();
        if (last == null) {
            return Optional.empty();
        }
        boolean transientError = Boolean.TRUE.equals(last.getTransientError());
        int count;
        if (work == Work.PARTITION_BUILD) {
            count = last.getOccurrences() == null ? 1 : last.getOccurrences();
        } else {
            if (st.getAttempts() == null || st.getAttempts() <= 0) {
                return Optional.empty();
            }
            count = st.getAttempts();
        }
        int limit = ctx.retryLimit();
        boolean spent = count > limit && (transientError || work == Work.REBUILD);
        if (spent) {
            return Optional.of(ctx.stall(Reason.RetryLimitExceeded, switch (work) {
                case BUILD -> "gave up after " + count + " builds; the last failed with " + last.getReason() + ": "
                        + last.getMessage() + ". Raise spec.retryLimit to try again";
                case REBUILD -> "gave up rebuilding after " + count + " attempts; the last failed with "
                        + last.getReason() + ": " + last.getMessage() + ". The index itself is valid. Raise "
                        + "spec.retryLimit or change spec.rebuild to try again";
                case PARTITION_BUILD -> "a partition build failed " + count + " times in a row; the last: "
                        + last.getReason() + ": " + last.getMessage() + ". Raise spec.retryLimit to try again";
            }, null));
        }
        Duration wait = transientError ? backoff(ctx.settings.retryBackoffBase(), ctx.settings.retryBackoffMax(), count)
                : permanentBackoff(st, ctx.settings);
        Instant next = Instant.parse(last.getTime()).plus(wait);
        if (!ctx.now.isBefore(next)) {
            return Optional.empty();
        }
        Duration remaining = Duration.between(ctx.now, next);
        ctx.draft().failure().nextAttemptAt(next);
        if (transientError || work == Work.REBUILD) {
            String what = switch (work) {
                case BUILD -> "build";
                case REBUILD -> "rebuild";
                case PARTITION_BUILD -> "a partition build";
            };
            return Optional.of(ctx.waitFor(Phase.Pending, Reason.RetryScheduled, what + " failed with "
                    + last.getReason() + " (" + last.getMessage() + "); retrying in " + Durations.human(remaining),
                    remaining));
        }
        Reason reason = last.getReason() == null ? Reason.InvalidDefinition : last.getReason();
        return Optional.of(ctx.stall(reason, work == Work.BUILD ? last.getMessage() + "; the operator tries again "
                + "with backoff (status.nextAttemptAt)" : last.getMessage(), remaining));
    }

    /**
     * Work that starts from Ready (a rebuild after the index was dropped or invalidated out of band, a requested
     * REINDEX, a cleanup) is a new episode with the whole retry budget: attempts and the last failure of the
     * previous episode, which stayed visible while Ready, are reset here and nowhere else.
     */
    public static void beginEpisodeIfReady(StatusDraft draft) {
        if (Conditions.isTrue(draft.status(), ConditionType.READY)) {
            draft.failure().resetBudget();
        }
    }

    /**
     * The work about to start re-checks a permanent failure (duplicates, a missing column) whose backoff passed:
     * it is not an attempt, so permanent failures never spend the budget of a later transient one.
     */
    public static boolean isRecheck(PostgresIndexStatus st) {
        return st.getLastError() != null && !Boolean.TRUE.equals(st.getLastError().getTransientError());
    }

    /** The wait before re-checking a permanent failure: permanentRecheckBase doubling per occurrence. */
    public static Duration permanentBackoff(PostgresIndexStatus st, Settings settings) {
        return permanentBackoff(st.getLastError(), settings);
    }

    /** The same for any kind's status.lastError (null: the first occurrence). */
    public static Duration permanentBackoff(dev.pgindex.operator.api.v1alpha1.ErrorInfo lastError, Settings settings) {
        int n = lastError == null || lastError.getOccurrences() == null ? 1 : lastError.getOccurrences();
        return backoff(settings.permanentRecheckBase(), settings.permanentRecheckMax(), n);
    }

    /** base * 2^(attempt-1), at most max. */
    public static Duration backoff(Duration base, Duration max, int attempt) {
        int exp = Math.max(0, Math.min(20, attempt - 1));
        Duration d = base.multipliedBy(1L << exp);
        return d.compareTo(max) > 0 ? max : d;
    }
}
