package dev.pgindex.operator.api.v1alpha1;

/** Which of spec.foreignKey, spec.check and spec.notNull a PostgresConstraint holds (status.kind). */
public enum ConstraintKind {
    ForeignKey,
    Check,
    NotNull
}
