package dev.pgindex.operator.decide;

import java.time.Duration;

/** Timing and limits; see config.OperatorConfig for their meaning and defaults. */
public record Settings(int buildsPerDatabase, Duration resyncInterval, Duration buildPollInterval,
        Duration retryBackoffBase, Duration retryBackoffMax, Duration permanentRecheckBase,
        Duration permanentRecheckMax, Duration deleteGracePeriod, Duration blockedEventThreshold) {
}
