package dev.pgindex.operator.api.v1alpha1;

/** What the operator does to a session that blocks this resource's build (spec.blockingSessions.action). */
public enum BlockerAction {
    /** Name it in status and events, end nothing (the default). */
    Report,
    /** pg_cancel_backend: cancels the statement it runs; does nothing to an idle transaction. */
    Cancel,
    /** pg_terminate_backend: ends the session, rolling back its transaction. */
    Terminate
}
