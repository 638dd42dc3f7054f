package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.postgres.IndexBuilder;
import dev.pgindex.operator.postgres.Observation;

import java.time.Instant;
import java.util.Optional;

/**
 * What kind of long job a {@link JobPlan} runs, and every policy that differs by kind: whether the gates hold it,
 * whether the index stays Ready meanwhile, whether it counts against spec.retryLimit, how its intent, progress and
 * outcome are recorded, and its metric label. The engine asks the kind and never switches on it. A new kind is one
 * more record here, under {@link WritingJob} (DDL: the index is Reconciling while it runs) or {@link ReadingJob}
 * (a read after Ready: the index stays Ready), with its rows in the decision tables.
 */
public sealed interface JobKind permits WritingJob, ReadingJob {
    /** The operation tag of its metrics, and how logs name it. */
    String label();

    /** The Reconciling reason while it runs. */
    Reason reason();

    /** Whether the gates (pooler, maintenance windows, replication lag) apply before it starts: it writes. */
    boolean gated();

    /** A read: conditions, status.build and the retry budget are untouched, and it waits for a slot quietly. */
    boolean keepsReady();

    /** Whether it counts against spec.retryLimit (the first build or REINDEX of an episode, and retries). */
    default boolean countsAttempt() {
        return false;
    }

    /** Run by the finalizer: no intent recorded, no attempt counted, never queued behind other builds. */
    default boolean forDeletion() {
        return false;
    }

    /** Whether deleting the resource cancels it while it runs (a DROP is let finish). */
    default boolean cancelledByDeletion() {
        return true;
    }

    /** Whether spec.buildSettings apply to its session (maintenance_work_mem, parallel workers, ...). */
    default boolean usesBuildSettings() {
        return true;
    }

    /** Whether a successful run on a table of known size measures the database's build rate (windows' ETA). */
    default boolean measuresRate() {
        return false;
    }

    /** Whether it drops an INVALID index (outside deletion, the invalid-index metrics count it). */
    default boolean repairsInvalid() {
        return false;
    }

    /**
     * Writes the intent into {@code ctx}'s draft before the statement is sent (its session and slot are held by
     * then).
     */
    void recordIntent(DecisionContext ctx, JobPlan job, int pid, Instant now);

    /** The Normal event of a job that started. */
    Decision.Event started(DecisionContext ctx, JobPlan job, int pid, PostgresIndexStatus st);

    /** What a reconcile reports while the job of this process runs ({@code watch}: empty when unreadable). */
    Decision inFlight(DecisionContext ctx, IndexBuilder.Job<JobKind> job, Optional<Observation.Watch> watch);

    /** Records the job's outcome into {@code ctx}'s draft and events (not trusted: the catalog decides next). */
    void recordOutcome(DecisionContext ctx, IndexBuilder.Job<JobKind> job, IndexBuilder.Result r);
}
