package dev.pgindex.operator.decide.constraint;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.ConstraintStep;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.Durations;
import dev.pgindex.operator.decide.Reasons;
import dev.pgindex.operator.decide.RetryGate;
import dev.pgindex.operator.decide.draft.ConstraintDraft;
import dev.pgindex.operator.postgres.ErrorKind;
import dev.pgindex.operator.postgres.SqlErrors;
import dev.pgindex.operator.status.Conditions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The input and the draft of one PostgresConstraint decision, and the helpers that turn them into the
 * {@link ConstraintDecision} values, so that conditions, retries and events are set the same way by the protocol
 * ({@link ConstraintPlan}) and the finalizer ({@link ConstraintDeletion}).
 */
abstract class ConstraintContext {
    final ConstraintInput in;
    final ConstraintDraft draft;
    final List<ConstraintDecision.Event> events = new ArrayList<>();
    /** The reason of Stalled=True in the last status (null when it was not Stalled): its Warning was raised then. */
    private final String stalledBefore;

    ConstraintContext(ConstraintInput in) {
        this.in = in;
        this.draft = new ConstraintDraft(in.last(), in.generation(), in.now(), in.spec() == null ? null
                : in.spec().kind());
        this.stalledBefore = draft.status().getConditions().stream().filter(c -> ConditionType.STALLED.equals(
                c.getType()) && Conditions.TRUE.equals(c.getStatus())).map(c -> c.getReason()).findFirst()
                .orElse(null);
    }

    ConstraintDecision waitFor(ConstraintStep step, Reason reason, String message, Duration requeue) {
        draft.reconciling(step, reason, message);
        return new ConstraintDecision.Wait(draft.status(), List.copyOf(events), requeue);
    }

    /**
     * Stalled, with a Warning event when the reason is new; looked at again after {@code recheck} (null: never).
     * New means neither Stalled now nor in the last status: a step retried from Stalled passes through Reconciling
     * in the same look, and when it fails the same way it is the same failure.
     */
    ConstraintDecision stall(Reason reason, String message, Duration recheck) {
        if (!draft.stalledWith(reason) && !reason.name().equals(stalledBefore)) {
            events.add(ConstraintDecision.Event.warning(reason, message));
        }
        draft.stalled(reason, message, recheck);
        return new ConstraintDecision.Wait(draft.status(), List.copyOf(events), recheck);
    }

    ConstraintDecision ready(Reason reason, String message) {
        boolean was = draft.isReady();
        draft.ready(reason, message);
        if (!was) {
            events.add(ConstraintDecision.Event.normal(reason, message));
        }
        return new ConstraintDecision.Wait(draft.status(), List.copyOf(events), in.settings().resyncInterval());
    }

    Duration permanentBackoff() {
        return RetryGate.permanentBackoff(draft.status().getLastError(), in.settings());
    }

    Duration backoff(int occurrences) {
        return RetryGate.backoff(in.settings().retryBackoffBase(), in.settings().retryBackoffMax(), occurrences);
    }

    /**
     * A short-lock step: Reconciling with {@code reason} while it runs. When the operator's table lock is busy it
     * waits for the build or step that holds it; a lock_timeout is retried with backoff up to spec.lockRetries
     * times in a row, naming the sessions in the way, then Stalled (LockTimeout) on the slow backoff; any other
     * failure is handled as a step failure.
     */
    ConstraintDecision shortLock(List<Long> tables, List<String> statements, ConstraintStep step, Reason reason,
            String message, ConstraintDecision.Event onSuccess) {
        draft.reconciling(step, reason, message);
        return new ConstraintDecision.ShortLock(draft.status(), List.copyOf(events), tables, statements,
                List.of(onSuccess), failed -> {
                    if (failed.failure() == null) {
                        return waitFor(step, Reason.WaitingForBuildSlot, message + ": waiting for another build or "
                                + "constraint step on this table to end", in.settings().buildPollInterval());
                    }
                    String inWay = failed.holders().isEmpty() ? "" : "; in the way: " + String.join("; ",
                            failed.holders());
                    if (failed.failure().kind() == ErrorKind.LockTimeout) {
                        int n = draft.failure(Reason.LockTimeout, failed.failure(), failed.failure().message()
                                + inWay);
                        if (n > in.parsed().lockRetries()) {
                            return stall(Reason.LockTimeout, step + " gave up on its lock " + n + " times in a row"
                                    + inWay + "; retried on the slow backoff (raise spec.lockRetries, or end "
                                    + "those sessions' long transactions)", permanentBackoff());
                        }
                        Duration wait = backoff(n);
                        draft.nextAttemptIn(wait);
                        return waitFor(step, reason, message + ": the lock was not granted within the short "
                                + "lock_timeout (try " + n + " of " + in.parsed().lockRetries() + ")" + inWay
                                + "; retrying in " + Durations.human(wait), wait);
                    }
                    return failed(failed.failure(), step + " failed: " + failed.failure().message() + inWay, step,
                            reason);
                });
    }

    /** A failed step: transient failures back off while Reconciling with {@code reason}; others stall. */
    ConstraintDecision failed(SqlErrors.Failure f, String message, ConstraintStep step, Reason reason) {
        Reason failure = Reasons.of(f.kind());
        int n = draft.failure(failure, f, message);
        if (f.isTransient()) {
            Duration wait = backoff(n);
            draft.nextAttemptIn(wait);
            return waitFor(step, reason, message + "; retrying in " + Durations.human(wait), wait);
        }
        return stall(failure, message, permanentBackoff());
    }
}
