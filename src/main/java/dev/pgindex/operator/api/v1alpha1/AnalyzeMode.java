package dev.pgindex.operator.api.v1alpha1;

/** When the table is analyzed after a build (spec.buildSettings.analyze). */
public enum AnalyzeMode {
    /** When the index has expressions or a predicate: the planner has no statistics for them otherwise. */
    Auto,
    Always,
    Never
}
