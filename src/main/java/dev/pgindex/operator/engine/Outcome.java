package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;

import java.time.Duration;

/** The next status and when to reconcile again (null: only on the next change). */
public record Outcome(PostgresIndexStatus status, Duration requeueAfter) {
}
