package dev.pgindex.operator.decide.step;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.CorruptionPolicy;
import dev.pgindex.operator.api.v1alpha1.HealthPolicy;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.api.v1alpha1.VerificationStatus;
import dev.pgindex.operator.decide.Decision;
import dev.pgindex.operator.decide.DecisionContext;
import dev.pgindex.operator.decide.Jobs;
import dev.pgindex.operator.decide.draft.Verifications;
import dev.pgindex.operator.postgres.Amcheck;
import dev.pgindex.operator.postgres.Catalog;
import dev.pgindex.operator.spec.ParsedSpec;
import dev.pgindex.operator.status.Conditions;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * spec.health.verify: amcheck's bt_index_check(index, heapallindexed => true) as a job on its own session, in the
 * build slot, after every build and rebuild (a new index OID; our own new build before it is first Ready), on
 * adoption (once Ready), then every interval; only inside the maintenance windows, and without leaving Ready (a verification that must wait says so in
 * status.health.verification.waiting). A check that found corruption is Stalled with VerificationFailed, or with
 * spec.health.onCorruption: Rebuild a REINDEX INDEX CONCURRENTLY through the gates, after which the new index is
 * verified again.
 */
public final class VerificationStep implements Step {
    /**
     * What to do without amcheck. It is not a trusted extension (no {@code trusted = true} in amcheck.control), so
     * neither the database's owner nor the operator's role may create it: a superuser must, and then grant the one
     * function the operator calls to {@code role} (quoted), as pg_amcheck's documentation does.
     */
    static String notInstalled(String role) {
        return "the amcheck extension is not installed in this database (the operator never creates it, and amcheck "
                + "is not a trusted extension: a superuser runs CREATE EXTENSION amcheck, then GRANT EXECUTE ON "
                + "FUNCTION bt_index_check(regclass, boolean) TO " + (role == null ? "the operator's role" : role)
                + "); looked again after the interval";
    }

    @Override
    public Optional<Decision> decide(DecisionContext ctx) {
        Catalog.IndexState idx = ctx.obs().index().orElseThrow();
        if (idx.relkind() != 'i' || !enabled(ctx.spec())) {
            return Optional.empty();
        }
        PostgresIndexStatus st = ctx.draft().status();
        VerificationStatus last = st.getHealth() == null ? null : st.getHealth().getVerification();
        String name = ctx.def().qualifiedName();
        if (last != null && Verifications.FAILED.equals(last.getResult())
                && Long.valueOf(idx.oid()).equals(last.getIndexOid())) {
            if (ctx.spec().getHealth().getOnCorruption() == CorruptionPolicy.Rebuild) {
                return Optional.of(AfterReady.rebuild(ctx, idx, "after amcheck found it corrupt"));
            }
            return Optional.of(ctx.stall(Reason.VerificationFailed, "amcheck found index " + name + " corrupt ("
                    + last.getMessage() + "); it may return wrong results. Rebuild it: REINDEX INDEX CONCURRENTLY "
                    + "(spec.health.onCorruption: Rebuild, or spec.rebuild)", ctx.settings().resyncInterval()));
        }
        if (!due(st, idx, ctx.spec(), ctx.parsed(), ctx.now())) {
            return Optional.empty();
        }
        Optional<Amcheck.Installed> amcheck = ctx.health().amcheck();
        if (amcheck.isEmpty()) {
            return Optional.empty(); // not read this time
        }
        if (!Conditions.isTrue(st, ConditionType.READY) && !CollationDriftStep.builtByUs(st.getBuild(), idx.oid())) {
            return Optional.empty(); // an adopted index is Ready first; only our own new build is verified before
        }
        if (!amcheck.get().present() || !"btree".equals(ctx.def().methodLower())) {
            ctx.draft().health().verification().skipped(idx.oid(), ctx.now(), !amcheck.get().present()
                    ? notInstalled(amcheck.get().role()) : "only b-tree indexes can be verified (bt_index_check)");
            return Optional.empty();
        }
        Optional<String> outside = AfterReady.outsideWindows(ctx);
        if (outside.isPresent()) {
            ctx.draft().health().verification().waiting(outside.get());
            return Optional.empty();
        }
        ctx.draft().health().verification().waiting(null);
        return Optional.of(ctx.start(Jobs.verify(ctx, idx.tableOid(), idx.oid(), amcheck.get().schema())));
    }

    static boolean enabled(PostgresIndexSpec spec) {
        HealthPolicy h = spec.getHealth();
        return h != null && h.getVerify() != null && Boolean.TRUE.equals(h.getVerify().getEnabled());
    }

    /**
     * Whether a verification is due: enabled, a plain index not being built, and no check of this index OID yet, or
     * the last one (whatever its result but Failed, which waits for a rebuild) ended an interval ago. A Running
     * record that no job of this process carries (an operator restart) is due again.
     */
    public static boolean due(PostgresIndexStatus st, Catalog.IndexState idx, PostgresIndexSpec spec,
            ParsedSpec parsed, Instant now) {
        if (!enabled(spec) || idx == null || idx.relkind() != 'i' || !idx.healthy() || idx.buildingPid() != null) {
            return false;
        }
        VerificationStatus v = st.getHealth() == null ? null : st.getHealth().getVerification();
        if (v == null || !Long.valueOf(idx.oid()).equals(v.getIndexOid()) || Verifications.RUNNING.equals(v.getResult())
                || v.getFinishedAt() == null) {
            return true;
        }
        if (Verifications.FAILED.equals(v.getResult())) {
            return false;
        }
        Duration interval = parsed.verifyInterval();
        return interval != null && !now.isBefore(Instant.parse(v.getFinishedAt()).plus(interval));
    }
}
