package dev.pgindex.operator.api.v1alpha1;

/** The three condition types that kstatus, Flux and Argo CD read. */
public final class ConditionType {
    /** The index exists, is valid and matches the spec of observedGeneration. */
    public static final String READY = "Ready";
    /** The operator is working towards Ready (building, cleaning up, waiting for a slot or a retry). */
    public static final String RECONCILING = "Reconciling";
    /** The operator cannot make progress without a change by a person (spec, data, privileges, database). */
    public static final String STALLED = "Stalled";

    private ConditionType() {
    }
}
