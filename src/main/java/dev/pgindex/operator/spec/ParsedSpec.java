package dev.pgindex.operator.spec;

import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.postgres.IndexDefinition;
import dev.pgindex.operator.postgres.InvalidDefinitionException;

import java.time.Duration;
import java.util.Map;

/**
 * A PostgresIndex spec parsed once per reconcile: every field with a syntax of its own (the index definition,
 * durations, sizes, maintenance windows, replication lag limits, the builder session's settings) as a typed value.
 * A malformed one is an {@link InvalidDefinitionException} from {@link #of}, which the engine turns into Stalled
 * InvalidSpec before anything else happens; the decisions read these values and never parse spec text. The plain
 * fields (enums, tokens, numbers) are read from the spec itself.
 *
 * @param definition          the index, validated ({@link Specs#definition})
 * @param buildDeadline       spec.buildDeadline (null: none)
 * @param windows             spec.schedule.windows (null: the spec sets none, the operator's default applies)
 * @param replicaLag          spec.replicaLag (null: none)
 * @param replicaLagSet       whether the spec sets replicaLag (if not, the operator's default applies)
 * @param sessionSettings     spec.buildSettings as the builder session's settings
 * @param blockingGracePeriod spec.blockingSessions.gracePeriod (null: the step's default)
 * @param verifyInterval      spec.health.verify.interval (null: none)
 * @param bloatMinSize        spec.health.bloat.minSize in bytes (null: none)
 * @param bloatMinInterval    spec.health.bloat.minInterval (null: none)
 * @param bloatCheckInterval  spec.health.bloat.checkInterval (null: none)
 * @param unusedAfter         spec.usage.unusedAfter (null: the operator's default)
 */
public record ParsedSpec(IndexDefinition definition, Duration buildDeadline, Windows windows, LagLimits replicaLag,
        boolean replicaLagSet, Map<String, String> sessionSettings, Duration blockingGracePeriod,
        Duration verifyInterval, Long bloatMinSize, Duration bloatMinInterval, Duration bloatCheckInterval,
        Duration unusedAfter) {

    public static ParsedSpec of(PostgresIndexSpec spec) {
        IndexDefinition def = Specs.definition(spec);
        var health = spec.getHealth();
        var bloat = health == null ? null : health.getBloat();
        return new ParsedSpec(def, Specs.duration(spec.getBuildDeadline()),
                spec.getSchedule() == null || spec.getSchedule().getWindows() == null ? null
                        : Windows.of(spec.getSchedule(), null),
                LagLimits.of(spec.getReplicaLag(), null), spec.getReplicaLag() != null,
                java.util.Collections.unmodifiableMap(BuildSettingsPlan.sessionSettings(spec)),
                spec.getBlockingSessions() == null ? null : Specs.duration(spec.getBlockingSessions().getGracePeriod()),
                health == null || health.getVerify() == null ? null : Specs.duration(health.getVerify().getInterval()),
                bloat == null ? null : LagLimits.bytes(bloat.getMinSize()),
                bloat == null ? null : Specs.duration(bloat.getMinInterval()),
                bloat == null ? null : Specs.duration(bloat.getCheckInterval()),
                spec.getUsage() == null ? null : Specs.duration(spec.getUsage().getUnusedAfter()));
    }

    /**
     * For deletion, which needs the index alone: a spec whose other fields went bad after the index was built
     * must still let the finalizer drop or release it.
     */
    public static ParsedSpec forDeletion(PostgresIndexSpec spec) {
        return new ParsedSpec(Specs.definition(spec), null, null, null, false, Map.of(), null, null, null, null,
                null, null);
    }

    /** The windows that apply: the spec's (an empty list: none), otherwise the operator's default. */
    public Windows windows(Windows operatorDefault) {
        return windows != null ? windows : operatorDefault == null ? Windows.NONE : operatorDefault;
    }

    /** The replication lag limits that apply: the spec's, otherwise the operator's default; null when none. */
    public LagLimits replicaLag(LagLimits operatorDefault) {
        return replicaLagSet ? replicaLag : operatorDefault;
    }
}
