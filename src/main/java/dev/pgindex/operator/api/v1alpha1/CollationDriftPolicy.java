package dev.pgindex.operator.api.v1alpha1;

/** What the operator does when a collation the index depends on changed version (spec.health.collationDrift). */
public enum CollationDriftPolicy {
    /** A CollationDrift reason on Ready and a Warning event; nothing is rebuilt. */
    Report,
    /** As Report, and REINDEX INDEX CONCURRENTLY of this index, through the guards and the build slot. */
    Rebuild
}
