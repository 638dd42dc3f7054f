package dev.pgindex.operator.decide.step;

import dev.pgindex.operator.api.v1alpha1.BloatPolicy;
import dev.pgindex.operator.api.v1alpha1.BloatStatus;
import dev.pgindex.operator.api.v1alpha1.BuildInfo;
import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.Decision;
import dev.pgindex.operator.decide.DecisionContext;
import dev.pgindex.operator.decide.Jobs;
import dev.pgindex.operator.decide.Ownership;
import dev.pgindex.operator.decide.draft.BloatDraft;
import dev.pgindex.operator.postgres.Bloat;
import dev.pgindex.operator.postgres.Catalog;
import dev.pgindex.operator.spec.ParsedSpec;
import dev.pgindex.operator.status.Conditions;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * spec.health.bloat: measure the index every checkInterval (pgstatindex as a job, once it is Ready, inside the
 * maintenance windows and without leaving Ready, where pgstattuple is installed; otherwise an estimate from
 * statistics) and, at or over
 * rebuildAbovePercent, at least minSize, and minInterval after the operator's last build or rebuild of it, REINDEX
 * INDEX CONCURRENTLY through the gates. The new index is measured again at once (a new OID).
 */
public final class BloatStep implements Step {
    @Override
    public Optional<Decision> decide(DecisionContext ctx) {
        Catalog.IndexState idx = ctx.obs().index().orElseThrow();
        BloatPolicy policy = ctx.spec().getHealth() == null ? null : ctx.spec().getHealth().getBloat();
        if (idx.relkind() != 'i' || policy == null) {
            return Optional.empty();
        }
        PostgresIndexStatus st = ctx.draft().status();
        if (due(st, idx, ctx.spec(), ctx.parsed(), ctx.now()) && ctx.health().bloat().isPresent()) {
            Bloat.Reading reading = ctx.health().bloat().get();
            if (reading.pgstattupleSchema() == null) {
                ctx.draft().health().bloat().estimated(idx.oid(), reading.estimate(), ctx.now());
            } else if (Conditions.isTrue(st, ConditionType.READY)) { // a first measurement never delays Ready
                Optional<String> outside = AfterReady.outsideWindows(ctx);
                if (outside.isPresent()) {
                    ctx.draft().health().bloat().message("measuring waits: " + outside.get());
                    return Optional.empty();
                }
                return Optional.of(ctx.start(Jobs.measure(ctx, idx.tableOid(), idx.oid(),
                        reading.pgstattupleSchema())));
            }
        }
        BloatStatus b = st.getHealth() == null ? null : st.getHealth().getBloat();
        if (b == null || b.getPercent() == null || !Long.valueOf(idx.oid()).equals(b.getIndexOid())) {
            return Optional.empty();
        }
        String figure = b.getPercent() + "% by " + b.getMethod();
        BloatDraft record = ctx.draft().health().bloat();
        if (policy.getRebuildAbovePercent() == null) {
            record.message(figure + "; measured only (no rebuildAbovePercent)");
            return Optional.empty();
        }
        if (b.getPercent() < policy.getRebuildAbovePercent()) {
            record.message(figure + ", under the threshold of " + policy.getRebuildAbovePercent() + "%");
            return Optional.empty();
        }
        Long minSize = ctx.parsed().bloatMinSize();
        if (minSize != null && (b.getSizeBytes() == null || b.getSizeBytes() < minSize)) {
            record.message(figure + ", over the threshold of " + policy.getRebuildAbovePercent() + "%, but the index "
                    + "is smaller than minSize " + policy.getMinSize());
            return Optional.empty();
        }
        Instant last = lastBuild(st.getBuild());
        Duration minInterval = ctx.parsed().bloatMinInterval();
        if (last != null && minInterval != null && ctx.now().isBefore(last.plus(minInterval))) {
            record.message(figure + ", over the threshold of " + policy.getRebuildAbovePercent() + "%; not rebuilt "
                    + "before " + last.plus(minInterval).truncatedTo(ChronoUnit.SECONDS) + " (minInterval "
                    + policy.getMinInterval()
                    + " after the last build or rebuild)");
            return Optional.empty();
        }
        String why = "for bloat (" + figure + ", threshold " + policy.getRebuildAbovePercent() + "%)";
        String message = "rebuilding with REINDEX INDEX CONCURRENTLY " + why;
        if (!message.equals(b.getMessage())) {
            ctx.event(Decision.Event.normal(Reason.Bloated, "index " + ctx.def().qualifiedName() + " is "
                    + b.getPercent() + "% bloated (" + b.getMethod() + "); " + message));
        }
        record.message(message);
        return Optional.of(AfterReady.rebuild(ctx, idx, why));
    }

    /** When the operator last built or rebuilt the index (its REINDEX for any reason removes bloat too). */
    static Instant lastBuild(BuildInfo b) {
        return b != null && b.getFinishedAt() != null && Ownership.Operation.of(b).builds()
                ? Instant.parse(b.getFinishedAt()) : null;
    }

    /**
     * Whether a measurement is due: a policy, a plain index not being built, and no measurement of this index OID
     * yet, or the last one checkInterval old (a measurement left running by a restarted operator is due again).
     */
    public static boolean due(PostgresIndexStatus st, Catalog.IndexState idx, PostgresIndexSpec spec,
            ParsedSpec parsed, Instant now) {
        BloatPolicy policy = spec.getHealth() == null ? null : spec.getHealth().getBloat();
        if (policy == null || idx == null || idx.relkind() != 'i' || !idx.healthy() || idx.buildingPid() != null) {
            return false;
        }
        BloatStatus b = st.getHealth() == null ? null : st.getHealth().getBloat();
        if (b == null || !Long.valueOf(idx.oid()).equals(b.getIndexOid()) || b.getMeasuredAt() == null
                || b.getMeasuring() != null) {
            return true;
        }
        Duration interval = parsed.bloatCheckInterval();
        return interval != null && !now.isBefore(Instant.parse(b.getMeasuredAt()).plus(interval));
    }
}
