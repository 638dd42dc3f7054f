package dev.pgindex.operator.decide.draft;

import dev.pgindex.operator.api.v1alpha1.AnalyzeInfo;
import dev.pgindex.operator.api.v1alpha1.CollationVersion;
import dev.pgindex.operator.api.v1alpha1.HealthStatus;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.postgres.Collations;
import dev.pgindex.operator.postgres.UsageReads;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What is checked after Ready: status.health (verification, bloat, collations), status.analyze and status.usage.
 * status.health is created here, and only here, when a check first records something.
 */
public final class HealthDraft {
    /** status.health.collationsSource: the versions the server reported after our own build of the index. */
    public static final String BUILT = "Built";
    /** status.health.collationsSource: the versions the catalog recorded for an index we did not build. */
    public static final String CATALOG = "Catalog";

    private final PostgresIndexStatus st;

    HealthDraft(PostgresIndexStatus st) {
        this.st = st;
    }

    /** status.health, created when absent. */
    HealthStatus created() {
        if (st.getHealth() == null) {
            st.setHealth(new HealthStatus());
        }
        return st.getHealth();
    }

    /** A block of status.health (verification, bloat), created with status.health when absent. */
    <T> T block(Function<HealthStatus, T> get, BiConsumer<HealthStatus, T> set, Supplier<T> create) {
        HealthStatus h = created();
        if (get.apply(h) == null) {
            set.accept(h, create.get());
        }
        return get.apply(h);
    }

    public VerificationDraft verification() {
        return new VerificationDraft(this, st);
    }

    public BloatDraft bloat() {
        return new BloatDraft(this);
    }

    /** status.analyze: the ANALYZE after build {@code forBuild} (its start), recorded before it runs. */
    public void analyzed(String forBuild, Instant at, String result) {
        AnalyzeInfo info = new AnalyzeInfo();
        info.setForBuild(forBuild);
        info.setAt(at.truncatedTo(ChronoUnit.SECONDS).toString());
        info.setResult(result);
        st.setAnalyze(info);
    }

    /** The recorded ANALYZE did not run: why. */
    public void analyzeFailed(String result) {
        if (st.getAnalyze() != null) {
            st.getAnalyze().setResult(result);
        }
    }

    /** status.usage after one more reading ({@link Usage#next}). */
    public void usage(UsageReads.Reading primary, List<Usage.Seen> replicas, Instant now, Duration unusedAfter,
            Instant builtAt) {
        st.setUsage(Usage.next(st.getUsage(), primary, replicas, now, unusedAfter, builtAt));
    }

    /**
     * Records the collation versions read now: for a new index OID, the versions it depends on ({@code built}: what
     * the server reports, after our own build or REINDEX of exactly this OID; the catalog's otherwise, or the actual
     * version where the catalog has none); for the same OID, the actual versions next to the recorded ones.
     */
    public void collations(long indexOid, List<Collations.Dependency> deps, boolean built, Instant now) {
        HealthStatus h = created();
        Map<String, Collations.Dependency> byName = deps.stream()
                .collect(Collectors.toMap(Collations.Dependency::collation, Function.identity(), (a, b) -> a));
        if (h.getCollations() == null || !Long.valueOf(indexOid).equals(h.getCollationsIndexOid())) {
            List<CollationVersion> versions = new ArrayList<>();
            for (Collations.Dependency d : deps) {
                versions.add(new CollationVersion(d.collation(),
                        built || d.recorded() == null ? d.actual() : d.recorded(), d.actual()));
            }
            h.setCollations(versions);
            h.setCollationsIndexOid(indexOid);
            h.setCollationsSource(built ? BUILT : CATALOG);
        } else {
            for (CollationVersion v : h.getCollations()) {
                Collations.Dependency d = byName.get(v.getCollation());
                v.setActual(d == null ? null : d.actual());
            }
        }
        h.setCollationsCheckedAt(now.truncatedTo(ChronoUnit.SECONDS).toString());
    }

    /** The collations drifted ({@code drift}: what changed), or (null) no longer do, with a note saying so. */
    public void collationDrift(String drift, String note) {
        HealthStatus h = created();
        h.setCollationDrift(drift);
        h.setCollationNote(note);
    }
}
