package dev.pgindex.operator.api.v1alpha1;

/**
 * Every reason the operator puts on a condition (CamelCase, stable: tools and alerts may match on them).
 * The table in README.md ("Conditions and reasons") lists when each one appears.
 */
public enum Reason {
    // Ready=True
    IndexReady,
    Adopted,
    // Reconciling=True
    Building,
    BuildInProgress,
    WaitingForTransactions,
    AddingConstraint,
    AttachingPartitions,
    Rebuilding,
    WaitingForLock,
    WaitingForBuildSlot,
    CleaningUp,
    RetryScheduled,
    DatabaseUnreachable,
    // Stalled=True
    InvalidSpec,
    SecretNotFound,
    SecretInvalid,
    AuthenticationFailed,
    DatabaseNotFound,
    TableNotFound,
    ColumnNotFound,
    InvalidDefinition,
    InsufficientPrivilege,
    UniqueViolation,
    NullableColumn,
    ConstraintConflict,
    UnsupportedFeature,
    UnsupportedServerVersion,
    NameConflict,
    DefinitionConflict,
    OwnedByOther,
    InvalidIndexNotOwned,
    RetryLimitExceeded,
    // last-error reasons of transient failures (status.lastError.reason)
    Deadlock,
    LockTimeout,
    Cancelled,
    BuildDeadlineExceeded,
    ServerShutdown,
    ConnectionLost,
    ResourceExhausted,
    BuildFailed,
    // events
    BuildBlocked,
    // deletion
    Deleting,
    IndexDropped,
    IndexRetained,
    DropAbandoned,
    // guards: when a build may start (Reconciling=True while waiting; PoolerNotSupported is Stalled=True)
    WaitingForWindow,
    PoolerNotSupported,
    // events of spec.blockingSessions
    BlockingSessionCancelled,
    BlockingSessionTerminated,
    // Reconciling=True: the standbys are too far behind for a build to start (spec.replicaLag)
    WaitingForReplicaLag,
    // event: the table was analyzed after a build (spec.buildSettings.analyze)
    Analyzed,
    // after Ready (spec.health): Ready=True with this reason while a collation changed version since the build
    CollationDrift,
    // event: a rebuild ended a collation drift
    CollationDriftResolved,
    // spec.health.verify: event when bt_index_check starts; Stalled=True when it found the index corrupt
    Verifying,
    VerificationFailed,
    // spec.health.bloat: events when pgstatindex starts and when a rebuild for bloat is decided
    MeasuringBloat,
    Bloated,
    // PostgresConstraint: Ready=True when PostgreSQL holds it validated (Adopted when it was there before)
    ConstraintValid,
    // PostgresConstraint: Reconciling=True while a step runs or waits (AddingConstraint, WaitingForWindow,
    // WaitingForBuildSlot and DatabaseUnreachable too)
    CheckingViolations,
    ValidatingConstraint,
    SettingNotNull,
    WaitingForIndex,
    // PostgresConstraint: Stalled=True while rows violate it (re-counted on spec.recheckInterval)
    ViolationsFound,
    // PostgresConstraint: events
    ConstraintAdded,
    ConstraintValidated,
    NoSupportingIndex,
    ConstraintDropped,
    ConstraintRetained
}
