package dev.pgindex.operator.decide;

import dev.pgindex.operator.decide.draft.Verifications;
import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.CorruptionPolicy;
import dev.pgindex.operator.api.v1alpha1.HealthPolicy;
import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.api.v1alpha1.VerificationStatus;
import dev.pgindex.operator.api.v1alpha1.VerifyPolicy;
import dev.pgindex.operator.decide.DecisionTableSupport.Given;
import dev.pgindex.operator.decide.DecisionTableSupport.Idx;
import dev.pgindex.operator.decide.DecisionTableSupport.Mark;
import dev.pgindex.operator.decide.DecisionTableSupport.Outcome;
import dev.pgindex.operator.decide.DecisionTableSupport.Row;
import dev.pgindex.operator.decide.step.Steps;
import dev.pgindex.operator.postgres.Amcheck;
import dev.pgindex.operator.postgres.ErrorKind;
import dev.pgindex.operator.postgres.HealthObservation;
import dev.pgindex.operator.postgres.IndexBuilder;
import dev.pgindex.operator.postgres.SqlErrors;
import dev.pgindex.operator.status.Conditions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static dev.pgindex.operator.decide.DecisionTableSupport.Expect.ready;
import static dev.pgindex.operator.decide.DecisionTableSupport.Expect.recorded;
import static dev.pgindex.operator.decide.DecisionTableSupport.Expect.stalls;
import static dev.pgindex.operator.decide.DecisionTableSupport.Expect.startsJob;
import static dev.pgindex.operator.decide.DecisionTableSupport.Expect.waits;
import static dev.pgindex.operator.decide.DecisionTableSupport.INDEX_OID;
import static dev.pgindex.operator.decide.DecisionTableSupport.NOW;
import static dev.pgindex.operator.decide.DecisionTableSupport.failed;
import static dev.pgindex.operator.decide.DecisionTableSupport.given;
import static dev.pgindex.operator.decide.DecisionTableSupport.healthRead;
import static dev.pgindex.operator.decide.DecisionTableSupport.row;
import static dev.pgindex.operator.decide.DecisionTableSupport.succeeded;
import static org.assertj.core.api.Assertions.assertThat;

/** spec.health.verify and onCorruption ({@code VerificationStep}), and the amcheck job's intent and outcome. */
public class VerificationDecisionTest {
    static final String CHECK = "SELECT \"public\".bt_index_check(500::pg_catalog.oid::pg_catalog.regclass, true)";
    static final HealthObservation AMCHECK = new HealthObservation(Optional.empty(),
            Optional.of(new Amcheck.Installed("public", DecisionTableSupport.ROLE)), Optional.empty());
    static final HealthObservation NO_AMCHECK = new HealthObservation(Optional.empty(),
            Optional.of(new Amcheck.Installed(null, DecisionTableSupport.ROLE)), Optional.empty());
    static final SqlErrors.Failure CORRUPT = new SqlErrors.Failure(ErrorKind.BuildFailed, "XX002",
            "item order invariant violated for index \"t_idx\"");

    public static void verify(PostgresIndexSpec s, CorruptionPolicy onCorruption) {
        HealthPolicy h = new HealthPolicy();
        VerifyPolicy v = new VerifyPolicy();
        v.setEnabled(true);
        h.setVerify(v);
        h.setOnCorruption(onCorruption);
        s.setHealth(h);
    }

    /** A Ready adopted index with verification on. */
    static Given adopted(CorruptionPolicy p) {
        return given().wasReady().index(Idx.valid().marked(Mark.OURS_ADOPTED)).spec(s -> verify(s, p));
    }

