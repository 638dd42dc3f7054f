package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.draft.StatusDraft;
import dev.pgindex.operator.postgres.HealthObservation;
import dev.pgindex.operator.postgres.IndexDefinition;
import dev.pgindex.operator.postgres.Observation;
import dev.pgindex.operator.spec.ParsedSpec;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.status.StatusCopies;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The inputs of one decision (spec, last status, observation, clock, settings) and the next status, a
 * {@link StatusDraft} that the steps fill in: {@link #last()} is the status as the decision found it, read-only;
 * {@link #draft()} the only way to change the next one. The helpers turn the draft into the {@link Decision} values
 * every step returns, so conditions and events are set the same way everywhere.
 */
public final class DecisionContext {
    final Request req;
    final ParsedSpec parsed;
    final IndexDefinition def;
    final PostgresIndexStatus last;
    final StatusDraft draft;
    private final PostgresIndexStatus st; // the draft's status, which the helpers read and hand to decisions
    final Observation obs;
    final Instant now;
    final Settings settings;
    final List<Decision.Event> events = new ArrayList<>();
    private Guards guards = Guards.NONE;
    private HealthObservation health = HealthObservation.NONE;

    /**
     * A decision that drafts into {@code status} (the caller's own copy, edited in place); {@link #last()} is a copy
     * of it as it is now.
     */
    public DecisionContext(Request req, ParsedSpec parsed, PostgresIndexStatus status, Observation obs,
            Instant now, Settings settings) {
        this.req = req;
        this.parsed = parsed;
        this.def = parsed == null ? null : parsed.definition();
        this.last = StatusCopies.copy(status);
        this.draft = new StatusDraft(status);
        this.st = status;
        this.obs = obs;
        this.now = now;
        this.settings = settings;
    }

    public Request req() {
        return req;
    }

    public IndexDefinition def() {
        return def;
    }

    /** The spec's parsed values (durations, windows, limits): what the decisions read instead of spec text. */
    public ParsedSpec parsed() {
        return parsed;
    }

    /** The status as this decision found it (what the last reconcile wrote, or an earlier pass left): read only. */
    public PostgresIndexStatus last() {
        return last;
    }

    /** The next status, being decided: read it with {@code draft().status()}, change it only through the draft. */
    public StatusDraft draft() {
        return draft;
    }

    public Observation obs() {
        return obs;
    }

    public Instant now() {
        return now;
    }

    public Settings settings() {
        return settings;
    }

    /** What the gates know besides the observation ({@link Guards#NONE} until the engine reads it). */
    public Guards guards() {
        return guards;
    }

    public DecisionContext withGuards(Guards g) {
        this.guards = g;
        return this;
    }

    /** What the checks after Ready read this time ({@link HealthObservation#NONE} when none was due). */
    public HealthObservation health() {
        return health;
    }

    public DecisionContext withHealth(HealthObservation h) {
        this.health = h;
        return this;
    }

    public PostgresIndexSpec spec() {
        return req.spec();
    }

    public long gen() {
        return req.generation();
    }

    /** spec.retryLimit, with the CRD's default when an older object lacks it. */
    public int retryLimit() {
        return req.spec().getRetryLimit() == null ? 3 : req.spec().getRetryLimit();
    }

    public void event(Decision.Event e) {
        events.add(e);
    }

    /** The events raised so far (a decision carries them; this is for a record made without one). */
    public List<Decision.Event> events() {
        return List.copyOf(events);
    }

    public Decision.Wait waitFor(Phase phase, Reason reason, String message, Duration requeue) {
        draft.conditions().reconciling(gen(), phase, reason, message, now);
        return new Decision.Wait(st, List.copyOf(events), requeue);
    }

    /** Stalled with a Warning event when the reason is new; re-checked after {@code recheck} (null: never). */
    public Decision.Stall stall(Reason reason, String message, Duration recheck) {
        boolean changed = Conditions.trueReason(last, ConditionType.STALLED).filter(reason::equals).isEmpty();
        draft.failure().nextAttemptAt(recheck == null ? null : now.plus(recheck));
        draft.conditions().stalled(gen(), reason, message, now);
        if (changed) {
            events.add(Decision.Event.warning(reason, message));
        }
        return new Decision.Stall(st, List.copyOf(events), recheck);
    }

    /** Stalled, re-checked on the slow backoff of permanent failures. */
    public Decision.Stall stallWithBackoff(Reason reason, String message) {
        return stall(reason, message, RetryGate.permanentBackoff(st, settings));
    }

    /** The index is what the spec asks for: clear what belonged to the work, set Ready, resync later. */
    public Decision.Ready ready(boolean adopted, String message, String event) {
        draft.failure().clear();
        draft.failure().nextAttemptAt(null);
        draft.progress().clearBlockers();
        draft.guards().workDone();
        draft.progress().done();
        boolean wasReady = Conditions.isTrue(last, ConditionType.READY);
        draft.conditions().ready(gen(), adopted ? Reason.Adopted : Reason.IndexReady, message, now);
        if (!wasReady) {
            events.add(Decision.Event.normal(Reason.IndexReady, event));
        }
        return new Decision.Ready(st, List.copyOf(events), settings.resyncInterval());
    }

    public Decision.StartJob start(JobPlan job) {
        return new Decision.StartJob(st, List.copyOf(events), job);
    }

    /**
     * The job of {@code d} found no build slot free, or another build on its table: wait and look again after
     * {@code poll}, saying so, except for a read after Ready, which waits quietly until the next resync.
     */
    public Decision.Wait noSlotFor(Decision.StartJob d, Duration poll) {
        JobKind kind = d.job().kind();
        if (kind.keepsReady()) {
            return new Decision.Wait(st, d.events(), settings.resyncInterval());
        }
        if (kind.forDeletion()) {
            draft.conditions().reconciling(gen(), Phase.Deleting, Reason.WaitingForBuildSlot, "waiting for another "
                    + "build on this table to end before dropping " + def.qualifiedName(), now);
        } else {
            draft.conditions().reconciling(gen(), Phase.Pending, Reason.WaitingForBuildSlot, "another index build is "
                    + "running on this table or uses this database's build slots (limit "
                    + settings.buildsPerDatabase() + "); waiting", now);
        }
        return new Decision.Wait(st, d.events(), poll);
    }

    public Decision.Mark mark(String schema, String index, String comment) {
        return new Decision.Mark(st, List.copyOf(events), schema, index, comment);
    }

    /** Quick DDL; {@code onSuccess} is raised once it committed, {@code onFailure} decides when it did not. */
    public Decision.ShortLockDdl shortLock(List<String> statements, Decision.Event onSuccess,
            java.util.function.Function<dev.pgindex.operator.postgres.SqlErrors.Failure, Decision> onFailure) {
        return new Decision.ShortLockDdl(st, List.copyOf(events), statements,
                onSuccess == null ? List.of() : List.of(onSuccess), onFailure);
    }

    /**
     * A quick DDL step failed: a transient failure (lock timeout, lost connection) is retried with backoff while
     * Reconciling with {@code retryReason}; anything else stalls with {@code stallReason} (or the failure's own).
     */
    public Decision stepFailed(Reason retryReason, Reason stallReason, String step,
            dev.pgindex.operator.postgres.SqlErrors.Failure f) {
        draft.failure().record(Reasons.of(f.kind()), f.sqlState(), step + " failed: " + f.message(), f.isTransient(),
                now);
        if (f.isTransient()) {
            Duration wait = RetryGate.backoff(settings.retryBackoffBase(), settings.retryBackoffMax(),
                    st.getLastError().getOccurrences());
            return waitFor(Phase.Building, retryReason, step + " failed (" + f.message() + "); retrying in "
                    + Durations.human(wait), wait);
        }
        return stallWithBackoff(stallReason != null ? stallReason : Reasons.of(f.kind()),
                st.getLastError().getMessage());
    }

    /**
     * The database could not be reached or refused a read. Transient: back off; a Ready index stays Ready while
     * its spec is unchanged (an outage does not change the index). Permanent: Stalled with the failure's reason.
     */
    public Decision unreachable(dev.pgindex.operator.postgres.SqlErrors.Failure f) {
        draft.failure().record(Reasons.of(f.kind()), f.sqlState(), f.message(), f.isTransient(), now);
        if (!f.isTransient()) {
            return stallWithBackoff(Reasons.of(f.kind()), f.message());
        }
        Duration wait = RetryGate.backoff(settings.retryBackoffBase(), settings.retryBackoffMax(),
                st.getLastError().getOccurrences());
        draft.failure().nextAttemptAt(now.plus(wait));
        if (last.getPhase() == Phase.Ready && Conditions.observedGeneration(last) == gen()) {
            return new Decision.Wait(st, java.util.List.of(), wait);
        }
        return waitFor(Phase.Pending, Reason.DatabaseUnreachable, "cannot reach the database: " + f.message()
                + "; retrying in " + Durations.human(wait), wait);
    }
}
