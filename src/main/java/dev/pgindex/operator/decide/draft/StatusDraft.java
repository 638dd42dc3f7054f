package dev.pgindex.operator.decide.draft;

import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;

/**
 * The next status of a PostgresIndex while it is being decided, and the only code that changes it (ArchitectureTest
 * holds every other class to reading it). The last status, as the API server returned it, is read apart from it
 * ({@code DecisionContext.last()}). The mutators are grouped by concern: conditions, failure (status.lastError and
 * the retry budget), intent (status.build and attempts), progress (progress and blockers), guards, health
 * (verification, bloat, usage, analyze, collations), and facts (index, spec hash, partitions, constraint).
 */
public final class StatusDraft {
    private final PostgresIndexStatus st;

    /** A draft that edits {@code status} in place (the caller's own copy: never the status read from the server). */
    public StatusDraft(PostgresIndexStatus status) {
        this.st = status;
    }

    /** The status as drafted so far: read it, or hand it to a decision to be written; change it only here. */
    public PostgresIndexStatus status() {
        return st;
    }

    public ConditionsDraft conditions() {
        return new ConditionsDraft(st);
    }

    public FailureDraft failure() {
        return new FailureDraft(st);
    }

    public IntentDraft intent() {
        return new IntentDraft(st);
    }

    public ProgressDraft progress() {
        return new ProgressDraft(st);
    }

    public GuardsDraft guards() {
        return new GuardsDraft(st);
    }

    public HealthDraft health() {
        return new HealthDraft(st);
    }

    public FactsDraft facts() {
        return new FactsDraft(st);
    }

    /** A new spec (or a new resource, -1): failures and attempts of the old one no longer count. */
    public void forGeneration(long gen) {
        if (st.getObservedGeneration() != null && st.getObservedGeneration() != gen) {
            failure().resetBudget();
        }
    }
}
