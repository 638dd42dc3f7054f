package dev.pgindex.operator.decide.draft;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.ConstraintKind;
import dev.pgindex.operator.api.v1alpha1.ConstraintStep;
import dev.pgindex.operator.api.v1alpha1.ErrorInfo;
import dev.pgindex.operator.api.v1alpha1.PostgresConstraintStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.api.v1alpha1.SupportingIndexInfo;
import dev.pgindex.operator.api.v1alpha1.ValidationInfo;
import dev.pgindex.operator.api.v1alpha1.ViolationsInfo;
import dev.pgindex.operator.postgres.SqlErrors;
import dev.pgindex.operator.postgres.Violations;
import dev.pgindex.operator.status.StatusCopies;
import dev.pgindex.operator.status.Conditions;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The PostgresConstraint status being decided: a copy of the last one, and the only code that changes it. The
 * three conditions follow the PostgresIndex rules (one reason on all three, the message on Ready and on the True
 * one, lastTransitionTime moves only on a flip, status.observedGeneration follows the conditions).
 */
public final class ConstraintDraft {
    private final PostgresConstraintStatus st;
    private final long generation;
    private final Instant now;

    public ConstraintDraft(PostgresConstraintStatus last, long generation, Instant now, ConstraintKind kind) {
        this.st = StatusCopies.copy(last);
        this.generation = generation;
        this.now = now;
        st.setKind(kind);
    }

    /** The status as decided so far (the engine writes it; nobody changes it after the decision). */
    public PostgresConstraintStatus status() {
        return st;
    }

    public void ready(Reason reason, String message) {
        st.setStep(ConstraintStep.Done);
        st.setLastError(null);
        st.setNextAttemptAt(null);
        conditions(ConditionType.READY, reason, message);
    }

    public void reconciling(ConstraintStep step, Reason reason, String message) {
        st.setStep(step);
        conditions(ConditionType.RECONCILING, reason, message);
    }

    /** Where the protocol stands when it stalls there (the count, the ADD): the step that waits for a person. */
    public void at(ConstraintStep step) {
        st.setStep(step);
    }

    public void stalled(Reason reason, String message, Duration recheck) {
        st.setNextAttemptAt(recheck == null ? null : now.plus(recheck).truncatedTo(ChronoUnit.SECONDS).toString());
        conditions(ConditionType.STALLED, reason, message);
    }

    /** Whether Stalled is True with {@code reason} already (its Warning event was raised then). */
    public boolean stalledWith(Reason reason) {
        return Conditions.get(st.getConditions(), ConditionType.STALLED).filter(c -> Conditions.TRUE.equals(
                c.getStatus()) && reason.name().equals(c.getReason())).isPresent();
    }

    public boolean isReady() {
        return Conditions.get(st.getConditions(), ConditionType.READY).filter(c -> Conditions.TRUE.equals(
                c.getStatus()) && c.getObservedGeneration() != null && c.getObservedGeneration() == generation)
                .isPresent();
    }

    private void conditions(String trueOne, Reason reason, String message) {
        st.setConditions(Conditions.kstatus(st.getConditions(), trueOne, reason.name(), message, generation, now));
        st.setObservedGeneration(generation);
    }

    /** Records a failure (occurrences count consecutive failures of the same reason); returns the count. */
    public int failure(Reason reason, SqlErrors.Failure f, String message) {
        ErrorInfo e = ErrorInfos.next(st.getLastError(), reason, f == null ? null : f.sqlState(), message,
                f != null && f.isTransient(), now);
        st.setLastError(e);
        return e.getOccurrences();
    }

    public void clearFailure() {
        st.setLastError(null);
        st.setNextAttemptAt(null);
    }

    public void nextAttemptIn(Duration d) {
        st.setNextAttemptAt(now.plus(d).truncatedTo(ChronoUnit.SECONDS).toString());
    }

    public void violations(Violations v) {
        ViolationsInfo i = new ViolationsInfo();
        i.setCount(v.count());
        i.setSample(v.sample().isEmpty() ? null : v.sample());
        i.setCheckedAt(now.truncatedTo(ChronoUnit.SECONDS).toString());
        st.setViolations(i);
    }

    /** Forgets the count (VALIDATE found a violation the count did not see): the next look counts again. */
    public void violationsUnknown() {
        st.setViolations(null);
    }

    public Optional<ViolationsInfo> lastViolations() {
        return Optional.ofNullable(st.getViolations());
    }

    public void existing(String definition, boolean validated, Boolean adopted) {
        st.setDefinition(definition);
        st.setValidated(validated);
        if (adopted != null) {
            st.setAdopted(adopted);
        }
    }

    /** Returns whether this changes what was known: an absent index is warned about once, not on every look. */
    public boolean supportingIndex(String name, String resource) {
        SupportingIndexInfo prev = st.getSupportingIndex();
        boolean found = name != null;
        boolean changed = prev == null || !Boolean.valueOf(found).equals(prev.getFound());
        SupportingIndexInfo i = new SupportingIndexInfo();
        i.setName(name);
        i.setResource(resource);
        i.setFound(found);
        st.setSupportingIndex(i);
        return changed;
    }

    public void validationStarted(int pid) {
        ValidationInfo v = new ValidationInfo();
        v.setPid(pid);
        v.setStartedAt(now.truncatedTo(ChronoUnit.SECONDS).toString());
        st.setValidation(v);
    }

    public void validationBlockedBy(String blockers) {
        if (st.getValidation() != null) {
            st.getValidation().setBlockedBy(blockers);
        }
    }

    public void validationEnded(Instant at) {
        if (st.getValidation() != null) {
            st.getValidation().setFinishedAt(at.truncatedTo(ChronoUnit.SECONDS).toString());
            st.getValidation().setBlockedBy(null);
        }
    }

    public boolean adopted() {
        return Boolean.TRUE.equals(st.getAdopted());
    }

    public ConstraintStep step() {
        return st.getStep();
    }

    public Instant now() {
        return now;
    }
}
