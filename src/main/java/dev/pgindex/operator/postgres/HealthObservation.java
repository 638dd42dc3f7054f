package dev.pgindex.operator.postgres;

import java.util.List;
import java.util.Optional;

/**
 * What the checks after Ready read, apart from the {@link Observation} and only when one is due (each has its own
 * interval, so the steady state of a Ready index reads nothing more). An absent part was not read this time.
 *
 * @param collations the versioned collations of the index (see {@link Collations})
 * @param amcheck    whether amcheck is installed (read when a verification is due)
 * @param bloat      whether pgstattuple is installed, else the estimate (read when a bloat measurement is due)
 */
public record HealthObservation(Optional<List<Collations.Dependency>> collations, Optional<Amcheck.Installed> amcheck,
        Optional<Bloat.Reading> bloat) {
    public static final HealthObservation NONE = new HealthObservation(Optional.empty(), Optional.empty(),
            Optional.empty());

    public HealthObservation {
        collations = collations.map(List::copyOf);
    }
}
