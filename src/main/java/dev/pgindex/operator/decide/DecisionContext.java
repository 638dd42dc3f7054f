package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.ErrorInfo;
import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.postgres.HealthObservation;
import dev.pgindex.operator.postgres.IndexDefinition;
import dev.pgindex.operator.postgres.Observation;
import dev.pgindex.operator.spec.ParsedSpec;
import dev.pgindex.operator.status.Conditions;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The inputs of one decision (spec, observation, clock, settings) and the status being decided,
 * a private copy that the steps fill in. The helpers turn it into the {@link Decision} values every step returns,
 * so conditions and events are set the same way everywhere.
 */
public final class DecisionContext {
    final Request req;
    final ParsedSpec parsed;
    final IndexDefinition def;
    final PostgresIndexStatus st;
    final Observation obs;
    final Instant now;
    final Settings settings;
    final List<Decision.Event> events = new ArrayList<>();
    private Guards guards = Guards.NONE;
    private HealthObservation health = HealthObservation.NONE;

    public DecisionContext(Request req, ParsedSpec parsed, PostgresIndexStatus status, Observation obs,
            Instant now, Settings settings) {
        this.req = req;
        this.parsed = parsed;
        this.def = parsed == null ? null : parsed.definition();
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

    public PostgresIndexStatus status() {
        return st;
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
        Conditions.reconciling(st, gen(), phase, reason, message, now);
        return new Decision.Wait(st, List.copyOf(events), requeue);
    }

    /** Stalled with a Warning event when the reason is new; re-checked after {@code recheck} (null: never). */
    public Decision.Stall stall(Reason reason, String message, Duration recheck) {
        boolean changed = Conditions.trueReason(st, ConditionType.STALLED).filter(reason::equals).isEmpty();
        st.setNextAttemptAt(recheck == null ? null : now.plus(recheck).truncatedTo(ChronoUnit.SECONDS).toString());
        Conditions.stalled(st, gen(), reason, message, now);
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
        st.setLastError(null);
        st.setNextAttemptAt(null);
        BuildWatch.clearBlockers(st);
        Guards.update(st, g -> {
            g.setEta(null);
            g.setBlockingSessions(null);
            g.setNotEnded(null);
        });
        if (st.getProgress() != null) {
            st.getProgress().setPhase("done");
            st.getProgress().setPercent(100);
            st.getProgress().setDisplay("100%");
        }
        boolean wasReady = Conditions.isTrue(st, ConditionType.READY);
        Conditions.ready(st, gen(), adopted ? Reason.Adopted : Reason.IndexReady, message, now);
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
            Conditions.reconciling(st, gen(), Phase.Deleting, Reason.WaitingForBuildSlot, "waiting for another "
                    + "build on this table to end before dropping " + def.qualifiedName(), now);
        } else {
            Conditions.reconciling(st, gen(), Phase.Pending, Reason.WaitingForBuildSlot, "another index build is "
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
        recordFailure(st, Reasons.of(f.kind()), f.sqlState(), step + " failed: " + f.message(), f.isTransient(), now);
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
        DecisionContext.recordFailure(st, Reasons.of(f.kind()), f.sqlState(), f.message(), f.isTransient(), now);
        if (!f.isTransient()) {
            return stallWithBackoff(Reasons.of(f.kind()), f.message());
        }
        Duration wait = RetryGate.backoff(settings.retryBackoffBase(), settings.retryBackoffMax(),
                st.getLastError().getOccurrences());
        st.setNextAttemptAt(now.plus(wait).truncatedTo(ChronoUnit.SECONDS).toString());
        if (st.getPhase() == Phase.Ready && Conditions.observedGeneration(st) == gen()) {
            return new Decision.Wait(st, java.util.List.of(), wait);
        }
        return waitFor(Phase.Pending, Reason.DatabaseUnreachable, "cannot reach the database: " + f.message()
                + "; retrying in " + Durations.human(wait), wait);
    }

    /** Records a failure in status.lastError (occurrences count consecutive failures of the same reason). */
    public static void recordFailure(PostgresIndexStatus st, Reason reason, String sqlState, String message,
            boolean transientError, Instant when) {
        ErrorInfo prev = st.getLastError();
        ErrorInfo e = new ErrorInfo();
        e.setReason(reason);
        e.setSqlState(sqlState);
        e.setMessage(message);
        e.setTransientError(transientError);
        e.setTime(when.toString());
        e.setOccurrences(prev != null && reason.equals(prev.getReason()) && prev.getOccurrences() != null
                ? prev.getOccurrences() + 1 : 1);
        st.setLastError(e);
        st.setNextAttemptAt(null);
    }
}
