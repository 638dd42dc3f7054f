package dev.pgindex.operator.api.v1alpha1;

/** Every reason a PostgresIndexSet's conditions carry (CamelCase, stable), and its Event reasons. */
public enum SetReason {
    // Ready=True
    AllTargetsReady,
    NoTargets,
    // Reconciling=True
    RollingOut,
    CanaryInProgress,
    RollingOutNewIndex,
    DatabasesUnreachable,
    // Stalled=True
    FailureBudgetExhausted,
    SecretListForbidden,
    TargetsStalled,
    // events
    CanaryReady,
    RolloutComplete,
    RolloutStopped,
    RolloutResumed,
    OldIndexRemoved
}
