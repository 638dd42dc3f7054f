package dev.pgindex.operator.decide.step;

import dev.pgindex.operator.api.v1alpha1.BuildInfo;
import dev.pgindex.operator.api.v1alpha1.CollationDriftPolicy;
import dev.pgindex.operator.api.v1alpha1.CollationVersion;
import dev.pgindex.operator.api.v1alpha1.HealthStatus;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.Decision;
import dev.pgindex.operator.decide.DecisionContext;
import dev.pgindex.operator.decide.Ownership;
import dev.pgindex.operator.postgres.Catalog;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Collation drift (spec.health.collationDrift). The versions of the collations the index depends on are recorded
 * in status.health per index OID: the versions the server reported when the operator built or rebuilt it
 * (source Built), or, for an index it adopted or first sees, the versions the catalog recorded (source Catalog,
 * PostgreSQL's own assumption about existing objects). Each check compares them with the versions the server
 * reports now. A drift keeps Ready=True (the index answers queries; some lookups may miss rows) with reason
 * CollationDrift and a Warning event; policy Rebuild also starts REINDEX INDEX CONCURRENTLY, which the gates hold
 * like any rebuild. The database-wide REFRESH VERSION is never run: the rebuilt index's status says it no longer
 * depends on the old versions.
 */
public final class CollationDriftStep implements Step {
    @Override
    public Optional<Decision> decide(DecisionContext ctx) {
        Catalog.IndexState idx = ctx.obs().index().orElseThrow();
        if (idx.relkind() != 'i') {
            return Optional.empty();
        }
        if (ctx.health().collations().isPresent()) {
            ctx.draft().health().collations(idx.oid(), ctx.health().collations().get(),
                    builtByUs(ctx.draft().status().getBuild(), idx.oid()), ctx.now());
        }
        HealthStatus h = ctx.draft().status().getHealth();
        if (h == null || h.getCollations() == null || !Long.valueOf(idx.oid()).equals(h.getCollationsIndexOid())) {
            return Optional.empty(); // not checked yet for this index
        }
        List<CollationVersion> drifted = h.getCollations().stream()
                .filter(v -> v.getActual() != null && !v.getActual().equals(v.getVersion())).toList();
        String name = ctx.def().qualifiedName();
        if (drifted.isEmpty()) {
            if (h.getCollationDrift() != null) {
                String note = "index " + name + " was rebuilt and no longer depends on the old collation versions ("
                        + h.getCollationDrift() + "); ALTER COLLATION ... REFRESH VERSION (or ALTER DATABASE ... "
                        + "REFRESH COLLATION VERSION) is safe once every index that depends on them is rebuilt";
                ctx.draft().health().collationDrift(null, note);
                ctx.event(Decision.Event.normal(Reason.CollationDriftResolved, note));
            }
            return Optional.empty();
        }
        String drift = drifted.stream().map(v -> v.getCollation() + " " + v.getVersion() + " -> " + v.getActual())
                .collect(Collectors.joining(", "));
        if (!drift.equals(h.getCollationDrift())) {
            ctx.event(Decision.Event.warning(Reason.CollationDrift, "index " + name + " was built with other "
                    + "collation versions than the server reports now (" + drift + "): lookups may miss rows; "
                    + (rebuilds(ctx) ? "rebuilding it with REINDEX INDEX CONCURRENTLY"
                    : "rebuild it (spec.health.collationDrift: Rebuild, or spec.rebuild)")));
        }
        ctx.draft().health().collationDrift(drift, null);
        if (rebuilds(ctx)) {
            return Optional.of(AfterReady.rebuild(ctx, idx, "for a collation drift (" + drift + ")"));
        }
        boolean adopted = IndexFacts.record(ctx);
        Decision.Ready ready = ctx.ready(adopted, "", "index " + name + " is valid and ready");
        ctx.draft().conditions().ready(ctx.gen(), Reason.CollationDrift, "index " + name + " is valid, but its "
                + "collations changed version since it was built (" + drift + "); it needs REINDEX (spec.health.collationDrift: "
                + "Rebuild does it concurrently)", ctx.now());
        return Optional.of(ready);
    }

    private static boolean rebuilds(DecisionContext ctx) {
        return ctx.spec().getHealth() != null
                && ctx.spec().getHealth().getCollationDrift() == CollationDriftPolicy.Rebuild;
    }

    /** Our own build or REINDEX produced exactly this index (its OID is pinned at the first look after it). */
    static boolean builtByUs(BuildInfo b, long indexOid) {
        return b != null && b.getFinishedAt() != null && Ownership.Operation.of(b).builds()
                && Long.valueOf(indexOid).equals(b.getIndexOid());
    }

    /**
     * Whether the collations are worth reading now: the index is a plain valid index and its versions were never
     * recorded for its OID, or the last check is {@code interval} old. Null interval: never after the first record.
     */
    public static boolean due(PostgresIndexStatus st, Catalog.IndexState idx, Instant now, Duration interval) {
        if (idx == null || idx.relkind() != 'i' || !idx.healthy() || idx.buildingPid() != null) {
            return false;
        }
        HealthStatus h = st.getHealth();
        if (h == null || h.getCollations() == null || !Long.valueOf(idx.oid()).equals(h.getCollationsIndexOid())
                || h.getCollationsCheckedAt() == null) {
            return true;
        }
        return interval != null && !now.isBefore(Instant.parse(h.getCollationsCheckedAt()).plus(interval));
    }
}