    static void last(PostgresIndexStatus s, String result, long oid, long minutesAgo) {
        if (s.getHealth() == null) {
            s.setHealth(new dev.pgindex.operator.api.v1alpha1.HealthStatus());
        }
        VerificationStatus v = s.getHealth().getVerification() == null ? new VerificationStatus()
                : s.getHealth().getVerification();
        s.getHealth().setVerification(v);
        v.setResult(result);
        v.setIndexOid(oid);
        v.setMessage(result.equals(Verifications.FAILED) ? CORRUPT.message() : "fine");
        v.setFinishedAt(NOW.minusSeconds(60 * minutesAgo).toString());
    }

    static Stream<Row> rows() {
        return Stream.of(
                row("verify: enabled, amcheck installed, this index never verified -> bt_index_check as a job, not "
                        + "counted as an attempt",
                        healthRead(adopted(CorruptionPolicy.Report), AMCHECK),
                        startsJob(DecisionTableSupport.Kind.VERIFY, CHECK).counted(false)),
                row("verify: an adopted index not Ready yet -> Ready first, verified on a later reconcile",
                        healthRead(given().index(Idx.valid().marked(Mark.OURS_ADOPTED))
                                .spec(x -> verify(x, CorruptionPolicy.Report)), AMCHECK),
                        ready(Reason.Adopted).events("Normal IndexReady")),
                row("verify: our own build just ended -> verified before it is first Ready",
                        healthRead(given().wasBuilding().launchedAndFinished().catalogChecked().pinned(INDEX_OID)
                                .index(Idx.valid().marked(Mark.OURS)).spec(x -> verify(x, CorruptionPolicy.Report)),
                                AMCHECK),
                        startsJob(DecisionTableSupport.Kind.VERIFY, CHECK)),
                row("verify: the job's intent keeps the index Ready and status.build, and says Verifying",
                        intent(adopted(CorruptionPolicy.Report)),
                        recorded().phase(Phase.Ready, Reason.IndexReady).events("Normal Verifying").status(s -> {
                            assertThat(s.getHealth().getVerification().getResult()).isEqualTo("Running");
                            assertThat(s.getHealth().getVerification().getBuilderPid()).isEqualTo(77);
                            assertThat(s.getBuild()).isNull();
                        })),
                row("verify: amcheck is not installed -> Ready, status says so (never CREATE EXTENSION)",
                        healthRead(adopted(CorruptionPolicy.Report), NO_AMCHECK),
                        ready(Reason.Adopted).status(s -> {
                            assertThat(s.getHealth().getVerification().getResult()).isEqualTo("Skipped");
                            assertThat(s.getHealth().getVerification().getMessage()).contains("not installed");
                        })),
                row("verify: amcheck is not installed -> the advice works: amcheck is not a trusted extension, so a "
                        + "superuser creates it, then grants bt_index_check to the role",
                        healthRead(adopted(CorruptionPolicy.Report), NO_AMCHECK),
                        ready(Reason.Adopted).status(s -> assertThat(s.getHealth().getVerification().getMessage())
                                .contains("not a trusted extension", "a superuser runs CREATE EXTENSION amcheck",
                                        "GRANT EXECUTE ON FUNCTION bt_index_check(regclass, boolean) TO "
                                                + "pgindex_operator)")
                                .doesNotContain("as its owner"))),
                row("verify: outside the maintenance windows -> Ready, the check waits (no gate, no Reconciling)",
                        healthRead(adopted(CorruptionPolicy.Report).spec(WindowGateDecisionTest.windows(
                                WindowGateDecisionTest.window(null, "01:00", "1h", "UTC"))), AMCHECK),
                        ready(Reason.Adopted).status(s -> assertThat(s.getHealth().getVerification().getWaiting())
                                .startsWith("outside the maintenance windows, next at "))),
                row("verify: passed an hour ago (interval 168h) -> Ready, nothing read or started",
                        adopted(CorruptionPolicy.Report).status(s -> last(s, Verifications.PASSED, INDEX_OID, 60)),
                        ready(Reason.Adopted)),
                row("verify: passed a week ago -> verified again",
                        healthRead(adopted(CorruptionPolicy.Report).status(s -> last(s, Verifications.PASSED, INDEX_OID,
                                60 * 168)), AMCHECK),
                        startsJob(DecisionTableSupport.Kind.VERIFY, CHECK)),
                row("verify: found this index corrupt, Report -> Stalled VerificationFailed with a Warning",
                        adopted(CorruptionPolicy.Report).status(s -> last(s, Verifications.FAILED, INDEX_OID, 5)),
                        stalls(Reason.VerificationFailed).events("Warning VerificationFailed")
                                .says("item order invariant violated", "REINDEX INDEX CONCURRENTLY")),
                row("verify: found this index corrupt, Rebuild -> REINDEX INDEX CONCURRENTLY through the gates",
                        adopted(CorruptionPolicy.Rebuild).status(s -> last(s, Verifications.FAILED, INDEX_OID, 5)),
                        startsJob(DecisionTableSupport.Kind.REINDEX, HealthDecisionTest.REINDEX).counted(true)),
                row("verify: the corrupt index was rebuilt (a new OID) -> verified again",
                        healthRead(adopted(CorruptionPolicy.Rebuild).status(s -> last(s, Verifications.FAILED, INDEX_OID, 5))
                                .index(Idx.valid().oid(INDEX_OID + 1).marked(Mark.OURS_ADOPTED)), AMCHECK),
                        startsJob(DecisionTableSupport.Kind.VERIFY, CHECK.replace("500::", "501::"))),
                row("verify: the job found corruption (XX002) -> recorded Failed with the message and a Warning",
                        adopted(CorruptionPolicy.Report).jobEnded(DecisionTableSupport.Kind.VERIFY, failed(CORRUPT)),
                        recorded().events("Warning VerificationFailed").status(s -> {
                            assertThat(s.getHealth().getVerification().getResult()).isEqualTo("Failed");
                            assertThat(s.getHealth().getVerification().getMessage()).isEqualTo(CORRUPT.message());
                            assertThat(s.getLastError()).as("not a failure of the operator's work").isNull();
                        })),
                row("verify: the job passed -> recorded Passed, conditions untouched",
                        adopted(CorruptionPolicy.Report).jobEnded(DecisionTableSupport.Kind.VERIFY, succeeded()),
                        recorded().phase(Phase.Ready, Reason.IndexReady).status(s -> assertThat(
                                s.getHealth().getVerification().getResult()).isEqualTo("Passed"))),
                row("verify: the role may not run bt_index_check -> recorded Error naming the GRANT",
                        adopted(CorruptionPolicy.Report).jobEnded(DecisionTableSupport.Kind.VERIFY,
                                failed(DecisionTableSupport.failure(ErrorKind.InsufficientPrivilege))),
                        recorded().status(s -> {
                            assertThat(s.getHealth().getVerification().getResult()).isEqualTo("Error");
                            assertThat(s.getHealth().getVerification().getMessage()).contains("grant EXECUTE")
                                    .contains("to the operator's role pgindex_operator");
                        })),
                row("verify: while the check runs the index stays Ready",
                        adopted(CorruptionPolicy.Report).jobInFlight(DecisionTableSupport.Kind.VERIFY, null),
                        waits(Phase.Ready, Reason.IndexReady)));
    }

    /** The intent the actor records before the verification's statement is sent. */
    static Given intent(Given g) {
        g.action = x -> {
            DecisionContext ctx = x.context().withHealth(AMCHECK);
            Decision d = Steps.decide(ctx);
            assertThat(d).isInstanceOf(Decision.StartJob.class);
            JobPlan plan = ((Decision.StartJob) d).job();
            PostgresIndexStatus st = d.status();
            plan.kind().recordIntent(ctx, plan, 77, x.now);
            assertThat(Conditions.isTrue(st, ConditionType.READY)).isTrue();
            return new Outcome(null, st, List.of(plan.kind().started(ctx, plan, 77, st)), null, null);
        };
        return g;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void verification(Row row) {
        DecisionTableTest.check(row);
    }
}
