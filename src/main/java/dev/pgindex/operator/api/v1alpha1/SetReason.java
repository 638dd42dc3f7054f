package dev.pgindex.operator.api.v1alpha1;

/** Every reason a PostgresIndexSet's conditions carry (CamelCase, stable), and its Event reasons. */
public enum SetReason {
    // Ready=True
    AllTargetsReady,
    // Reconciling=True
    RollingOut,
    CanaryInProgress,
    RollingOutNewIndex,
    DatabasesUnreachable,
    // Stalled=True
    FailureBudgetExhausted,
    SecretListForbidden,
    NoTargets,
    InvalidTemplate,
    // events
    CanaryReady,
    RolloutComplete,
    RolloutStopped,
    RolloutResumed,
    OldIndexRemoved
}
