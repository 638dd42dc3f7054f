package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;

import java.time.Duration;

/** For deletion: whether the finalizer may go, and when to look again if not. */
public record DeleteOutcome(boolean done, PostgresIndexStatus status, Duration requeueAfter) {
}
