package dev.pgindex.operator.api.v1alpha1;

/** A one-word summary of the state for printer columns; conditions are the contract. */
public enum Phase {
    /** Accepted, not built yet (waiting for a build slot, for the table, or for a retry). */
    Pending,
    /** A concurrent build (or the cleanup of an invalid leftover) is running. */
    Building,
    /** The index exists, is valid and matches the spec. */
    Ready,
    /** The operator gave up until something changes; see the Stalled condition. */
    Stalled,
    /** The resource is being deleted. */
    Deleting
}
