package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.decide.Request;
import dev.pgindex.operator.decide.step.BloatStep;
import dev.pgindex.operator.decide.step.CollationDriftStep;
import dev.pgindex.operator.decide.step.VerificationStep;
import dev.pgindex.operator.postgres.Catalog;
import dev.pgindex.operator.postgres.DatabaseException;
import dev.pgindex.operator.postgres.HealthObservation;
import dev.pgindex.operator.postgres.Observation;
import dev.pgindex.operator.postgres.Session;
import dev.pgindex.operator.spec.ParsedSpec;

import java.time.Duration;
import java.time.Instant;

/**
 * When the checks after Ready read (pgindex.collation-check-interval, spec.health.verify.interval): only for an
 * index marked by this resource, and only when a check is due, so a Ready index between checks reads nothing more.
 */
record HealthReading(Duration collationCheckInterval) {
    static final HealthReading DEFAULT = new HealthReading(Duration.ofHours(1));

    HealthObservation read(Session session, Request req, ParsedSpec parsed, PostgresIndexStatus st,
            Observation obs, Instant now) throws DatabaseException {
        Catalog.IndexState idx = obs.index().orElse(null);
        boolean ours = obs.mark().filter(m -> m.ownerUid().equals(req.uid())).isPresent();
        if (!ours) {
            return HealthObservation.NONE;
        }
        boolean collations = CollationDriftStep.due(st, idx, now, collationCheckInterval);
        boolean verify = VerificationStep.due(st, idx, req.spec(), parsed, now);
        boolean bloat = BloatStep.due(st, idx, req.spec(), parsed, now);
        if (!collations && !verify && !bloat) {
            return HealthObservation.NONE;
        }
        return session.health(idx.oid(), obs.serverVersion(), collations, verify, bloat);
    }
}
