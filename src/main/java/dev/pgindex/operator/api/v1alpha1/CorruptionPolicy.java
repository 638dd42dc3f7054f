package dev.pgindex.operator.api.v1alpha1;

/** What the operator does when amcheck finds the index corrupt (spec.health.onCorruption). */
public enum CorruptionPolicy {
    /** Stalled with reason VerificationFailed and a Warning event; nothing is rebuilt. */
    Report,
    /** REINDEX INDEX CONCURRENTLY of this index through the guards, then verify the new index. */
    Rebuild
}
