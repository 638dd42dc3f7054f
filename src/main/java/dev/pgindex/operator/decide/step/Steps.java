package dev.pgindex.operator.decide.step;

import dev.pgindex.operator.decide.Decision;
import dev.pgindex.operator.decide.DecisionContext;
import dev.pgindex.operator.decide.JobPlan;
import dev.pgindex.operator.decide.Ownership;

import java.util.List;
import java.util.Optional;

/**
 * The decision of a reconcile: the steps, in order, each deciding or passing on. This list is the engine's table
 * of contents; a new capability is a new step here.
 */
public final class Steps {
    /** Guards first, then the index's life from absent to Ready. The last step always decides. */
    public static final List<Step> ORDER = List.of(
            new ServerGuardStep(),   // 14.0-14.3, NULLS NOT DISTINCT before 15
            new NameConflictStep(),  // the name belongs to a table, view or sequence
            new PartitionedStep(),   // a partitioned table, from ON ONLY to the last ATTACH and Ready
            new AbsentIndexStep(),   // no index: CREATE INDEX CONCURRENTLY
            new OtherOwnerStep(),    // another resource's index
            new RunningBuildStep(),  // a backend is building it: wait
            new InvalidIndexStep(),  // INVALID: ours is dropped and rebuilt
            new AdoptionStep(),      // valid, not yet marked for this spec: adopt, or conflict
            new RebuildStep(),       // spec.rebuild: REINDEX CONCURRENTLY, and our leftovers
            new ConstraintStep(),    // spec.constraint: ADD CONSTRAINT USING INDEX
            new AnalyzeStep(),       // spec.buildSettings.analyze: ANALYZE once after our build
            new VerificationStep(),  // spec.health.verify: amcheck, and spec.health.onCorruption
            new BloatStep(),         // spec.health.bloat: measure, REINDEX CONCURRENTLY over the threshold
            new CollationDriftStep(), // spec.health.collationDrift: report, or REINDEX CONCURRENTLY
            new ReadyStep());        // nothing left to do

    /**
     * Guards on starting work, applied in this order to every decision that would start a build or a rebuild
     * ({@link #startsWork}), whichever step made it; the first that holds it back decides instead. A new guard is
     * a new {@link Gate} here, with its own decision-table test.
     */
    public static final List<Gate> GATES = List.of(
            new PoolerGate(),        // the connection is not one stable session: Stalled PoolerNotSupported
            new WindowGate(),        // outside the maintenance windows, or predicted not to end in one
            new ReplicaLagGate());   // standbys too far behind, or their lag cannot be read

    private Steps() {
    }

    /**
     * The first step's decision. A pure function of the context (whose status copy it fills in). Before the steps,
     * the OID of our recorded build is pinned wherever the observation shows it ({@link Ownership#pinObserved});
     * after them, an observation that shows the build over closes its crash window ({@link Ownership#closeWindow}).
     */
    public static Decision decide(DecisionContext ctx) {
        Ownership.pinObserved(ctx);
        for (Step step : ORDER) {
            Optional<Decision> d = step.decide(ctx);
            if (d.isPresent()) {
                Ownership.closeWindow(ctx);
                return gate(ctx, d.get());
            }
        }
        throw new IllegalStateException("no step decided; ReadyStep always does");
    }

    /** The decision, or what the first of the {@link #GATES} decides instead when it would start work. */
    static Decision gate(DecisionContext ctx, Decision d) {
        if (!startsWork(d)) {
            return d;
        }
        JobPlan job = ((Decision.StartJob) d).job();
        for (Gate g : GATES) {
            Optional<Decision> held = g.hold(ctx, job);
            if (held.isPresent()) {
                return held.get();
            }
        }
        return d;
    }

    /**
     * Whether a decision starts work on the database that the guards apply to: a build or a REINDEX. The DROP of
     * an invalid leftover is cleanup (cheap, and it frees the name for the build that the guards then hold back).
     * An amcheck verification or a pgstatindex() only reads (no WAL, no lock that blocks writes) and keeps the
     * index Ready, so it checks the maintenance windows itself ({@link AfterReady#outsideWindows}) rather than wait
     * visibly in a gate.
     */
    public static boolean startsWork(Decision d) {
        return d instanceof Decision.StartJob j && j.job().kind().gated();
    }
}
