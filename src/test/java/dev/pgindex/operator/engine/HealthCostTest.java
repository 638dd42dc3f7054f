package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.CollationDriftPolicy;
import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.decide.VerificationDecisionTest;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.support.EngineHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checks after Ready are cheap: with every check on (collation drift, amcheck weekly, bloat daily), between two
 * checks a Ready index reads nothing more than one without them, and a collation check is one transaction on the
 * monitor session, counted by PostgreSQL itself (pg_stat_database, as {@link GuardCostTest} does). At the default
 * interval that is one statement an hour per index (0.017 a minute; the budget of issue 17 is 0.5).
 */
class HealthCostTest {
    static long[] steadyState(ConnectionInfo db, PostgresIndexSpec spec, Duration interval) throws Exception {
        try (EngineHarness h = new EngineHarness("users-email", db, spec)) {
            h.engine().healthDefaults(interval);
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY) && s.getHealth() != null
                && (spec.getHealth() == null || s.getHealth().getBloat() != null), Duration.ofSeconds(30));
            return GuardCostTest.counted(db, h, GuardCostTest.RECONCILES, h::reconcile);
        }
    }

    /** Every check after Ready on: drift Rebuild, amcheck weekly, bloat measured daily with a rebuild policy. */
    static PostgresIndexSpec withHealth() {
        PostgresIndexSpec s = EngineHarness.spec("users", "users_email_idx", "email");
        VerificationDecisionTest.verify(s, dev.pgindex.operator.api.v1alpha1.CorruptionPolicy.Rebuild);
        s.getHealth().setCollationDrift(CollationDriftPolicy.Rebuild);
        s.getHealth().setBloat(new dev.pgindex.operator.api.v1alpha1.BloatPolicy());
        s.getHealth().getBloat().setRebuildAbovePercent(20);
        return s;
    }

    @Test
    void aReadyIndexBetweenChecksCostsNothingMoreAndACollationCheckCostsOneTransaction() throws Exception {
        long[] plain = steadyState(GuardCostTest.database(), EngineHarness.spec("users", "users_email_idx", "email"),
                Duration.ofHours(1));
        long[] hourly = steadyState(GuardCostTest.database(), withHealth(), Duration.ofHours(1));
        long[] always = steadyState(GuardCostTest.database(), withHealth(), Duration.ZERO);
        System.out.printf("%d reconciles of a Ready index: %d transactions / %d sessions; with the collation check "
                + "due hourly %d / %d; due at every reconcile %d / %d%n", GuardCostTest.RECONCILES, plain[0], plain[1],
                hourly[0], hourly[1], always[0], always[1]);
        assertThat(hourly).as("between checks").containsExactly(plain);
        assertThat(always[0] - plain[0]).as("one transaction per check").isEqualTo(GuardCostTest.RECONCILES);
        assertThat(always[1]).as("on the monitor session: no extra session").isEqualTo(plain[1]);
    }
}
