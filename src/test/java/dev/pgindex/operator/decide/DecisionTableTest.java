package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.BlockerInfo;
import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.ConstraintType;
import dev.pgindex.operator.api.v1alpha1.IndexColumn;
import dev.pgindex.operator.api.v1alpha1.IndexInfo;
import dev.pgindex.operator.api.v1alpha1.PartitionsInfo;
import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.ProgressInfo;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.step.Steps;
import dev.pgindex.operator.postgres.Blocker;
import dev.pgindex.operator.postgres.Ddl;
import dev.pgindex.operator.postgres.ErrorKind;
import dev.pgindex.operator.postgres.IndexBuilder;
import dev.pgindex.operator.postgres.Observation;
import dev.pgindex.operator.postgres.OwnershipMark;
import dev.pgindex.operator.postgres.SqlErrors;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.status.StatusCopies;
import io.fabric8.kubernetes.api.model.Condition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.pgindex.operator.api.v1alpha1.Phase.Building;
import static dev.pgindex.operator.api.v1alpha1.Phase.Deleting;
import static dev.pgindex.operator.api.v1alpha1.Phase.Pending;
import static dev.pgindex.operator.api.v1alpha1.Phase.Ready;
import static dev.pgindex.operator.api.v1alpha1.Phase.Stalled;
import static dev.pgindex.operator.decide.DecisionTableSupport.BUILDER_PID;
import static dev.pgindex.operator.decide.DecisionTableSupport.Expect.cancels;
import static dev.pgindex.operator.decide.DecisionTableSupport.Expect.marks;
import static dev.pgindex.operator.decide.DecisionTableSupport.Expect.recorded;
import static dev.pgindex.operator.decide.DecisionTableSupport.Expect.releases;
import static dev.pgindex.operator.decide.DecisionTableSupport.Expect.shortLock;
import static dev.pgindex.operator.decide.DecisionTableSupport.Expect.stalls;
import static dev.pgindex.operator.decide.DecisionTableSupport.Expect.startsJob;
import static dev.pgindex.operator.decide.DecisionTableSupport.Expect.waits;
import static dev.pgindex.operator.decide.DecisionTableSupport.Expect;
import static dev.pgindex.operator.decide.DecisionTableSupport.INDEX_OID;
import static dev.pgindex.operator.decide.DecisionTableSupport.Idx;
import static dev.pgindex.operator.decide.DecisionTableSupport.Kind.BUILD;
import static dev.pgindex.operator.decide.DecisionTableSupport.Kind.DROP;
import static dev.pgindex.operator.decide.DecisionTableSupport.Kind.REINDEX;
import static dev.pgindex.operator.decide.DecisionTableSupport.LOCK_TIMEOUT;
import static dev.pgindex.operator.decide.DecisionTableSupport.Mark;
import static dev.pgindex.operator.decide.DecisionTableSupport.NOW;
import static dev.pgindex.operator.decide.DecisionTableSupport.Node;
import static dev.pgindex.operator.decide.DecisionTableSupport.Outcome;
import static dev.pgindex.operator.decide.DecisionTableSupport.Row;
import static dev.pgindex.operator.decide.DecisionTableSupport.SETTINGS;
import static dev.pgindex.operator.decide.DecisionTableSupport.UID;
import static dev.pgindex.operator.decide.DecisionTableSupport.UNIQUE;
import static dev.pgindex.operator.decide.DecisionTableSupport.blockedBy;
import static dev.pgindex.operator.decide.DecisionTableSupport.blocker;
import static dev.pgindex.operator.decide.DecisionTableSupport.describe;
import static dev.pgindex.operator.decide.DecisionTableSupport.failed;
import static dev.pgindex.operator.decide.DecisionTableSupport.failure;
import static dev.pgindex.operator.decide.DecisionTableSupport.given;
import static dev.pgindex.operator.decide.DecisionTableSupport.progress;
import static dev.pgindex.operator.decide.DecisionTableSupport.row;
import static dev.pgindex.operator.decide.DecisionTableSupport.succeeded;
import static dev.pgindex.operator.decide.DecisionTableSupport.trueCondition;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's decisions as a table, without PostgreSQL: each row builds the inputs of one decision in memory
 * ({@link DecisionTableSupport.Given}: spec, last status, observation, the clock), asks the step
 * that decides, and checks the {@link Decision} ({@link Expect}): its type, the phase and reason on the conditions,
 * when to look again, the events, the job or DDL. Every row also checks that its inputs were not changed and that
 * the decision is the same when asked twice.
 *
 * <p>A new behaviour is one new row in the table of its step, for example
 * <pre>
 * row("absent index, table missing -> Stalled TableNotFound, re-checked on the permanent backoff",
 *         given().noTable(),
 *         stalls(Reason.TableNotFound).after(PERMANENT).events("Warning TableNotFound")),
 * </pre>
 * Events are compared exactly (none unless listed); a short-lock DDL row must say what a transient and a permanent
 * failure lead to. Rows that once showed the engine breaking a promise of README.md sit at the end. The
 * PostgreSQL suites (IndexLifecycleTest,
 * FailureRecoveryTest, OwnershipTest, RebuildTest, ConstraintTest, PartitionTest, StalledMessagesTest) prove that
 * these rows match reality; {@link #everyReasonTheStepsUseIsReachedByARow} keeps the table complete.
 */
class DecisionTableTest {
    static final String SQL_BUILD = "CREATE INDEX CONCURRENTLY \"t_idx\" ON \"public\".\"t\" USING btree (\"a\")";
    static final String SQL_DROP = "DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"t_idx\"";
    static final String SQL_REINDEX = "REINDEX INDEX CONCURRENTLY \"public\".\"t_idx\"";
    static final String SQL_ON_ONLY = "CREATE INDEX \"t_idx\" ON ONLY \"public\".\"t\" USING btree (\"a\")";
    static final Duration POLL = SETTINGS.buildPollInterval();
    static final Duration PERMANENT = SETTINGS.permanentRecheckBase();

    /** Our mark for the default spec (public.t_idx on t(a)). */
    static String mark(boolean adopted) {
        return new OwnershipMark(UID, "default/t-idx", given().def().hash(), adopted).render();
    }

    static String comment(String index, boolean adopted) {
        return Ddl.commentOnIndex("public", index, mark(adopted));
    }

    static Idx ours() {
        return Idx.valid().marked(Mark.OURS);
    }

    static Idx leftover() {
        return Idx.invalid().named("t_idx_ccnew").oid(501);
    }

    static Condition cond(PostgresIndexStatus st, String type) {
        return Conditions.get(st, type).orElseThrow();
    }

    // ------------------------------------------------------------------------------------ guards, name, absent

    static Stream<Row> guardsAndAbsentIndex() {
        return Stream.of(
                row("PostgreSQL 14.2 -> Stalled UnsupportedServerVersion, re-checked after permanentRecheckMax",
                        given().server(140002),
                        stalls(Reason.UnsupportedServerVersion).after(ofMinutes(30))
                                .events("Warning UnsupportedServerVersion").says("PostgreSQL 14.2", "fixed in 14.4")),
                row("PostgreSQL 14.0 while already Stalled for it -> no second Warning event",
                        given().server(140000).wasStalled(Reason.UnsupportedServerVersion),
                        stalls(Reason.UnsupportedServerVersion).after(ofMinutes(30))),
                row("PostgreSQL 14.4 carries the fix -> builds",
                        given().server(140004),
                        startsJob(BUILD, SQL_BUILD)),
                row("nullsNotDistinct on PostgreSQL 14 -> Stalled UnsupportedFeature",
                        given().server(140010).spec(s -> { s.setUnique(true); s.setNullsNotDistinct(true); }),
                        stalls(Reason.UnsupportedFeature).after(ofMinutes(30)).events("Warning UnsupportedFeature")
                                .says("nullsNotDistinct needs PostgreSQL 15 or later; this server is 14.10")),
                row("nullsNotDistinct on PostgreSQL 15 -> CREATE UNIQUE INDEX ... NULLS NOT DISTINCT",
                        given().server(150002).spec(s -> { s.setUnique(true); s.setNullsNotDistinct(true); }),
                        startsJob(BUILD, "CREATE UNIQUE INDEX CONCURRENTLY \"t_idx\" ON \"public\".\"t\" USING btree "
                                + "(\"a\") NULLS NOT DISTINCT")),
                row("the index name belongs to a table -> Stalled NameConflict, re-checked on the permanent backoff",
                        given().index(Idx.valid().relkind('r')),
                        stalls(Reason.NameConflict).after(PERMANENT).events("Warning NameConflict")
                                .says("a relation that is not an index is already called public.t_idx; pick another "
                                        + "spec.name")),
                row("the index name belongs to a view -> Stalled NameConflict",
                        given().index(Idx.valid().relkind('v')),
                        stalls(Reason.NameConflict).after(PERMANENT).events("Warning NameConflict")),
                row("absent index, table present -> StartJob CREATE INDEX CONCURRENTLY, counted, marked ours after it",
                        given(),
                        startsJob(BUILD, SQL_BUILD).target("t_idx").counted(true).job(p -> {
                            assertThat(p.tableOid()).isEqualTo(DecisionTableSupport.TABLE_OID);
                            assertThat(p.indexOid()).isNull();
                            assertThat(p.followUp()).isEqualTo(comment("t_idx", false));
                            assertThat(p.kind().forDeletion()).isFalse();
                            assertThat(p.kind().repairsInvalid()).isFalse();
                            assertThat(p.deadlineMillis()).isZero();
                            assertThat(p.reason()).isEqualTo(Reason.Building);
                        })),
                row("absent index with buildDeadline 1h30m -> the builder's statement_timeout",
                        given().spec(s -> s.setBuildDeadline("1h30m")),
                        startsJob(BUILD, SQL_BUILD).job(p -> assertThat(p.deadlineMillis()).isEqualTo(5_400_000))),
                row("absent index, status still names the index it had -> status.index cleared",
                        given().wasBuilding().status(s -> s.setIndex(new IndexInfo())),
                        startsJob(BUILD, SQL_BUILD).status(s -> assertThat(s.getIndex()).isNull())),
                row("absent after Ready (dropped out of band) -> a new episode: attempts and last failure reset",
                        given().wasReady().attempts(2).lastError(ErrorKind.Cancelled, ofMinutes(90), 1),
                        startsJob(BUILD, SQL_BUILD).status(s -> {
                            assertThat(s.getAttempts()).isNull();
                            assertThat(s.getLastError()).isNull();
                        })),
                row("absent index, our builder session still at work after a restart -> Building BuildInProgress",
                        given().builderBackend(4243),
                        waits(Building, Reason.BuildInProgress).after(POLL).says("backend 4243",
                                "still waiting to start; waiting for it")),
                row("absent index, our builder still at work after our build was recorded -> its crash window stays open",
                        given().wasBuilding().launched().builderBackend(BUILDER_PID),
                        waits(Building, Reason.BuildInProgress).after(POLL)
                                .status(s -> assertThat(s.getBuild().getCatalogChecked()).isNull())),
                row("absent index after our build ended (it failed and left nothing) -> the look closes its window",
                        given().wasBuilding().launchedAndFinished().attempts(1).lastError(ErrorKind.Cancelled, ofSeconds(20), 1),
                        startsJob(BUILD, SQL_BUILD).status(s -> assertThat(s.getBuild().getCatalogChecked()).isTrue())),
                row("absent index, table missing -> Stalled TableNotFound, re-checked on the permanent backoff",
                        given().noTable(),
                        stalls(Reason.TableNotFound).after(PERMANENT).events("Warning TableNotFound")
                                .says("table public.t does not exist; the operator checks again with backoff (up to "
                                        + "every 30m) and builds the index once it appears")
                                .status(s -> {
                                    assertThat(s.getLastError().getReason()).isEqualTo(Reason.TableNotFound);
                                    assertThat(s.getLastError().getSqlState()).isEqualTo("42P01");
                                    assertThat(s.getLastError().getTransientError()).isFalse();
                                    assertThat(s.getLastError().getOccurrences()).isEqualTo(1);
                                    assertThat(s.getNextAttemptAt()).isEqualTo("2026-12-01T12:01:00Z");
                                })),
                row("table still missing at the 3rd look -> no new Warning, the backoff doubled twice (4m)",
                        given().noTable().wasStalled(Reason.TableNotFound).lastError(ErrorKind.TableNotFound, ofMinutes(2), 2),
                        stalls(Reason.TableNotFound).after(ofMinutes(4))
                                .status(s -> assertThat(s.getLastError().getOccurrences()).isEqualTo(3))),
                row("table missing for the 10th time -> re-checked at most every permanentRecheckMax (30m)",
                        given().noTable().wasStalled(Reason.TableNotFound).lastError(ErrorKind.TableNotFound, ofMinutes(30), 9),
                        stalls(Reason.TableNotFound).after(ofMinutes(30))),
                row("the table appeared after TableNotFound -> builds at once (no attempt was spent)",
                        given().wasStalled(Reason.TableNotFound).lastError(ErrorKind.TableNotFound, ofSeconds(5), 3),
                        startsJob(BUILD, SQL_BUILD)),
                row("missing privilege -> Stalled InsufficientPrivilege before any attempt",
                        given().missingPrivilege("role app lacks CREATE on schema public; GRANT CREATE ON SCHEMA "
                                + "public TO app"),
                        stalls(Reason.InsufficientPrivilege).after(PERMANENT).events("Warning InsufficientPrivilege")
                                .says("GRANT CREATE ON SCHEMA public TO app").status(s -> {
                                    assertThat(s.getAttempts()).isNull();
                                    assertThat(s.getLastError().getSqlState()).isEqualTo("42501");
                                })),
                row("a column the table lacks (42703 on the empty copy) -> Stalled ColumnNotFound in the server's words",
                        given().candidateProblem(new SqlErrors.Failure(ErrorKind.ColumnNotFound, "42703",
                                "column \"nope\" does not exist")),
                        stalls(Reason.ColumnNotFound).after(PERMANENT).events("Warning ColumnNotFound")
                                .says("the definition was rejected by PostgreSQL: column \"nope\" does not exist")
                                .status(s -> assertThat(s.getAttempts()).isNull())),
                row("a definition PostgreSQL refuses (42883 on the empty copy) -> Stalled InvalidDefinition",
                        given().candidateProblem(failure(ErrorKind.InvalidDefinition)),
                        stalls(Reason.InvalidDefinition).after(PERMANENT).events("Warning InvalidDefinition")),
                row("a feature the server lacks (0A000 on the empty copy) -> Stalled UnsupportedFeature",
                        given().candidateProblem(failure(ErrorKind.UnsupportedFeature)),
                        stalls(Reason.UnsupportedFeature).after(PERMANENT).events("Warning UnsupportedFeature")),
                row("the definition refused again, already Stalled for it -> no new Warning, backoff 2m",
                        given().wasStalled(Reason.ColumnNotFound).lastError(ErrorKind.ColumnNotFound, ofMinutes(1), 1)
                                .candidateProblem(failure(ErrorKind.ColumnNotFound)),
                        stalls(Reason.ColumnNotFound).after(ofMinutes(2))));
    }

    // ------------------------------------------------------------------------------------------- retry gate

    static Stream<Row> retryGate() {
        return Stream.of(
                row("build failed once (Cancelled, transient) 5s ago -> Pending RetryScheduled until the 10s backoff ends",
                        given().wasBuilding().attempts(1).lastError(ErrorKind.Cancelled, ofSeconds(5), 1),
                        waits(Pending, Reason.RetryScheduled).after(ofSeconds(5))
                                .says("build failed with Cancelled (Cancelled happened); retrying in 5s")
                                .status(s -> assertThat(s.getNextAttemptAt()).isEqualTo("2026-12-01T12:00:05Z"))),
                row("still Pending RetryScheduled, 2s into the 10s backoff -> Pending RetryScheduled for 8s more",
                        given().wasPending(Reason.RetryScheduled).attempts(1).lastError(ErrorKind.Cancelled, ofSeconds(2), 1),
                        waits(Pending, Reason.RetryScheduled).after(ofSeconds(8))),
                row("build failed once 11s ago -> the backoff has passed: the retry starts",
                        given().wasBuilding().attempts(1).lastError(ErrorKind.Cancelled, ofSeconds(11), 1),
                        startsJob(BUILD, SQL_BUILD)),
                row("build failed twice, 15s ago -> the backoff doubled (20s): RetryScheduled for 5s more",
                        given().wasBuilding().attempts(2).lastError(ErrorKind.Deadlock, ofSeconds(15), 2),
                        waits(Pending, Reason.RetryScheduled).after(ofSeconds(5))),
                row("build failed 8 times (retryLimit 10) -> the backoff is capped at retryBackoffMax (10m)",
                        given().wasBuilding().retryLimit(10).attempts(8).lastError(ErrorKind.Deadlock, ofMinutes(1), 8),
                        waits(Pending, Reason.RetryScheduled).after(ofMinutes(9))),
                row("attempts == retryLimit (3), backoff (40s) passed -> the last retry starts",
                        given().wasBuilding().attempts(3).lastError(ErrorKind.ConnectionLost, ofSeconds(41), 3),
                        startsJob(BUILD, SQL_BUILD)),
                row("attempts 4 > retryLimit 3, transient -> Stalled RetryLimitExceeded, no automatic re-check",
                        given().wasBuilding().attempts(4).lastError(ErrorKind.Cancelled, ofMinutes(60), 4),
                        stalls(Reason.RetryLimitExceeded).noRecheck().events("Warning RetryLimitExceeded")
                                .says("gave up after 4 builds; the last failed with Cancelled: Cancelled happened. "
                                        + "Raise spec.retryLimit to try again")
                                .status(s -> assertThat(s.getNextAttemptAt()).isNull())),
                row("retryLimit 0 -> the first transient failure is final",
                        given().wasBuilding().retryLimit(0).attempts(1).lastError(ErrorKind.BuildDeadlineExceeded, ofMinutes(60), 1),
                        stalls(Reason.RetryLimitExceeded).noRecheck().events("Warning RetryLimitExceeded")),
                row("retryLimit absent on an older object -> the CRD default 3: the 4th failure stalls",
                        given().wasBuilding().retryLimit(null).attempts(4).lastError(ErrorKind.ServerShutdown, ofMinutes(60), 4),
                        stalls(Reason.RetryLimitExceeded).noRecheck().events("Warning RetryLimitExceeded")),
                row("retryLimit absent on an older object -> the CRD default 3: the 3rd failure is retried",
                        given().wasBuilding().retryLimit(null).attempts(3).lastError(ErrorKind.ServerShutdown, ofMinutes(60), 3),
                        startsJob(BUILD, SQL_BUILD)),
                row("a permanent failure (UniqueViolation) within its 1m backoff -> Stalled UniqueViolation until it ends",
                        given().wasStalled(Reason.UniqueViolation).attempts(1).lastError(ErrorKind.UniqueViolation, ofSeconds(20), 1),
                        stalls(Reason.UniqueViolation).after(ofSeconds(40))
                                .says("UniqueViolation happened; the operator tries again with backoff (status.nextAttemptAt)")),
                row("a permanent failure, first Stalled for it -> one Warning event",
                        given().wasBuilding().attempts(1).lastError(ErrorKind.UniqueViolation, ofSeconds(20), 1),
                        stalls(Reason.UniqueViolation).after(ofSeconds(40)).events("Warning UniqueViolation")),
                row("a permanent failure seen 3 times -> its backoff is 4m",
                        given().wasStalled(Reason.UniqueViolation).attempts(3).lastError(ErrorKind.UniqueViolation, ofMinutes(3), 3),
                        stalls(Reason.UniqueViolation).after(ofMinutes(1))),
                row("permanent failures never spend the budget: attempts 9, backoff passed -> the build starts",
                        given().wasStalled(Reason.UniqueViolation).attempts(9).lastError(ErrorKind.UniqueViolation, ofMinutes(2), 1),
                        startsJob(BUILD, SQL_BUILD)),
                row("a stored reason this operator no longer knows -> read as InvalidDefinition, never a crash",
                        given().wasBuilding().attempts(1).lastErrorNamed("IndexTooLarge", false, ofSeconds(10)),
                        stalls(Reason.InvalidDefinition).after(ofSeconds(50)).events("Warning InvalidDefinition")),
                row("a new episode from Ready: the last episode's spent budget (attempts 4) does not count",
                        given().wasReady().attempts(4).lastError(ErrorKind.Cancelled, ofSeconds(5), 4),
                        startsJob(BUILD, SQL_BUILD).status(s -> {
                            assertThat(s.getAttempts()).isNull();
                            assertThat(s.getLastError()).isNull();
                        })),
                row("not Ready (RetryLimitExceeded) -> the budget stays spent, no second Warning",
                        given().wasStalled(Reason.RetryLimitExceeded).attempts(4).lastError(ErrorKind.Cancelled, ofMinutes(60), 4),
                        stalls(Reason.RetryLimitExceeded).noRecheck()),
                row("gate: no failure recorded -> the work may start",
                        given().attempts(2).retryGate(RetryGate.Work.BUILD),
                        recorded()),
                row("gate: a failure recorded by a check that never started a build (no attempts) -> may start",
                        given().lastError(ErrorKind.ColumnNotFound, ofSeconds(1), 5).retryGate(RetryGate.Work.BUILD),
                        recorded()),
                row("gate, REBUILD: a permanent failure waits its backoff as RetryScheduled (the index is valid)",
                        given().wasBuilding().attempts(1).lastError(ErrorKind.UniqueViolation, ofSeconds(20), 1)
                                .retryGate(RetryGate.Work.REBUILD),
                        waits(Pending, Reason.RetryScheduled).after(ofSeconds(40)).says("rebuild failed with UniqueViolation")),
                row("gate, PARTITION_BUILD counts consecutive failures, not attempts: 1 failure, backoff passed -> may start",
                        given().attempts(9).lastError(ErrorKind.Cancelled, ofSeconds(11), 1).retryGate(RetryGate.Work.PARTITION_BUILD),
                        recorded()),
                row("gate, PARTITION_BUILD: 4 consecutive failures (limit 3) -> Stalled RetryLimitExceeded",
                        given().lastError(ErrorKind.Cancelled, ofMinutes(60), 4).retryGate(RetryGate.Work.PARTITION_BUILD),
                        stalls(Reason.RetryLimitExceeded).noRecheck().events("Warning RetryLimitExceeded")
                                .says("a partition build failed 4 times in a row")));
    }

    // -------------------------------------------------------------------- the intent a started job records

    static Stream<Row> noSlotFree() {
        return Stream.of(
                row("no build slot free for a first build -> Pending WaitingForBuildSlot, looked at again at the poll",
                        given().noSlotFree(false),
                        waits(Pending, Reason.WaitingForBuildSlot).after(SETTINGS.buildPollInterval())
                                .says("another index build is running on this table or uses this database's build "
                                        + "slots (limit 1); waiting")),
                row("no slot for the finalizer's DROP -> Deleting WaitingForBuildSlot",
                        given().deleting().deletePolicy().wasReady().index(ours()).noSlotFree(true),
                        waits(Deleting, Reason.WaitingForBuildSlot).after(SETTINGS.buildPollInterval())
                                .says("waiting for another build on this table to end before dropping public.t_idx")),
                row("no slot for an amcheck after Ready -> Ready untouched, tried again at the next resync",
                        DecisionTableSupport.healthRead(VerificationDecisionTest.adopted(
                                dev.pgindex.operator.api.v1alpha1.CorruptionPolicy.Report), VerificationDecisionTest.AMCHECK)
                                .noSlotFree(false),
                        waits(Ready, Reason.IndexReady).after(SETTINGS.resyncInterval())));
    }

    static Stream<Row> jobIntent() {
        return Stream.of(
                row("intent of a first build: Building/Building, attempt 1, progress 0%, builder pid before the DDL",
                        given().intentOfDecidedJob(),
                        startsJob(BUILD, SQL_BUILD).phase(Building, Reason.Building).events("Normal Building")
                                .says("building public.t_idx concurrently (backend 77, attempt 1)").status(s -> {
                                    assertThat(s.getAttempts()).isEqualTo(1);
                                    assertThat(s.getBuild().getOperation()).isEqualTo("Build");
                                    assertThat(s.getBuild().getTarget()).isEqualTo("public.t_idx");
                                    assertThat(s.getBuild().getBuilderPid()).isEqualTo(77);
                                    assertThat(s.getBuild().getStatement()).isEqualTo(SQL_BUILD);
                                    assertThat(s.getBuild().getIndexOid()).isNull();
                                    assertThat(s.getBuild().getFinishedAt()).isNull();
                                    assertThat(s.getProgress().getDisplay()).isEqualTo("0%");
                                })),
                row("intent of the third build of an episode -> attempt 3",
                        given().wasBuilding().attempts(2).lastError(ErrorKind.Cancelled, ofMinutes(1), 2).intentOfDecidedJob(),
                        startsJob(BUILD, SQL_BUILD).phase(Building, Reason.Building).events("Normal Building")
                                .says("attempt 3").status(s -> assertThat(s.getAttempts()).isEqualTo(3))),
                row("intent of a rebuild from Ready -> Building/Rebuilding, a new episode: attempt 1",
                        given().wasReady().attempts(2).rebuild("r1").index(ours()).intentOfDecidedJob(),
                        startsJob(REINDEX, SQL_REINDEX).phase(Building, Reason.Rebuilding).events("Normal Rebuilding")
                                .says("for rebuild token 'r1'", "the index stays usable meanwhile")
                                .status(s -> assertThat(s.getAttempts()).isEqualTo(1))),
                row("intent of dropping our invalid leftover -> Building/CleaningUp, no attempt counted",
                        given().wasBuilding().attempts(1).index(Idx.invalid().marked(Mark.OURS)).intentOfDecidedJob(),
                        startsJob(DROP, SQL_DROP).phase(Building, Reason.CleaningUp).events("Normal CleaningUp")
                                .status(s -> {
                                    assertThat(s.getAttempts()).isEqualTo(1);
                                    assertThat(s.getBuild().getOperation()).isEqualTo("Drop");
                                    assertThat(s.getBuild().getIndexOid()).isEqualTo(INDEX_OID);
                                })),
                row("intent of a partition's build -> not counted against retryLimit",
                        given().wasBuilding().partitionedTable(Node.leaf("t_p1", 201))
                                .index(Idx.invalid().relkind('I').marked(Mark.OURS)).intentOfDecidedJob(),
                        startsJob(BUILD, "CREATE INDEX CONCURRENTLY \"t_idx_t_p1\" ON \"public\".\"t_p1\" USING btree (\"a\")")
                                .phase(Building, Reason.Building).events("Normal Building")
                                .says("building public.t_idx_t_p1 concurrently (backend 77)")
                                .status(s -> assertThat(s.getAttempts()).isNull())),
                row("intent of a retry from Pending RetryScheduled once the backoff passed -> Building, attempt 2",
                        given().wasPending(Reason.RetryScheduled).attempts(1).lastError(ErrorKind.Deadlock, ofSeconds(30), 1)
                                .intentOfDecidedJob(),
                        startsJob(BUILD, SQL_BUILD).phase(Building, Reason.Building).events("Normal Building")
                                .says("attempt 2").status(s -> assertThat(s.getNextAttemptAt()).isNull())),
                row("intent of the re-check after a permanent failure's backoff (Stalled UniqueViolation) -> Building, "
                        + "not counted against retryLimit: attempts stay 1",
                        given().wasStalled(Reason.UniqueViolation).attempts(1).lastError(ErrorKind.UniqueViolation, ofMinutes(2), 1)
                                .intentOfDecidedJob(),
                        startsJob(BUILD, SQL_BUILD).phase(Building, Reason.Building).events("Normal Building")
                                .status(s -> assertThat(s.getAttempts()).isEqualTo(1))));
    }

    // -------------------------------------------------------------------------- owner, running build, invalid

    static Stream<Row> existingIndex() {
        return Stream.of(
                row("a valid index marked by another PostgresIndex -> Stalled OwnedByOther, untouched",
                        given().index(Idx.valid().marked(Mark.OTHER)),
                        stalls(Reason.OwnedByOther).after(PERMANENT).events("Warning OwnedByOther")
                                .says("index public.t_idx belongs to PostgresIndex team-a/first (uid uid-other) and was "
                                        + "not touched. If that resource no longer exists, release the index with COMMENT "
                                        + "ON INDEX \"public\".\"t_idx\" IS NULL and this resource adopts it")),
                row("an INVALID index marked by another PostgresIndex -> OwnedByOther, never dropped",
                        given().index(Idx.invalid().marked(Mark.OTHER)),
                        stalls(Reason.OwnedByOther).after(PERMANENT).events("Warning OwnedByOther")),
                row("our build still running after a restart (its pid in status) -> Building BuildInProgress, OID pinned",
                        given().wasBuilding().launched().index(Idx.building(BUILDER_PID)),
                        waits(Building, Reason.BuildInProgress).after(POLL)
                                .says("by backend 4242 is still running; waiting for it (never started twice)")
                                .status(s -> {
                                    assertThat(s.getBuild().getIndexOid()).isEqualTo(INDEX_OID);
                                    assertThat(s.getBuild().getCatalogChecked()).as("still running: window open").isNull();
                                })),
                row("our running build waits for an old transaction -> WaitingForTransactions, the blocker in status",
                        given().wasBuilding().launched().index(Idx.building(BUILDER_PID)).watching(blockedBy("virtualxid")),
                        waits(Building, Reason.WaitingForTransactions).after(POLL).says("; it waits for pid 7001")
                                .status(s -> {
                                    assertThat(s.getBlockers()).extracting(BlockerInfo::getPid).containsExactly(7001);
                                    assertThat(s.getBlockers().get(0).getWaitingOn()).isEqualTo("virtualxid");
                                    assertThat(s.getBlockedBy()).isEqualTo("pid 7001 (idle in transaction, transaction "
                                            + "open 42s, app nightly-report): UPDATE t SET a = 1");
                                    assertThat(s.getBlockedSince()).isEqualTo("2026-12-01T12:00:00Z");
                                })),
                row("our running build waits for its first lock on the table -> WaitingForLock",
                        given().wasBuilding().launched().index(Idx.building(BUILDER_PID)).watching(blockedBy("relation")),
                        waits(Building, Reason.WaitingForLock).after(POLL)),
                row("blocked for 3m (threshold 2m) -> one BuildBlocked Warning, remembered in status.build",
                        given().wasBuilding().launched().blockedSince(ofMinutes(3)).index(Idx.building(BUILDER_PID))
                                .watching(blockedBy("virtualxid")),
                        waits(Building, Reason.WaitingForTransactions).after(POLL).events("Warning BuildBlocked")
                                .status(s -> {
                                    assertThat(s.getBuild().getBlockedWarningSent()).isTrue();
                                    assertThat(s.getBlockedSince()).isEqualTo("2026-12-01T11:57:00Z");
                                })),
                row("blocked for 3m, BuildBlocked already sent for this build -> no second event",
                        given().wasBuilding().launched().blockedSince(ofMinutes(3))
                                .status(s -> s.getBuild().setBlockedWarningSent(true))
                                .index(Idx.building(BUILDER_PID)).watching(blockedBy("virtualxid")),
                        waits(Building, Reason.WaitingForTransactions).after(POLL)),
                row("blocked for 1m (threshold 2m) -> no event yet",
                        given().wasBuilding().launched().blockedSince(ofMinutes(1)).index(Idx.building(BUILDER_PID))
                                .watching(blockedBy("virtualxid")),
                        waits(Building, Reason.WaitingForTransactions).after(POLL)),
                row("two blockers, the first one's query hidden -> blockedBy counts them and names the missing grant",
                        given().wasBuilding().launched().index(Idx.building(BUILDER_PID))
                                .watching(new Observation.Watch(BUILDER_PID, Optional.empty(), List.of(
                                        blocker(7001, "virtualxid", Blocker.HIDDEN), blocker(7002, "virtualxid", "SELECT 1")),
                                        Optional.empty())),
                        waits(Building, Reason.WaitingForTransactions).after(POLL).status(s -> assertThat(s.getBlockedBy())
                                .contains("(+1 more)").endsWith("[grant pg_read_all_stats to the operator's role to see "
                                        + "other sessions' queries]"))),
                row("our running build's progress -> phase-weighted percent (scanning table 50% of blocks: 17%)",
                        given().wasBuilding().launched().index(Idx.building(BUILDER_PID))
                                .watching(progress("building index: scanning table", 50, 100)),
                        waits(Building, Reason.BuildInProgress).after(POLL).status(s -> {
                            assertThat(s.getProgress().getPercent()).isEqualTo(17);
                            assertThat(s.getProgress().getDisplay()).isEqualTo("17%");
                            assertThat(s.getProgress().getPhase()).isEqualTo("building index: scanning table");
                        })),
                row("progress never moves backwards (60% shown, 17% sampled -> 60%)",
                        given().wasBuilding().launched().index(Idx.building(BUILDER_PID))
                                .status(s -> { ProgressInfo p = new ProgressInfo(); p.setPercent(60); s.setProgress(p); })
                                .watching(progress("building index: scanning table", 50, 100)),
                        waits(Building, Reason.BuildInProgress).after(POLL)
                                .status(s -> assertThat(s.getProgress().getPercent()).isEqualTo(60))),
                row("the blockers of our running build are gone -> blockers cleared",
                        given().wasBuilding().launched().blockedSince(ofMinutes(1))
                                .status(s -> { s.setBlockedBy("pid 7001"); s.setBlockers(List.of(new BlockerInfo())); })
                                .index(Idx.building(BUILDER_PID)),
                        waits(Building, Reason.BuildInProgress).after(POLL).status(s -> {
                            assertThat(s.getBlockers()).isNull();
                            assertThat(s.getBlockedBy()).isNull();
                            assertThat(s.getBlockedSince()).isNull();
                        })),
                row("another session builds an index of that name -> Pending BuildInProgress, compared once it ends",
                        given().index(Idx.building(5555)),
                        waits(Pending, Reason.BuildInProgress).after(POLL)
                                .says("another session (backend 5555) is building an index named public.t_idx")),
                row("another session builds while status says we launched one (other pid, nothing pinned) -> not ours",
                        given().launched().index(Idx.building(5555)),
                        waits(Pending, Reason.BuildInProgress).after(POLL)
                                .status(s -> assertThat(s.getBuild().getIndexOid()).isNull())),
                row("our INVALID index (marked) -> DROP INDEX CONCURRENTLY of the leftover, not counted",
                        given().wasBuilding().index(Idx.invalid().marked(Mark.OURS)),
                        startsJob(DROP, SQL_DROP).target("t_idx").counted(false).job(p -> {
                            assertThat(p.indexOid()).isEqualTo(INDEX_OID);
                            assertThat(p.kind().repairsInvalid()).isTrue();
                            assertThat(p.kind().forDeletion()).isFalse();
                            assertThat(p.reason()).isEqualTo(Reason.CleaningUp);
                        })),
                row("our INVALID index marked for an older spec -> still ours: dropped",
                        given().index(Idx.invalid().marked(Mark.OURS_OLD_SPEC)),
                        startsJob(DROP, SQL_DROP)),
                row("an INVALID unmarked index, nothing in status -> Stalled InvalidIndexNotOwned, untouched",
                        given().index(Idx.invalid()),
                        stalls(Reason.InvalidIndexNotOwned).after(PERMANENT).events("Warning InvalidIndexNotOwned")
                                .says("index public.t_idx exists but is INVALID (what a failed CREATE INDEX CONCURRENTLY "
                                        + "or REINDEX leaves behind) and this resource did not build it, so it was not "
                                        + "touched. Drop it with DROP INDEX CONCURRENTLY \"public\".\"t_idx\" and the "
                                        + "operator builds its own, or repair it with REINDEX INDEX CONCURRENTLY "
                                        + "\"public\".\"t_idx\" and the operator adopts it if it matches the spec")),
                row("INVALID, unmarked, the OID status pinned for our build -> ours: dropped",
                        given().pinned(INDEX_OID).index(Idx.invalid()),
                        startsJob(DROP, SQL_DROP)),
                row("INVALID, unmarked, another OID than the one pinned (a person's) -> InvalidIndexNotOwned",
                        given().pinned(499).same().index(Idx.invalid()),
                        stalls(Reason.InvalidIndexNotOwned).after(PERMANENT).events("Warning InvalidIndexNotOwned")),
                row("INVALID, unmarked, crash window open (build never seen to end), same definition -> ours: dropped",
                        given().launched().same().index(Idx.invalid()),
                        startsJob(DROP, SQL_DROP).status(s -> assertThat(s.getBuild().getIndexOid()).isEqualTo(INDEX_OID))),
                row("INVALID, unmarked, crash window open but another definition -> InvalidIndexNotOwned",
                        given().launched().differs("columns: existing b, wanted a").index(Idx.invalid()),
                        stalls(Reason.InvalidIndexNotOwned).after(PERMANENT).events("Warning InvalidIndexNotOwned")),
                row("INVALID, unmarked, the catalog was looked at since our build ended (no OID) -> window closed: not ours",
                        given().launchedAndFinished().catalogChecked().same().index(Idx.invalid()),
                        stalls(Reason.InvalidIndexNotOwned).after(PERMANENT).events("Warning InvalidIndexNotOwned")),
                row("INVALID, unmarked, a status from before catalog checks were recorded (ended, no OID) -> not ours",
                        given().finishedBeforeCatalogChecks().same().index(Idx.invalid()),
                        stalls(Reason.InvalidIndexNotOwned).after(PERMANENT).events("Warning InvalidIndexNotOwned")),
                row("INVALID, unmarked, first look after our build failed (Cancelled) -> ours: dropped",
                        given().launchedAndFinished().same().index(Idx.invalid()),
                        startsJob(DROP, SQL_DROP)),
                row("INVALID, unmarked, after our build failed with 42P07 (name taken: window closed) -> not ours",
                        given().launchedAndFinished().catalogChecked().same().index(Idx.invalid()),
                        stalls(Reason.InvalidIndexNotOwned).after(PERMANENT).events("Warning InvalidIndexNotOwned")),
                row("INVALID, unmarked, status records a DROP (not a build) of that name -> not ours",
                        given().launched("Drop", "t_idx").same().index(Idx.invalid()),
                        stalls(Reason.InvalidIndexNotOwned).after(PERMANENT).events("Warning InvalidIndexNotOwned")),
                row("INVALID, unmarked, status records our build of another name -> not ours",
                        given().launched("Build", "t_idx_old").same().index(Idx.invalid()),
                        stalls(Reason.InvalidIndexNotOwned).after(PERMANENT).events("Warning InvalidIndexNotOwned")));
    }

    // --------------------------------------------------------------------------------- adoption and Ready

    static Stream<Row> adoptionAndReady() {
        return Stream.of(
                row("a valid index marked ours for this spec -> Ready IndexReady, one Normal IndexReady, resync 5m",
                        given().wasBuilding().attempts(1).index(ours()),
                        Expect.ready(Reason.IndexReady).events("Normal IndexReady").says("index public.t_idx is valid")
                                .status(s -> {
                                    assertThat(s.getIndex().getOid()).isEqualTo(INDEX_OID);
                                    assertThat(s.getIndex().getName()).isEqualTo("public.t_idx");
                                    assertThat(s.getIndex().getDefinition())
                                            .isEqualTo("CREATE INDEX t_idx ON public.t USING btree (a)");
                                    assertThat(s.getIndex().getAdopted()).isFalse();
                                    assertThat(s.getIndex().getSizeBytes()).isEqualTo(8192);
                                    assertThat(s.getAttempts()).as("the episode's count stays visible").isEqualTo(1);
                                })),
                row("first look after our build succeeded, the index marked -> Ready, its OID pinned in status.build",
                        given().wasBuilding().launchedAndFinished().index(ours()),
                        Expect.ready(Reason.IndexReady).events("Normal IndexReady")
                                .status(s -> {
                                    assertThat(s.getBuild().getIndexOid()).isEqualTo(INDEX_OID);
                                    assertThat(s.getBuild().getCatalogChecked()).as("crash window closed").isTrue();
                                })),
                row("a new resource whose index already carries its mark (status lost) -> Ready at once",
                        given().index(ours()),
                        Expect.ready(Reason.IndexReady).events("Normal IndexReady")),
                row("already Ready -> Ready again without an event, lastTransitionTime kept",
                        given().wasReady().index(ours()),
                        Expect.ready(Reason.IndexReady).status(s -> assertThat(cond(s, ConditionType.READY)
                                .getLastTransitionTime()).isEqualTo("2026-12-01T11:00:00Z"))),
                row("Ready clears the last failure, the blockers and the retry time, and completes progress",
                        given().wasBuilding().lastError(ErrorKind.Cancelled, ofMinutes(1), 1).blockedSince(ofMinutes(1))
                                .status(s -> {
                                    s.setBlockedBy("pid 1");
                                    s.setNextAttemptAt("2026-12-01T12:10:00Z");
                                    ProgressInfo p = new ProgressInfo();
                                    p.setPercent(99);
                                    p.setPhase("waiting for old snapshots");
                                    s.setProgress(p);
                                }).index(ours()),
                        Expect.ready(Reason.IndexReady).events("Normal IndexReady").status(s -> {
                            assertThat(s.getLastError()).isNull();
                            assertThat(s.getNextAttemptAt()).isNull();
                            assertThat(s.getBlockedBy()).isNull();
                            assertThat(s.getBlockedSince()).isNull();
                            assertThat(s.getProgress().getPhase()).isEqualTo("done");
                            assertThat(s.getProgress().getDisplay()).isEqualTo("100%");
                        })),
                row("a valid index marked ours with adopted=true -> Ready Adopted",
                        given().wasBuilding().index(Idx.valid().marked(Mark.OURS_ADOPTED)),
                        Expect.ready(Reason.Adopted).events("Normal IndexReady").says("index public.t_idx is valid (adopted)")
                                .status(s -> assertThat(s.getIndex().getAdopted()).isTrue())),
                row("a mark with the DDL-text hash of an older operator -> still ours: Ready without a rebuild",
                        given().wasBuilding().index(Idx.valid().marked(Mark.OURS_LEGACY_HASH)),
                        Expect.ready(Reason.IndexReady).events("Normal IndexReady")),
                row("marked ours for an earlier spec, the server says it differs -> Stalled DefinitionConflict",
                        given().index(Idx.valid().marked(Mark.OURS_OLD_SPEC)).differs("columns: existing b, wanted a"),
                        stalls(Reason.DefinitionConflict).after(PERMANENT).events("Warning DefinitionConflict")
                                .says("index public.t_idx was built by this resource from an earlier definition and was "
                                        + "not touched. Differences: columns: existing b, wanted a")),
                row("marked ours for an earlier spec, still the same index -> re-marked with this spec's hash",
                        given().index(Idx.valid().marked(Mark.OURS_OLD_SPEC)).same(),
                        marks(mark(false)).on("t_idx")),
                row("marked ours (adopted) for an earlier spec, still the same index -> re-marked, stays adopted",
                        given().index(Idx.valid().marked(Mark.OURS_OLD_SPEC_ADOPTED)).same(),
                        marks(mark(true))),
                row("marked ours for an earlier spec, not compared -> DefinitionConflict 'not compared'",
                        given().index(Idx.valid().marked(Mark.OURS_OLD_SPEC)),
                        stalls(Reason.DefinitionConflict).after(PERMANENT).events("Warning DefinitionConflict")
                                .says("Differences: not compared")),
                row("a person's valid index with the spec's definition -> adopted: marked adopted=true, Normal Adopted",
                        given().index(Idx.valid()).same(),
                        marks(mark(true)).on("t_idx").events("Normal Adopted")),
                row("a person's valid index with another definition -> Stalled DefinitionConflict, untouched",
                        given().index(Idx.valid()).differs("columns: existing tenant, wanted email"),
                        stalls(Reason.DefinitionConflict).after(PERMANENT).events("Warning DefinitionConflict")
                                .says("index public.t_idx exists with another definition and was not touched. "
                                        + "Differences: columns: existing tenant, wanted email. To change an index, "
                                        + "create a new PostgresIndex with another spec.name; to take over this one, "
                                        + "make the spec match it")),
                row("a valid index with a person's own comment, same definition -> it is unmarked: adopted",
                        given().index(Idx.valid().marked(Mark.FOREIGN_COMMENT)).same(),
                        marks(mark(true)).events("Normal Adopted")),
                row("unmarked, crash window open, same definition -> our own build: marked adopted=false, OID pinned",
                        given().launched().same().index(Idx.valid()),
                        marks(mark(false)).status(s -> assertThat(s.getBuild().getIndexOid()).isEqualTo(INDEX_OID))),
                row("unmarked, the OID pinned for our build (its COMMENT was lost) -> ours: marked adopted=false",
                        given().pinned(INDEX_OID).same().index(Idx.valid()),
                        marks(mark(false))),
                row("unmarked, another OID than pinned (a person re-created it) -> adopted, never ours",
                        given().pinned(499).same().index(Idx.valid()),
                        marks(mark(true)).events("Normal Adopted")
                                .status(s -> assertThat(s.getBuild().getIndexOid()).isEqualTo(499))),
                row("unmarked, a status from before catalog checks were recorded (ended, no OID), same definition -> adopted",
                        given().finishedBeforeCatalogChecks().same().index(Idx.valid()),
                        marks(mark(true)).events("Normal Adopted")),
                row("unmarked, the catalog was looked at since our build ended (no OID), same definition -> adopted",
                        given().launchedAndFinished().catalogChecked().same().index(Idx.valid()),
                        marks(mark(true)).events("Normal Adopted")),
                row("unmarked, first look after our build succeeded -> ours: marked adopted=false",
                        given().launchedAndFinished().same().index(Idx.valid()),
                        marks(mark(false))),
                row("unmarked, after our build failed with 42P07 (name taken: window closed) -> someone else's: adopted",
                        given().launchedAndFinished().catalogChecked().same().index(Idx.valid()),
                        marks(mark(true)).events("Normal Adopted")),
                row("unmarked, crash window open, another definition -> DefinitionConflict, never claimed",
                        given().launched().differs("columns: existing b, wanted a").index(Idx.valid()),
                        stalls(Reason.DefinitionConflict).after(PERMANENT).events("Warning DefinitionConflict")
                                .says("exists with another definition")),
                row("Stalled TableNotFound, then our index is found valid (built meanwhile) -> Ready, one IndexReady",
                        given().wasStalled(Reason.TableNotFound).lastError(ErrorKind.TableNotFound, ofMinutes(1), 2).index(ours()),
                        Expect.ready(Reason.IndexReady).events("Normal IndexReady")
                                .status(s -> assertThat(s.getLastError()).isNull())),
                row("Pending DatabaseUnreachable, the database is back and our index valid -> Ready",
                        given().wasPending(Reason.DatabaseUnreachable).lastError(ErrorKind.ConnectionLost, ofSeconds(10), 1)
                                .index(ours()),
                        Expect.ready(Reason.IndexReady).events("Normal IndexReady")),
                row("Pending: another session's build of that name ended with another definition -> DefinitionConflict",
                        given().wasPending(Reason.BuildInProgress).index(Idx.valid()).differs("columns: existing b, wanted a"),
                        stalls(Reason.DefinitionConflict).after(PERMANENT).events("Warning DefinitionConflict")),
                row("a plain table's index -> status.partitions of an earlier partitioned table is cleared",
                        given().wasReady().status(s -> s.setPartitions(new PartitionsInfo())).index(ours()),
                        Expect.ready(Reason.IndexReady).status(s -> assertThat(s.getPartitions()).isNull())));
    }

    // -------------------------------------------------------------------------------------- rebuild tokens

    static Stream<Row> rebuild() {
        return Stream.of(
                row("a new spec.rebuild token on a Ready index -> REINDEX INDEX CONCURRENTLY, a new episode",
                        given().wasReady().attempts(1).rebuild("2026-11-25").index(ours()),
                        startsJob(REINDEX, SQL_REINDEX).target("t_idx").counted(true).job(p -> {
                            assertThat(p.followUp()).isEqualTo(comment("t_idx", false));
                            assertThat(p.reason()).isEqualTo(Reason.Rebuilding);
                        }).status(s -> assertThat(s.getAttempts()).isNull())),
                row("a rebuild of an adopted index keeps adopted=true in its mark",
                        given().wasReady().rebuild("r1").status(s -> s.getIndex().setAdopted(true))
                                .index(Idx.valid().marked(Mark.OURS_ADOPTED)),
                        startsJob(REINDEX, SQL_REINDEX).job(p -> assertThat(p.followUp()).isEqualTo(comment("t_idx", true)))),
                row("the token already rebuilt (status.rebuiltToken) -> Ready, nothing to do",
                        given().wasReady().rebuild("r1").status(s -> s.setRebuiltToken("r1")).index(ours()),
                        Expect.ready(Reason.IndexReady)),
                row("a token requested while a REINDEX started earlier still runs -> Building BuildInProgress",
                        given().wasBuilding().rebuild("r1").builderBackend(4243).index(ours()),
                        waits(Building, Reason.BuildInProgress).after(POLL).says("a REINDEX started earlier (backend 4243)")),
                row("the REINDEX failed (transient) 5s ago -> Pending RetryScheduled",
                        given().wasBuilding().rebuild("r1").attempts(1).lastError(ErrorKind.Cancelled, ofSeconds(5), 1).index(ours()),
                        waits(Pending, Reason.RetryScheduled).after(ofSeconds(5)).says("rebuild failed with Cancelled")),
                row("the REINDEX failed (transient) 11s ago -> it runs again",
                        given().wasBuilding().rebuild("r1").attempts(1).lastError(ErrorKind.Cancelled, ofSeconds(11), 1).index(ours()),
                        startsJob(REINDEX, SQL_REINDEX)),
                row("the REINDEX failed 4 times (limit 3) -> Stalled RetryLimitExceeded; the index itself is valid",
                        given().wasBuilding().rebuild("r1").attempts(4).lastError(ErrorKind.Cancelled, ofMinutes(60), 4).index(ours()),
                        stalls(Reason.RetryLimitExceeded).noRecheck().events("Warning RetryLimitExceeded")
                                .says("gave up rebuilding after 4 attempts", "The index itself is valid")),
                row("the REINDEX failed 4 times with permanent errors -> spent as well (a rebuild counts every failure)",
                        given().wasBuilding().rebuild("r1").attempts(4).lastError(ErrorKind.UniqueViolation, ofMinutes(60), 4).index(ours()),
                        stalls(Reason.RetryLimitExceeded).noRecheck().events("Warning RetryLimitExceeded")),
                row("a second token from Ready after the first one's episode -> a new episode with the whole budget",
                        given().wasReady().rebuild("second").status(s -> s.setRebuiltToken("first")).attempts(4)
                                .lastError(ErrorKind.Cancelled, ofMinutes(1), 4).index(ours()),
                        startsJob(REINDEX, SQL_REINDEX).status(s -> assertThat(s.getAttempts()).isNull())),
                row("first look after our REINDEX failed: its t_idx_ccnew is ours -> DROP it (not counted), OID recorded",
                        given().wasBuilding().rebuild("r1").launched("Reindex", "t_idx")
                                .status(s -> { s.getBuild().setFinishedAt(NOW.minusSeconds(1).toString()); s.getBuild().setCatalogChecked(false); })
                                .index(ours()).leftover(leftover()),
                        startsJob(DROP, "DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"t_idx_ccnew\"").target("t_idx_ccnew")
                                .counted(false).job(p -> assertThat(p.indexOid()).isEqualTo(501))
                                .status(s -> assertThat(s.getReindexLeftovers()).containsExactly(501L))),
                row("after a restart while our REINDEX ran (never seen to end) -> its leftover is ours: DROP",
                        given().wasBuilding().rebuild("r1").launched("Reindex", "t_idx").index(ours()).leftover(leftover()),
                        startsJob(DROP, "DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"t_idx_ccnew\"")),
                row("a leftover recorded in status.reindexLeftovers -> DROP it",
                        given().wasBuilding().status(s -> s.setReindexLeftovers(List.of(501L))).index(ours()).leftover(leftover()),
                        startsJob(DROP, "DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"t_idx_ccnew\"")),
                row("a t_idx_ccnew another session's REINDEX left -> not ours: Ready, untouched",
                        given().wasReady().index(ours()).leftover(leftover()),
                        Expect.ready(Reason.IndexReady).status(s -> assertThat(s.getReindexLeftovers()).isNull())),
                row("first look after our REINDEX succeeded -> a t_idx_ccold that appears is not ours",
                        given().wasBuilding().rebuild("r1").launched("Reindex", "t_idx")
                                .status(s -> {
                                    s.getBuild().setFinishedAt(NOW.minusSeconds(1).toString());
                                    s.getBuild().setCatalogChecked(true); // a finished REINDEX closes its window
                                    s.setRebuiltToken("r1");
                                })
                                .index(ours()).leftover(leftover().named("t_idx_ccold")),
                        Expect.ready(Reason.IndexReady).events("Normal IndexReady")),
                row("our leftover still being built by a REINDEX -> Building BuildInProgress",
                        given().wasBuilding().status(s -> s.setReindexLeftovers(List.of(501L))).index(ours())
                                .leftover(Idx.building(4243).named("t_idx_ccnew").oid(501)),
                        waits(Building, Reason.BuildInProgress).after(POLL).says("a REINDEX of public.t_idx (backend 4243)")),
                row("leftover OIDs in status that no longer exist are forgotten -> Ready",
                        given().wasReady().status(s -> s.setReindexLeftovers(List.of(501L, 502L))).index(ours()),
                        Expect.ready(Reason.IndexReady).status(s -> assertThat(s.getReindexLeftovers()).isNull())));
    }

    // ----------------------------------------------------------------------------------------- constraints

    static final String ADD_UNIQUE = "ALTER TABLE \"public\".\"t\" ADD CONSTRAINT \"t_idx\" UNIQUE USING INDEX \"t_idx\"";

    static Stream<Row> constraints() {
        return Stream.of(
                row("a UNIQUE constraint wanted on our valid index -> ADD CONSTRAINT ... USING INDEX under a short lock",
                        given().wasBuilding().constraint(ConstraintType.Unique).index(ours()),
                        shortLock(ADD_UNIQUE).onSuccess("Normal AddingConstraint")
                                .retriesOnLockTimeout(Building, Reason.AddingConstraint)
                                .stallsOn(UNIQUE, Reason.ConstraintConflict)
                                .status(s -> assertThat(s.getIndex().getOid()).isEqualTo(INDEX_OID))),
                row("a PRIMARY KEY wanted, a key column may be NULL -> Stalled NullableColumn with the non-blocking recipe",
                        given().constraint(ConstraintType.PrimaryKey).index(ours()).nullable("a"),
                        stalls(Reason.NullableColumn).after(PERMANENT).events("Warning NullableColumn")
                                .says("a may be NULL", "CHECK (\"a\" IS NOT NULL) NOT VALID", "SET NOT NULL")),
                row("a PRIMARY KEY wanted, the columns are NOT NULL -> ADD CONSTRAINT ... PRIMARY KEY USING INDEX",
                        given().wasBuilding().constraint(ConstraintType.PrimaryKey).index(ours()),
                        shortLock("ALTER TABLE \"public\".\"t\" ADD CONSTRAINT \"t_idx\" PRIMARY KEY USING INDEX \"t_idx\"")
                                .onSuccess("Normal AddingConstraint").retriesOnLockTimeout(Building, Reason.AddingConstraint)
                                .stallsOn(failure(ErrorKind.InsufficientPrivilege), Reason.ConstraintConflict)),
                row("the constraint is in place -> Ready, status.constraint recorded",
                        given().wasBuilding().constraint(ConstraintType.Unique).index(ours()).backsConstraint('u', "UNIQUE (a)"),
                        Expect.ready(Reason.IndexReady).events("Normal IndexReady").status(s -> {
                            assertThat(s.getConstraint().getName()).isEqualTo("t_idx");
                            assertThat(s.getConstraint().getType()).isEqualTo("Unique");
                            assertThat(s.getConstraint().getDefinition()).isEqualTo("UNIQUE (a)");
                        })),
                row("the index backs a PRIMARY KEY, the spec asks for UNIQUE -> Stalled ConstraintConflict",
                        given().constraint(ConstraintType.Unique).index(ours()).backsConstraint('p', "PRIMARY KEY (a)"),
                        stalls(Reason.ConstraintConflict).after(PERMANENT).events("Warning ConstraintConflict")
                                .says("already backs the constraint t_idx (PRIMARY KEY (a)), not the Unique constraint")),
                row("no constraint in the spec, the index backs one a person added -> Ready, recorded in status",
                        given().wasReady().index(ours()).backsConstraint('u', "UNIQUE (a)"),
                        Expect.ready(Reason.IndexReady).status(s -> assertThat(s.getConstraint().getType()).isEqualTo("Unique"))),
                row("a constraint wanted on a partitioned table -> Stalled UnsupportedFeature, no re-check",
                        given().constraint(ConstraintType.Unique).partitionedTable(),
                        stalls(Reason.UnsupportedFeature).noRecheck().events("Warning UnsupportedFeature")
                                .says("remove spec.constraint")));
    }

    // ------------------------------------------------------------------------------------------- partitions

    static Stream<Row> partitions() {
        Idx parentOurs = Idx.invalid().relkind('I').marked(Mark.OURS);
        return Stream.of(
                row("partitioned table, no parent index -> CREATE INDEX ON ONLY and its mark in one short transaction",
                        given().partitionedTable(),
                        shortLock(SQL_ON_ONLY, comment("t_idx", false)).onSuccess("Normal Building")
                                .retriesOnLockTimeout(Building, Reason.AttachingPartitions)
                                .stallsOn(failure(ErrorKind.InsufficientPrivilege), Reason.InsufficientPrivilege)),
                row("partitioned, the role may not build on it -> Stalled InsufficientPrivilege",
                        given().partitionedTable().missingPrivilege("role app does not own table public.t"),
                        stalls(Reason.InsufficientPrivilege).after(PERMANENT).events("Warning InsufficientPrivilege")),
                row("partitioned, a column the table lacks -> Stalled ColumnNotFound",
                        given().partitionedTable().candidateProblem(failure(ErrorKind.ColumnNotFound)),
                        stalls(Reason.ColumnNotFound).after(PERMANENT).events("Warning ColumnNotFound")
                                .says("creating public.t_idx ON ONLY the partitioned table failed: ColumnNotFound happened")),
                row("partitioned, a partition build from before a restart still runs -> Building BuildInProgress",
                        given().wasBuilding().partitionedTable().builderBackend(4243).index(parentOurs),
                        waits(Building, Reason.BuildInProgress).after(POLL).says("a partition build started earlier (backend 4243)")),
                row("partitioned, that build waits for a transaction -> WaitingForTransactions",
                        given().wasBuilding().partitionedTable().builderBackend(4243).watching(blockedBy("virtualxid")).index(parentOurs),
                        waits(Building, Reason.WaitingForTransactions).after(POLL)),
                row("the parent index is marked by another resource -> Stalled OwnedByOther",
                        given().partitionedTable(Node.leaf("t_p1", 201)).index(Idx.valid().relkind('I').marked(Mark.OTHER)),
                        stalls(Reason.OwnedByOther).after(PERMANENT).events("Warning OwnedByOther")),
                row("a person's valid partitioned index with the spec's definition -> adopted (marked adopted=true)",
                        given().partitionedTable(Node.leaf("t_p1", 201)).index(Idx.valid().relkind('I')).same(),
                        marks(mark(true)).on("t_idx").events("Normal Adopted")),
                row("a person's valid partitioned index with another definition -> Stalled DefinitionConflict",
                        given().partitionedTable(Node.leaf("t_p1", 201)).index(Idx.valid().relkind('I'))
                                .differs("columns: existing b, wanted a"),
                        stalls(Reason.DefinitionConflict).after(PERMANENT).events("Warning DefinitionConflict")),
                row("a person's partitioned index, not valid yet -> Stalled InvalidIndexNotOwned, untouched",
                        given().partitionedTable(Node.leaf("t_p1", 201)).index(Idx.invalid().relkind('I')),
                        stalls(Reason.InvalidIndexNotOwned).after(PERMANENT).events("Warning InvalidIndexNotOwned")
                                .says("partitioned index public.t_idx exists but is not valid yet")),
                row("ours, a sub-partitioned table without its index -> CREATE INDEX ON ONLY that table",
                        given().wasBuilding().partitionedTable(Node.mid("t_eu", 210), Node.leafOf("t_eu_2026", 211, 210))
                                .index(parentOurs),
                        shortLock("CREATE INDEX \"t_idx_t_eu\" ON ONLY \"public\".\"t_eu\" USING btree (\"a\")",
                                comment("t_idx_t_eu", false)).onSuccess()
                                .retriesOnLockTimeout(Building, Reason.AttachingPartitions)
                                .stallsOn(failure(ErrorKind.InvalidDefinition), Reason.InvalidDefinition)),
                row("ours, a leaf without its index -> CREATE INDEX CONCURRENTLY on it, not counted, partitions 0/2",
                        given().wasBuilding().partitionedTable(Node.leaf("t_p1", 201), Node.leaf("t_p2", 202)).index(parentOurs),
                        startsJob(BUILD, "CREATE INDEX CONCURRENTLY \"t_idx_t_p1\" ON \"public\".\"t_p1\" USING btree (\"a\")")
                                .target("t_idx_t_p1").counted(false).job(p -> {
                                    assertThat(p.tableOid()).isEqualTo(201);
                                    assertThat(p.followUp()).isEqualTo(comment("t_idx_t_p1", false));
                                }).status(s -> {
                                    assertThat(s.getPartitions().getDisplay()).isEqualTo("0/2");
                                    assertThat(s.getPartitions().getCurrent()).isEqualTo("public.t_p1");
                                })),
                row("the first leaf done and attached, the second without index -> builds the second, partitions 1/2",
                        given().wasBuilding().partitionedTable(Node.leaf("t_p1", 201).done(), Node.leaf("t_p2", 202))
                                .index(parentOurs),
                        startsJob(BUILD, "CREATE INDEX CONCURRENTLY \"t_idx_t_p2\" ON \"public\".\"t_p2\" USING btree (\"a\")")
                                .status(s -> assertThat(s.getPartitions().getDisplay()).isEqualTo("1/2"))),
                row("a leaf's build failed (transient) 5s ago -> Pending RetryScheduled 'a partition build failed'",
                        given().wasBuilding().lastError(ErrorKind.Cancelled, ofSeconds(5), 1)
                                .partitionedTable(Node.leaf("t_p1", 201)).index(parentOurs),
                        waits(Pending, Reason.RetryScheduled).after(ofSeconds(5)).says("a partition build failed with Cancelled")),
                row("a leaf's build failed 4 times in a row (limit 3) -> Stalled RetryLimitExceeded",
                        given().wasBuilding().lastError(ErrorKind.Cancelled, ofMinutes(60), 4)
                                .partitionedTable(Node.leaf("t_p1", 201)).index(parentOurs),
                        stalls(Reason.RetryLimitExceeded).noRecheck().events("Warning RetryLimitExceeded")),
                row("a leaf's build failed with a permanent error within its backoff -> Stalled with that reason",
                        given().wasBuilding().lastError(ErrorKind.UniqueViolation, ofSeconds(20), 1)
                                .partitionedTable(Node.leaf("t_p1", 201)).index(parentOurs),
                        stalls(Reason.UniqueViolation).after(ofSeconds(40)).events("Warning UniqueViolation")),
                row("a leaf already has an index this resource did not build -> Stalled NameConflict, untouched",
                        given().partitionedTable(Node.leaf("t_p1", 201).with(Idx.child("t_p1", 201))).index(parentOurs),
                        stalls(Reason.NameConflict).after(PERMANENT).events("Warning NameConflict")
                                .says("partition public.t_p1 already has an index named t_idx_t_p1 that this resource "
                                        + "did not build; it was not touched")),
                row("a leaf's index marked by another resource -> Stalled NameConflict",
                        given().partitionedTable(Node.leaf("t_p1", 201).with(Idx.child("t_p1", 201).marked(Mark.OTHER)))
                                .index(parentOurs),
                        stalls(Reason.NameConflict).after(PERMANENT).events("Warning NameConflict")),
                row("a leaf's unmarked index from our build (crash window, same definition) -> marked ours first",
                        given().launched("Build", "t_idx_t_p1")
                                .partitionedTable(Node.leaf("t_p1", 201).with(Idx.child("t_p1", 201)).same()).index(parentOurs),
                        marks(mark(false)).on("t_idx_t_p1").status(s -> assertThat(s.getBuild().getIndexOid()).isEqualTo(1201))),
                row("a leaf's index that our builder is still building -> Building BuildInProgress",
                        given().wasBuilding().launched("Build", "t_idx_t_p1")
                                .partitionedTable(Node.leaf("t_p1", 201).with(Idx.child("t_p1", 201).buildingBy(BUILDER_PID)))
                                .index(parentOurs),
                        waits(Building, Reason.BuildInProgress).after(POLL)
                                .says("the build of public.t_idx_t_p1 (backend 4242) is still running")),
                row("a leaf's index is ours but INVALID -> DROP it, then build again",
                        given().wasBuilding().partitionedTable(Node.leaf("t_p1", 201).with(Idx.child("t_p1", 201)
                                .marked(Mark.OURS).notValid())).index(parentOurs),
                        startsJob(DROP, "DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"t_idx_t_p1\"").counted(false)
                                .job(p -> assertThat(p.kind().repairsInvalid()).isTrue())),
                row("a leaf's index ours and valid, not attached -> ALTER INDEX ... ATTACH PARTITION under a short lock",
                        given().wasBuilding().partitionedTable(Node.leaf("t_p1", 201).ours()).index(parentOurs),
                        shortLock("ALTER INDEX \"public\".\"t_idx\" ATTACH PARTITION \"public\".\"t_idx_t_p1\"").onSuccess()
                                .retriesOnLockTimeout(Building, Reason.AttachingPartitions)
                                .stallsOn(failure(ErrorKind.InvalidDefinition), Reason.InvalidDefinition)),
                row("a leaf of a sub-partitioned table -> attached to that table's index",
                        given().wasBuilding().partitionedTable(Node.mid("t_eu", 210).ours(),
                                Node.leafOf("t_eu_2026", 211, 210).ours()).index(parentOurs),
                        shortLock("ALTER INDEX \"public\".\"t_idx_t_eu\" ATTACH PARTITION \"public\".\"t_idx_t_eu_2026\"")
                                .onSuccess().retriesOnLockTimeout(Building, Reason.AttachingPartitions)
                                .stallsOn(failure(ErrorKind.UnsupportedFeature), Reason.UnsupportedFeature)),
                row("every leaf attached, the sub-partition's index valid but not attached -> attach it to the parent",
                        given().wasBuilding().partitionedTable(Node.mid("t_eu", 210).ours(),
                                Node.leafOf("t_eu_2026", 211, 210).done()).index(parentOurs),
                        shortLock("ALTER INDEX \"public\".\"t_idx\" ATTACH PARTITION \"public\".\"t_idx_t_eu\"").onSuccess()
                                .retriesOnLockTimeout(Building, Reason.AttachingPartitions)
                                .stallsOn(failure(ErrorKind.InvalidDefinition), Reason.InvalidDefinition)),
                row("every partition attached, the parent not valid yet -> AttachingPartitions 2/2, looked at in 200ms",
                        given().wasBuilding().lastError(ErrorKind.Cancelled, ofMinutes(5), 1)
                                .partitionedTable(Node.leaf("t_p1", 201).done(), Node.leaf("t_p2", 202).done()).index(parentOurs),
                        waits(Building, Reason.AttachingPartitions).after(ofMillis(200))
                                .says("2 of 2 partitions have their index; attaching them to public.t_idx").status(s -> {
                                    assertThat(s.getPartitions().getDisplay()).isEqualTo("2/2");
                                    assertThat(s.getLastError()).isNull();
                                })),
                row("our partitioned index valid on every partition -> Ready, partitions 2/2",
                        given().wasBuilding().partitionedTable(Node.leaf("t_p1", 201).done(), Node.leaf("t_p2", 202).done())
                                .index(Idx.valid().relkind('I').marked(Mark.OURS)),
                        Expect.ready(Reason.IndexReady).events("Normal IndexReady")
                                .says("partitioned index public.t_idx is valid on all 2 partitions").status(s -> {
                                    assertThat(s.getPartitions().getDisplay()).isEqualTo("2/2");
                                    assertThat(s.getIndex().getSizeBytes()).as("a partitioned index has no size").isNull();
                                })),
                row("our partitioned index adopted earlier, valid -> Ready Adopted",
                        given().wasReady().partitionedTable(Node.leaf("t_p1", 201).done())
                                .index(Idx.valid().relkind('I').marked(Mark.OURS_ADOPTED)),
                        Expect.ready(Reason.Adopted)));
    }

    // --------------------------------------------------------------------------------------------- deletion

    static Stream<Row> deletion() {
        return Stream.of(
                row("Retain: our index stays, its mark is released -> Mark(null), Normal IndexRetained",
                        given().deleting().wasReady().index(ours()),
                        marks(null).on("t_idx").events("Normal IndexRetained")
                                .then(o -> assertThat(o.events().get(0).message()).endsWith("(reclaimPolicy Retain)"))),
                row("Delete: our index -> DROP INDEX CONCURRENTLY as the finalizer's job, Deleting",
                        given().deleting().deletePolicy().wasReady().index(ours()),
                        startsJob(DROP, SQL_DROP).phase(Deleting, Reason.Deleting).counted(false)
                                .says("dropping public.t_idx concurrently").job(p -> {
                                    assertThat(p.kind().forDeletion()).isTrue();
                                    assertThat(p.kind().repairsInvalid()).isFalse();
                                    assertThat(p.indexOid()).isEqualTo(INDEX_OID);
                                })),
                row("Delete, an adopted index -> never dropped: mark released, IndexRetained (adopted)",
                        given().deleting().deletePolicy().index(Idx.valid().marked(Mark.OURS_ADOPTED)),
                        marks(null).events("Normal IndexRetained")
                                .then(o -> assertThat(o.events().get(0).message()).endsWith("(adopted, never dropped)"))),
                row("Retain, our INVALID leftover -> dropped whatever the policy",
                        given().deleting().index(Idx.invalid().marked(Mark.OURS)),
                        startsJob(DROP, SQL_DROP).phase(Deleting, Reason.Deleting)),
                row("Retain, the INVALID leftover of our cancelled build (unmarked, crash window) -> dropped",
                        given().deleting().launched().same().index(Idx.invalid()),
                        startsJob(DROP, SQL_DROP).phase(Deleting, Reason.Deleting)),
                row("Delete, our unmarked build in the crash window, same definition -> dropped",
                        given().deleting().deletePolicy().launched().same().index(Idx.valid()),
                        startsJob(DROP, SQL_DROP)),
                row("no index of that name -> Release",
                        given().deleting().deletePolicy(),
                        releases()),
                row("the name belongs to a table -> Release, untouched",
                        given().deleting().deletePolicy().index(Idx.valid().relkind('r')),
                        releases()),
                row("Delete, an index marked by another resource -> Release, untouched",
                        given().deleting().deletePolicy().index(Idx.valid().marked(Mark.OTHER)),
                        releases()),
                row("Delete, a person's index re-using the name (another OID than pinned) -> Release, never dropped",
                        given().deleting().deletePolicy().pinned(499).same().index(Idx.valid()),
                        releases()),
                row("Delete, a person's INVALID index re-using the name -> Release, untouched",
                        given().deleting().deletePolicy().pinned(499).same().index(Idx.invalid()),
                        releases()),
                row("Delete, a status from before catalog checks were recorded (ended, no OID), a person's same index -> Release",
                        given().deleting().deletePolicy().finishedBeforeCatalogChecks().same().index(Idx.valid()),
                        releases()),
                row("Delete, the catalog looked at since our build ended (no OID), a person's same index -> Release",
                        given().deleting().deletePolicy().launchedAndFinished().catalogChecked().same().index(Idx.valid()),
                        releases()),
                row("Delete, a person's index with their own constraint of the same name -> Release",
                        given().deleting().deletePolicy().constraint(ConstraintType.Unique).pinned(499).same()
                                .index(Idx.valid()).backsConstraint('u', "UNIQUE (a)"),
                        releases()),
                row("a build still runs (builder backend) -> Cancel it, Deleting",
                        given().deleting().wasBuilding().builderBackend(4243).index(Idx.building(4243)),
                        cancels(4243).after(POLL).says("cancelled the build in backend 4243; waiting for it to end")),
                row("Delete, our index backs a constraint -> DROP CONSTRAINT under a short lock; a failure retries",
                        given().deleting().deletePolicy().constraint(ConstraintType.Unique).index(ours())
                                .backsConstraint('u', "UNIQUE (a)"),
                        shortLock("ALTER TABLE \"public\".\"t\" DROP CONSTRAINT \"t_idx\"").onSuccess("Normal IndexDropped")
                                .onFailure(LOCK_TIMEOUT, Decision.Wait.class, Deleting, Reason.Deleting, POLL.multipliedBy(4))
                                .onFailure(UNIQUE, Decision.Wait.class, Deleting, Reason.Deleting, POLL.multipliedBy(4))),
                row("Retain, our index backs a constraint -> kept with it: mark released",
                        given().deleting().constraint(ConstraintType.Unique).index(ours()).backsConstraint('u', "UNIQUE (a)"),
                        marks(null).events("Normal IndexRetained")),
                row("Delete, our partitioned index -> DROP INDEX (not concurrently) under a short lock, IndexDropped",
                        given().deleting().deletePolicy().partitionedTable(Node.leaf("t_p1", 201).done())
                                .index(Idx.valid().relkind('I').marked(Mark.OURS)),
                        shortLock("DROP INDEX IF EXISTS \"public\".\"t_idx\"").onSuccess("Normal IndexDropped")
                                .onFailure(LOCK_TIMEOUT, Decision.Wait.class, Deleting, Reason.Deleting, POLL.multipliedBy(4))
                                .onFailure(failure(ErrorKind.InsufficientPrivilege), Decision.Wait.class, Deleting,
                                        Reason.Deleting, POLL.multipliedBy(4))),
                row("deleting while our build job runs -> Cancel its backend",
                        given().deletingWhileJobRuns(BUILD),
                        cancels(BUILDER_PID).after(POLL).says("waiting for backend 4242 to end before deleting")),
                row("deleting while our REINDEX job runs -> Cancel its backend",
                        given().deletingWhileJobRuns(REINDEX),
                        cancels(BUILDER_PID).after(POLL)),
                row("deleting while a DROP job runs -> let it finish: Deleting",
                        given().deletingWhileJobRuns(DROP),
                        waits(Deleting, Reason.Deleting).after(POLL)),
                row("database unreachable at deletion, 1m into the 5m grace period -> Deleting DatabaseUnreachable, 10s",
                        given().deletionUnreachableFor(ofMinutes(1)),
                        waits(Deleting, Reason.DatabaseUnreachable).after(ofSeconds(10))
                                .says("cannot clean up yet (connection refused); retrying until 2026-12-01T12:04:00Z")),
                row("still Deleting, database unreachable 4m into the grace period -> Deleting DatabaseUnreachable",
                        given().wasDeleting().deletionUnreachableFor(ofMinutes(4)),
                        waits(Deleting, Reason.DatabaseUnreachable).after(ofSeconds(10))),
                row("still Deleting, the cancelled build is gone and our INVALID leftover remains -> dropped",
                        given().deleting().wasDeleting().launched().same().index(Idx.invalid()),
                        startsJob(DROP, SQL_DROP).phase(Deleting, Reason.Deleting)),
                row("a Stalled resource deleted while the database is unreachable -> Deleting DatabaseUnreachable",
                        given().wasStalled(Reason.TableNotFound).deletionUnreachableFor(ofSeconds(1)),
                        waits(Deleting, Reason.DatabaseUnreachable).after(ofSeconds(10))),
                row("a Pending resource deleted while a build from before a restart runs -> Cancel it, Deleting",
                        given().deleting().wasPending(Reason.RetryScheduled).builderBackend(4243),
                        cancels(4243).after(POLL)),
                row("database unreachable 2s before the grace period ends -> looked at again just after it (3s)",
                        given().deletionUnreachableFor(ofMinutes(5).minusSeconds(2)),
                        waits(Deleting, Reason.DatabaseUnreachable).after(ofSeconds(3))),
                row("database unreachable exactly at the end of the grace period -> still waiting (1s)",
                        given().deletionUnreachableFor(ofMinutes(5)),
                        waits(Deleting, Reason.DatabaseUnreachable).after(ofSeconds(1))),
                row("grace period expired -> Release with a Warning DropAbandoned naming what was left",
                        given().deletionUnreachableFor(ofMinutes(5).plusSeconds(1)),
                        releases().events("Warning DropAbandoned").then(o -> assertThat(o.events().get(0).message())
                                .contains("gave up cleaning up public.t_idx after 5m (connection refused)"))),
                row("engine: Retain, never built anything -> the finalizer goes without the database",
                        given().cleanupWithoutDatabase(ofMinutes(1)),
                        recorded().then(o -> assertThat(o.released()).isTrue())),
                row("engine: an invalid spec -> nothing can have been built: the finalizer goes",
                        given().deletePolicy().spec(s -> s.setColumns(List.of())).cleanupWithoutDatabase(ofMinutes(1)),
                        recorded().then(o -> assertThat(o.released()).isTrue())),
                row("engine: Retain, status shows our index, Secret gone -> Deleting DatabaseUnreachable within the grace",
                        given().wasReady().cleanupWithoutDatabase(ofMinutes(1)),
                        recorded().phase(Deleting, Reason.DatabaseUnreachable)
                                .says("cannot clean up yet (Secret default/db-app not found)")
                                .then(o -> {
                                    assertThat(o.released()).isFalse();
                                    assertThat(o.after()).isBetween(ofSeconds(1), ofSeconds(10));
                                })),
                row("engine: Delete, Secret gone past the grace period -> released with DropAbandoned",
                        given().deletePolicy().cleanupWithoutDatabase(ofMinutes(6)),
                        recorded().events("Warning DropAbandoned").then(o -> assertThat(o.released()).isTrue())));
    }

    // -------------------------------------------------------------------------------------- job in flight

    static Stream<Row> jobInFlight() {
        return Stream.of(
                row("our build job runs, the database not asked -> Building Building, polled",
                        given().wasBuilding().launched().jobInFlight(BUILD, null),
                        waits(Building, Reason.Building).after(POLL).says("building public.t_idx concurrently (backend 4242, running for ")),
                row("our REINDEX job runs -> Building Rebuilding",
                        given().wasBuilding().launched("Reindex", "t_idx").jobInFlight(REINDEX, Observation.Watch.NONE),
                        waits(Building, Reason.Rebuilding).after(POLL).says("rebuilding public.t_idx concurrently")),
                row("our DROP job of a leftover runs -> Building CleaningUp",
                        given().wasBuilding().launched("Drop", "t_idx").jobInFlight(DROP, Observation.Watch.NONE),
                        waits(Building, Reason.CleaningUp).after(POLL).says("dropping the invalid leftover public.t_idx concurrently")),
                row("our build waits for an old transaction -> WaitingForTransactions, the blocker named",
                        given().wasBuilding().launched().jobInFlight(BUILD, blockedBy("virtualxid")),
                        waits(Building, Reason.WaitingForTransactions).after(POLL).says("; waiting for pid 7001")
                                .status(s -> assertThat(s.getBlockers()).hasSize(1))),
                row("our build job's blocker's query is hidden -> blockedBy names the missing grant and our role",
                        given().wasBuilding().launched().jobInFlight(BUILD, new Observation.Watch(BUILDER_PID,
                                Optional.empty(), List.of(blocker(7001, "virtualxid", Blocker.HIDDEN)), Optional.empty())),
                        waits(Building, Reason.WaitingForTransactions).after(POLL).status(s -> assertThat(s.getBlockedBy())
                                .endsWith("[grant pg_read_all_stats to the operator's role pgindex_operator to see "
                                        + "other sessions' queries]"))),
                row("our build waits for its first lock -> WaitingForLock",
                        given().wasBuilding().launched().jobInFlight(BUILD, blockedBy("relation")),
                        waits(Building, Reason.WaitingForLock).after(POLL)),
                row("our build blocked for 3m (threshold 2m) -> one BuildBlocked Warning",
                        given().wasBuilding().launched().blockedSince(ofMinutes(3)).jobInFlight(BUILD, blockedBy("virtualxid")),
                        waits(Building, Reason.WaitingForTransactions).after(POLL).events("Warning BuildBlocked")
                                .status(s -> assertThat(s.getBuild().getBlockedWarningSent()).isTrue())),
                row("our build blocked for 3m, BuildBlocked already sent -> no second event",
                        given().wasBuilding().launched().blockedSince(ofMinutes(3))
                                .status(s -> s.getBuild().setBlockedWarningSent(true)).jobInFlight(BUILD, blockedBy("virtualxid")),
                        waits(Building, Reason.WaitingForTransactions).after(POLL)),
                row("our build blocked for exactly the threshold (2m) -> the Warning is raised",
                        given().wasBuilding().launched().blockedSince(ofMinutes(2)).jobInFlight(BUILD, blockedBy("relation")),
                        waits(Building, Reason.WaitingForLock).after(POLL).events("Warning BuildBlocked")),
                row("our build's watch shows the index being built -> its OID pinned in status.build, progress shown",
                        given().wasBuilding().launched().jobInFlight(BUILD, progress("index validation: sorting tuples", 1, 2)),
                        waits(Building, Reason.Building).after(POLL).status(s -> {
                            assertThat(s.getBuild().getIndexOid()).isEqualTo(INDEX_OID);
                            assertThat(s.getProgress().getPercent()).isEqualTo(65);
                        })),
                row("a REINDEX's watch does not pin an OID (the index keeps its own)",
                        given().wasBuilding().launched("Reindex", "t_idx").jobInFlight(REINDEX, progress("building index", 1, 2)),
                        waits(Building, Reason.Rebuilding).after(POLL)
                                .status(s -> assertThat(s.getBuild().getIndexOid()).isNull())));
    }

    // ---------------------------------------------------------------------------------------- job outcome

    static Stream<Row> jobOutcome() {
        return Stream.of(
                row("our build succeeded -> lastError cleared, finish and duration recorded, the catalog decides next",
                        given().wasBuilding().launched().attempts(2).lastError(ErrorKind.Cancelled, ofMinutes(1), 1)
                                .jobEnded(BUILD, succeeded()),
                        recorded().status(s -> {
                                    assertThat(s.getBuild().getCatalogChecked()).as("the look after it is to come").isFalse();
                                    assertThat(s.getLastError()).isNull();
                                    assertThat(s.getBuild().getFinishedAt()).isEqualTo("2026-12-01T11:59:59Z");
                                    assertThat(s.getBuild().getDurationSeconds()).isEqualTo(89.0);
                                    assertThat(s.getAttempts()).isEqualTo(2);
                                    assertThat(s.getPhase()).as("not trusted: the phase waits for the catalog").isEqualTo(Building);
                                })),
                row("our REINDEX succeeded -> rebuiltToken set, Normal Rebuilding 'finished in 89s'",
                        given().wasBuilding().rebuild("r1").launched("Reindex", "t_idx").lastError(ErrorKind.Cancelled, ofMinutes(1), 1)
                                .jobEnded(REINDEX, succeeded()),
                        recorded().events("Normal Rebuilding").then(o -> assertThat(o.events().get(0).message())
                                .isEqualTo("REINDEX INDEX CONCURRENTLY public.t_idx finished in 89s")).status(s -> {
                                    assertThat(s.getRebuiltToken()).isEqualTo("r1");
                                    assertThat(s.getLastError()).isNull();
                                    assertThat(s.getBuild().getCatalogChecked()).as("the mark moved with it").isTrue();
                                })),
                row("our build failed (Cancelled, 57014) -> lastError transient, a Warning with the SQLSTATE, retried",
                        given().wasBuilding().launched().jobEnded(BUILD, failed(failure(ErrorKind.Cancelled))),
                        recorded().events("Warning Cancelled").then(o -> {
                            assertThat(o.events().get(0).message()).isEqualTo("CREATE INDEX CONCURRENTLY public.t_idx "
                                    + "failed (SQLSTATE 57014): Cancelled happened; it will be cleaned up and retried");
                        }).status(s -> {
                            assertThat(s.getBuild().getCatalogChecked()).as("its leftover may be ours").isFalse();
                            assertThat(s.getLastError().getReason()).isEqualTo(Reason.Cancelled);
                            assertThat(s.getLastError().getSqlState()).isEqualTo("57014");
                            assertThat(s.getLastError().getTransientError()).isTrue();
                            assertThat(s.getLastError().getOccurrences()).isEqualTo(1);
                            assertThat(s.getLastError().getTime()).isEqualTo("2026-12-01T11:59:59Z");
                        })),
                row("our build found duplicates (23505) -> Warning UniqueViolation, not retried at once",
                        given().wasBuilding().launched().jobEnded(BUILD, failed(UNIQUE)),
                        recorded().events("Warning UniqueViolation").then(o -> assertThat(o.events().get(0).message())
                                .contains("(SQLSTATE 23505)").contains("is duplicated").doesNotContain("retried"))
                                .status(s -> assertThat(s.getLastError().getTransientError()).isFalse())),
                row("the same failure again -> occurrences counts up",
                        given().wasBuilding().launched().lastError(ErrorKind.Cancelled, ofMinutes(1), 2)
                                .jobEnded(BUILD, failed(failure(ErrorKind.Cancelled))),
                        recorded().events("Warning Cancelled").status(s -> assertThat(s.getLastError().getOccurrences()).isEqualTo(3))),
                row("our build hit its buildDeadline (57014 statement timeout) -> Warning BuildDeadlineExceeded",
                        given().wasBuilding().launched().jobEnded(BUILD, failed(new SqlErrors.Failure(
                                ErrorKind.BuildDeadlineExceeded, "57014", "canceling statement due to statement timeout"))),
                        recorded().events("Warning BuildDeadlineExceeded")),
                row("our build failed because the name was taken (42P07) -> nameTaken: what holds it is not ours",
                        given().wasBuilding().launched().jobEnded(BUILD, failed(failure(ErrorKind.NameConflict))),
                        recorded().events("Warning NameConflict")
                                .status(s -> assertThat(s.getBuild().getCatalogChecked()).as("window closed").isTrue())),
                row("a lost connection has no SQLSTATE -> the Warning shows none",
                        given().wasBuilding().launched().jobEnded(BUILD, failed(failure(ErrorKind.ConnectionLost))),
                        recorded().events("Warning ConnectionLost")
                                .then(o -> assertThat(o.events().get(0).message()).doesNotContain("SQLSTATE"))),
                row("our REINDEX failed -> its crash window stays open: the next look may drop its leftovers",
                        given().wasBuilding().rebuild("r1").launched("Reindex", "t_idx")
                                .jobEnded(REINDEX, failed(failure(ErrorKind.Cancelled))),
                        recorded().events("Warning Cancelled").then(o -> {
                            assertThat(o.events().get(0).message()).startsWith("REINDEX INDEX CONCURRENTLY public.t_idx failed");
                        }).status(s -> {
                            assertThat(s.getRebuiltToken()).isNull();
                            assertThat(s.getBuild().getCatalogChecked()).as("its leftovers may be ours").isFalse();
                        })),
                row("a DROP of a leftover failed -> its Warning names the index it belongs to",
                        given().wasBuilding().launched("Drop", "t_idx").jobEnded(DROP, failed(LOCK_TIMEOUT)),
                        recorded().events("Warning LockTimeout").then(o -> assertThat(o.events().get(0).message())
                                .startsWith("DROP INDEX CONCURRENTLY (leftover of) public.t_idx failed (SQLSTATE 55P03)"))),
                row("a DROP of a leftover succeeded -> lastError kept for the retry gate of the next build",
                        given().wasBuilding().launched("Drop", "t_idx").attempts(1).lastError(ErrorKind.UniqueViolation, ofMinutes(1), 1)
                                .jobEnded(DROP, succeeded()),
                        recorded().status(s -> assertThat(s.getLastError().getReason()).isEqualTo(Reason.UniqueViolation))),
                row("a job of another backend than status.build records -> its finish is not written into status.build",
                        given().wasBuilding().launched().status(s -> s.getBuild().setBuilderPid(1111)).jobEnded(BUILD, succeeded()),
                        recorded().status(s -> assertThat(s.getBuild().getFinishedAt()).isNull())),
                row("a job's end clears the blockers it had",
                        given().wasBuilding().launched().blockedSince(ofMinutes(1)).status(s -> s.setBlockedBy("pid 7001"))
                                .jobEnded(BUILD, failed(failure(ErrorKind.Cancelled))),
                        recorded().events("Warning Cancelled").status(s -> {
                            assertThat(s.getBlockedBy()).isNull();
                            assertThat(s.getBlockedSince()).isNull();
                        })));
    }

    // ------------------------------------------------------------------------------ database unreachable

    static Stream<Row> unreachable() {
        List<Row> rows = new ArrayList<>(List.of(
                row("database unreachable (transient), never Ready -> Pending DatabaseUnreachable, retried in 10s",
                        given().unreachable(failure(ErrorKind.ConnectionLost)),
                        waits(Pending, Reason.DatabaseUnreachable).after(ofSeconds(10))
                                .says("cannot reach the database: ConnectionLost happened; retrying in 10s").status(s -> {
                                    assertThat(s.getLastError().getReason()).isEqualTo(Reason.ConnectionLost);
                                    assertThat(s.getLastError().getTransientError()).isTrue();
                                    assertThat(s.getNextAttemptAt()).isEqualTo("2026-12-01T12:00:10Z");
                                })),
                row("unreachable for the 3rd time in a row -> the backoff doubled twice (40s)",
                        given().wasBuilding().lastError(ErrorKind.ConnectionLost, ofSeconds(20), 2).unreachable(failure(ErrorKind.ConnectionLost)),
                        waits(Pending, Reason.DatabaseUnreachable).after(ofSeconds(40))),
                row("a Ready index, unchanged spec, database unreachable -> stays Ready (conditions untouched), backoff",
                        given().wasReady().unreachable(failure(ErrorKind.ConnectionLost)),
                        waits(Ready, Reason.IndexReady).after(ofSeconds(10)).status(s -> {
                            PostgresIndexStatus before = given().wasReady().status;
                            assertThat(s.getConditions()).usingRecursiveComparison().isEqualTo(before.getConditions());
                            assertThat(s.getNextAttemptAt()).isEqualTo("2026-12-01T12:00:10Z");
                        })),
                row("a Ready index whose spec was edited, database unreachable -> Reconciling DatabaseUnreachable, new generation",
                        given().wasReadyForAnOlderSpec().unreachable(failure(ErrorKind.ServerShutdown)),
                        waits(Pending, Reason.DatabaseUnreachable).after(ofSeconds(10))
                                .status(s -> assertThat(Conditions.observedGeneration(s)).isEqualTo(2))),
                row("a Stalled index, database unreachable -> Reconciling DatabaseUnreachable",
                        given().wasStalled(Reason.TableNotFound).unreachable(failure(ErrorKind.ConnectionLost)),
                        waits(Pending, Reason.DatabaseUnreachable).after(ofSeconds(10))),
                row("a Ready index, unchanged spec, a permanent refusal (password rejected) -> Stalled AuthenticationFailed",
                        given().wasReady().unreachable(failure(ErrorKind.AuthenticationFailed)),
                        stalls(Reason.AuthenticationFailed).after(PERMANENT).events("Warning AuthenticationFailed"))));
        for (ErrorKind kind : ErrorKind.values()) {
            Reason reason = Reasons.of(kind);
            rows.add(kind.isTransient()
                    ? row("database read fails with " + kind + " (transient) -> Pending DatabaseUnreachable, lastError "
                            + kind, given().unreachable(failure(kind)),
                            waits(Pending, Reason.DatabaseUnreachable).after(ofSeconds(10))
                                    .status(s -> assertThat(s.getLastError().getReason()).isEqualTo(Reasons.of(kind))))
                    : row("database read fails with " + kind + " (permanent) -> Stalled " + reason
                            + " on the permanent backoff", given().unreachable(failure(kind)),
                            stalls(reason).after(PERMANENT).events("Warning " + reason)));
        }
        return rows.stream();
    }

    // ------------------------------------------------------------ the engine where it needs no database

    static Stream<Row> engineWithoutDatabase() {
        return Stream.of(
                row("engine: the Secret is missing -> Stalled SecretNotFound, re-checked on the permanent backoff",
                        given().reconcileWithoutDatabase(Reason.SecretNotFound, "Secret default/db-app not found"),
                        recorded().phase(Stalled, Reason.SecretNotFound).after(PERMANENT).events("Warning SecretNotFound")
                                .says("Secret default/db-app not found").status(s -> {
                                    assertThat(s.getObservedGeneration()).isEqualTo(2);
                                    assertThat(s.getLastError().getReason()).isEqualTo(Reason.SecretNotFound);
                                    assertThat(s.getSpecHash()).isEqualTo(given().def().hash());
                                })),
                row("engine: the Secret lacks a key -> Stalled SecretInvalid",
                        given().reconcileWithoutDatabase(Reason.SecretInvalid, "Secret default/db-app lacks key password"),
                        recorded().phase(Stalled, Reason.SecretInvalid).after(PERMANENT).events("Warning SecretInvalid")),
                row("engine: the Secret still missing, same generation -> no second Warning, re-check doubled (2m)",
                        given().wasStalled(Reason.SecretNotFound).status(s -> s.setObservedGeneration(2L))
                                .lastErrorNamed("SecretNotFound", false, ofMinutes(1))
                                .reconcileWithoutDatabase(Reason.SecretNotFound, "Secret default/db-app not found"),
                        recorded().phase(Stalled, Reason.SecretNotFound).after(ofMinutes(2))
                                .status(s -> assertThat(s.getLastError().getOccurrences()).isEqualTo(2))),
                row("engine: a new generation forgets the old one's attempts, failure and retry time",
                        given().status(s -> s.setObservedGeneration(1L)).attempts(4).lastErrorNamed("SecretNotFound", false, ofMinutes(1))
                                .status(s -> s.setNextAttemptAt("2026-12-01T12:30:00Z"))
                                .reconcileWithoutDatabase(Reason.SecretNotFound, "Secret default/db-app not found"),
                        recorded().phase(Stalled, Reason.SecretNotFound).after(PERMANENT).events("Warning SecretNotFound")
                                .status(s -> {
                                    assertThat(s.getAttempts()).isNull();
                                    assertThat(s.getLastError().getOccurrences()).isEqualTo(1);
                                })),
                row("engine: a new resource (observedGeneration -1) -> observedGeneration follows its first conditions",
                        given().status(s -> s.setObservedGeneration(-1L))
                                .reconcileWithoutDatabase(Reason.SecretNotFound, "Secret default/db-app not found"),
                        recorded().phase(Stalled, Reason.SecretNotFound).events("Warning SecretNotFound")
                                .status(s -> assertThat(s.getObservedGeneration()).isEqualTo(2))),
                row("engine: a key column listed twice -> Stalled InvalidSpec, nothing sent, no re-check",
                        given().spec(s -> s.setColumns(List.of(IndexColumn.named("a"), IndexColumn.named("a"))))
                                .reconcileWithoutDatabase(Reason.SecretNotFound, "unused"),
                        recorded().phase(Stalled, Reason.InvalidSpec).noRecheck().events("Warning InvalidSpec")
                                .says("invalid spec: columns[1] repeats column a: a key column may appear once")),
                row("engine: a system schema -> Stalled InvalidSpec",
                        given().spec(s -> s.setSchema("pg_catalog")).reconcileWithoutDatabase(Reason.SecretNotFound, "unused"),
                        recorded().phase(Stalled, Reason.InvalidSpec).noRecheck().events("Warning InvalidSpec")
                                .says("invalid spec: schema pg_catalog is a system schema")),
                row("engine: a buildDeadline that is no duration -> Stalled InvalidSpec",
                        given().spec(s -> s.setBuildDeadline("soon")).reconcileWithoutDatabase(Reason.SecretNotFound, "unused"),
                        recorded().phase(Stalled, Reason.InvalidSpec).noRecheck().events("Warning InvalidSpec")
                                .says("'soon' is not a duration such as 30m or 1h30m")));
    }

    // ----------------------------------------------------------------------------------------- the tables

    @ParameterizedTest(name = "{0}")
    @MethodSource("guardsAndAbsentIndex")
    void guardsAndAbsentIndex(Row row) {
        check(row);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("retryGate")
    void retryGate(Row row) {
        check(row);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("noSlotFree")
    void noSlotFree(Row row) {
        check(row);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jobIntent")
    void jobIntent(Row row) {
        check(row);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("existingIndex")
    void existingIndex(Row row) {
        check(row);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("adoptionAndReady")
    void adoptionAndReady(Row row) {
        check(row);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rebuild")
    void rebuild(Row row) {
        check(row);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("constraints")
    void constraints(Row row) {
        check(row);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("partitions")
    void partitions(Row row) {
        check(row);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deletion")
    void deletion(Row row) {
        check(row);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jobInFlight")
    void jobInFlight(Row row) {
        check(row);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jobOutcome")
    void jobOutcome(Row row) {
        check(row);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unreachable")
    void unreachable(Row row) {
        check(row);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engineWithoutDatabase")
    void engineWithoutDatabase(Row row) {
        check(row);
    }

    static Stream<Row> allRows() {
        return Stream.of(guardsAndAbsentIndex(), retryGate(), jobIntent(), noSlotFree(), existingIndex(), adoptionAndReady(),
                rebuild(), constraints(), partitions(), deletion(), jobInFlight(), jobOutcome(), unreachable(),
                engineWithoutDatabase(), WindowGateDecisionTest.rows(), PoolerGateDecisionTest.rows(), BlockingSessionsDecisionTest.rows(),
                ReplicaLagGateDecisionTest.rows(), AnalyzeDecisionTest.rows(), HealthDecisionTest.rows(),
                VerificationDecisionTest.rows(), BloatDecisionTest.rows())
                .flatMap(s -> s);
    }

    // ------------------------------------------------------------------ promises the table found broken
    // Rows that first showed the engine breaking a promise of README.md (an adopted index rebuilt without its
    // adopted flag, partition indexes left behind by a deletion, permanent failures spending the retry budget);
    // kept as their own tests, now that the engine keeps them.

    static final Row ADOPTED_THEN_REBUILT = row("a new resource adopts an index and spec.rebuild is set: the REINDEX "
            + "keeps adopted=true in the mark (an adopted index is never dropped)",
            // the pass before this one marked the person's index adopted=true (AdoptionStep); status.index is not
            // recorded yet, because RebuildStep decides before ConstraintStep/ReadyStep record it
            given().rebuild("r1").index(Idx.valid().marked(Mark.OURS_ADOPTED)),
            startsJob(REINDEX, SQL_REINDEX).job(p -> assertThat(p.followUp()).isEqualTo(comment("t_idx", true))));

    static final Row ADOPTED_REBUILT_AFTER_STATUS_LOSS = row("a rebuild of an adopted index whose status was lost "
            + "(restored without status) keeps adopted=true in the mark",
            given().wasBuilding().rebuild("r1").index(Idx.valid().marked(Mark.OURS_ADOPTED)),
            startsJob(REINDEX, SQL_REINDEX).job(p -> assertThat(p.followUp()).isEqualTo(comment("t_idx", true))));

    static final Row PARTITION_LEFTOVER_ON_DELETE = row("deleting mid-build of a partitioned index (Retain): the INVALID "
            + "leftover of the cancelled leaf build, never attached, is dropped too",
            given().deleting().wasBuilding().launched("Build", "t_idx_t_p2")
                    .partitionedTable(Node.leaf("t_p1", 201).done(),
                            Node.leaf("t_p2", 202).with(Idx.child("t_p2", 202).notValid()).same())
                    .index(Idx.invalid().relkind('I').marked(Mark.OURS)),
            shortLock("DROP INDEX IF EXISTS \"public\".\"t_idx_t_p2\"", "DROP INDEX IF EXISTS \"public\".\"t_idx\"")
                    .onSuccess("Normal IndexDropped")
                    .onFailure(LOCK_TIMEOUT, Decision.Wait.class, Deleting, Reason.Deleting, POLL.multipliedBy(4))
                    .onFailure(failure(ErrorKind.InsufficientPrivilege), Decision.Wait.class, Deleting, Reason.Deleting,
                            POLL.multipliedBy(4)));

    static final Row PARTITION_UNATTACHED_ON_DELETE = row("deleting mid-build of a partitioned index (Delete): a leaf "
            + "index this resource built but had not attached yet is dropped too",
            given().deleting().deletePolicy().wasBuilding()
                    .partitionedTable(Node.leaf("t_p1", 201).ours(), Node.leaf("t_p2", 202))
                    .index(Idx.invalid().relkind('I').marked(Mark.OURS)),
            shortLock("DROP INDEX IF EXISTS \"public\".\"t_idx_t_p1\"", "DROP INDEX IF EXISTS \"public\".\"t_idx\"")
                    .onSuccess("Normal IndexDropped")
                    .onFailure(LOCK_TIMEOUT, Decision.Wait.class, Deleting, Reason.Deleting, POLL.multipliedBy(4))
                    .onFailure(failure(ErrorKind.InsufficientPrivilege), Decision.Wait.class, Deleting, Reason.Deleting,
                            POLL.multipliedBy(4)));

    @Test
    void adoptedIndexRebuiltOnTheFirstReconcileStaysAdopted() {
        check(ADOPTED_THEN_REBUILT);
    }

    @Test
    void adoptedIndexRebuiltAfterStatusLossStaysAdopted() {
        check(ADOPTED_REBUILT_AFTER_STATUS_LOSS);
    }

    @Test
    void partitionLeftoverIsDroppedOnDelete() {
        check(PARTITION_LEFTOVER_ON_DELETE);
    }

    @Test
    void unattachedPartitionIndexIsDroppedOnDelete() {
        check(PARTITION_UNATTACHED_ON_DELETE);
    }

    /**
     * README (Retries): transient failures count, permanent ones "never exhaust the budget". An episode whose first
     * four builds found duplicates (23505, permanent) and whose fifth, once the duplicates were gone, was cancelled
     * once (transient) has failed transiently once: it is retried, not Stalled.
     */
    @Test
    void permanentFailuresDoNotSpendTheBudgetOfALaterTransientOne() {
        PostgresIndexStatus st = given().wasBuilding().status;
        for (int build = 1; build <= 5; build++) {
            DecisionTableSupport.Given g = given().at(NOW.plus(ofMinutes(60L * build)));
            g.status = st;
            DecisionContext ctx = g.context();
            Decision d = Steps.decide(ctx);
            assertThat(d).as("build %d is started", build).isInstanceOf(Decision.StartJob.class);
            ((Decision.StartJob) d).job().kind().recordIntent(ctx, ((Decision.StartJob) d).job(), 77, g.now);
            g.status = d.status();
            SqlErrors.Failure f = build < 5 ? UNIQUE : failure(ErrorKind.Cancelled);
            g.jobEnded(BUILD, new IndexBuilder.Result(false, f, g.now.plusSeconds(1)));
            st = g.run().status();
        }
        DecisionTableSupport.Given after = given().at(NOW.plus(ofMinutes(301)));
        after.status = st;
        assertThat(Steps.decide(after.context())).as("one transient failure of a budget of 3 retries")
                .isInstanceOf(Decision.StartJob.class);
    }

    // -------------------------------------------------------------------------------------------- checking

    /** Runs one row and checks it; returns what it produced. */
    static Outcome check(Row row) {
        DecisionTableSupport.Given g = row.given();
        Expect e = row.expect();
        PostgresIndexStatus statusBefore = StatusCopies.copy(g.status);
        String specBefore = json(g.spec);

        Outcome o = g.run();

        assertThat(StatusCopies.same(g.status, statusBefore)).as("the status given to the decision is not modified")
                .isTrue();
        assertThat(json(g.spec)).as("the spec is not modified").isEqualTo(specBefore);
        if (e.type == null) {
            assertThat(o.decision()).as("no decision").isNull();
        } else {
            assertThat(o.decision()).as("decision").isInstanceOf(e.type);
        }
        if (e.phase != null) {
            assertThat(o.status().getPhase()).as("phase").isEqualTo(e.phase);
            String trueOne = trueCondition(e.phase);
            for (String type : List.of(ConditionType.READY, ConditionType.RECONCILING, ConditionType.STALLED)) {
                Condition c = cond(o.status(), type);
                assertThat(c.getStatus()).as("%s status", type)
                        .isEqualTo(type.equals(trueOne) ? Conditions.TRUE : Conditions.FALSE);
                assertThat(c.getReason()).as("%s reason", type).isEqualTo(e.reason.name());
            }
        }
        if (!e.says.isEmpty()) {
            String message = cond(o.status(), trueCondition(o.status().getPhase())).getMessage();
            for (String fragment : e.says) {
                assertThat(message).as("condition message").contains(fragment);
            }
        }
        if (e.afterChecked) {
            assertThat(o.after()).as("requeue / re-check / resync").isEqualTo(e.after);
        }
        assertThat(o.events().stream().map(DecisionTableSupport::describe).toList()).as("events")
                .isEqualTo(e.events);
        if (e.jobKind != null) {
            JobPlan p = ((Decision.StartJob) o.decision()).job();
            assertThat(DecisionTableSupport.Kind.of(p.kind())).as("job kind").isEqualTo(e.jobKind);
            assertThat(p.sql()).as("job sql").isEqualTo(e.jobSql);
            if (e.jobTarget != null) {
                assertThat(p.target()).as("job target").isEqualTo(e.jobTarget);
            }
            if (e.countAttempt != null) {
                assertThat(p.kind().countsAttempt()).as("counts against retryLimit").isEqualTo(e.countAttempt);
            }
        }
        if (e.statements != null) {
            assertThat(((Decision.ShortLockDdl) o.decision()).statements()).as("short-lock DDL").isEqualTo(e.statements);
        }
        if (e.onSuccess != null) {
            assertThat(((Decision.ShortLockDdl) o.decision()).onSuccess().stream().map(DecisionTableSupport::describe)
                    .toList()).as("events once the DDL committed").isEqualTo(e.onSuccess);
        }
        if (e.markChecked) {
            assertThat(((Decision.Mark) o.decision()).comment()).as("comment").isEqualTo(e.markComment);
        }
        if (e.markedIndex != null) {
            assertThat(((Decision.Mark) o.decision()).index()).as("commented index").isEqualTo(e.markedIndex);
        }
        if (o.decision() instanceof Decision.ShortLockDdl) {
            assertThat(e.onFailure).as("a short-lock DDL row says what a transient and a permanent failure lead to")
                    .anyMatch(f -> f.failure().isTransient()).anyMatch(f -> !f.failure().isTransient());
        }
        for (Expect.FailureExpect f : e.onFailure) {
            Decision failed = ((Decision.ShortLockDdl) g.run().decision()).onFailure().apply(f.failure());
            String what = "after " + f.failure().kind() + ": ";
            assertThat(failed).as(what + "decision").isInstanceOf(f.type());
            assertThat(failed.status().getPhase()).as(what + "phase").isEqualTo(f.phase());
            assertThat(cond(failed.status(), trueCondition(f.phase())).getReason()).as(what + "reason")
                    .isEqualTo(f.reason().name());
            assertThat(Outcome.of(failed).after()).as(what + "retry").isEqualTo(f.after());
        }
        e.checks.forEach(c -> c.accept(o));
        if (g.deterministic) {
            Outcome again = g.run();
            assertThat(StatusCopies.same(again.status(), o.status())).as("the same inputs decide the same status").isTrue();
            assertThat(again.events()).as("the same inputs raise the same events").isEqualTo(o.events());
        }
        return o;
    }

    static String json(Object o) {
        try {
            return DecisionTableSupport.JSON.writeValueAsString(o);
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
    }

    // ------------------------------------------------------------------------------ completeness of the table

    /** Every reason a row's outcome carries: conditions, events, the job's, a short-lock DDL's either way, lastError. */
    static Set<Reason> reasonsOf(Row row) {
        Set<Reason> out = EnumSet.noneOf(Reason.class);
        Outcome o = row.given().run();
        addReasons(out, o.status(), o.events());
        if (o.decision() instanceof Decision.StartJob j) {
            out.add(j.job().reason());
        }
        if (o.decision() instanceof Decision.EndSessions e) {
            e.targets().forEach(t -> out.add(t.done().reason()));
        }
        if (o.decision() instanceof Decision.ShortLockDdl q) {
            q.onSuccess().forEach(ev -> out.add(ev.reason()));
            for (SqlErrors.Failure f : List.of(LOCK_TIMEOUT, UNIQUE)) {
                Decision d = ((Decision.ShortLockDdl) row.given().run().decision()).onFailure().apply(f);
                addReasons(out, d.status(), d.events());
            }
        }
        return out;
    }

    static void addReasons(Set<Reason> out, PostgresIndexStatus st, List<Decision.Event> events) {
        if (st.getConditions() != null) {
            st.getConditions().forEach(c -> out.add(Reason.valueOf(c.getReason())));
        }
        if (st.getLastError() != null) {
            Optional.ofNullable(st.getLastError().getReason()).ifPresent(out::add);
        }
        events.forEach(ev -> out.add(ev.reason()));
    }

    /**
     * Reasons named anywhere in the engine's layers (controller/, engine/, decide/ and its steps).
     */
    /** The PostgresConstraint's deciding code (its own package, draft, engine loop and controller). */
    static boolean constraintCode(Path f) {
        String n = f.toString().replace('\\', '/');
        return n.contains("/constraint/") || n.endsWith("/ConstraintEngine.java") || n.endsWith("/ConstraintDraft.java");
    }

    /** Every reason the files name (Reason.X). */
    static Set<Reason> reasonsIn(List<Path> files) throws IOException {
        Set<Reason> used = EnumSet.noneOf(Reason.class);
        Pattern p = Pattern.compile("\\bReason\\.([A-Z][A-Za-z]+)"); // not SetReason (a PostgresIndexSet's)
        for (Path f : files) {
            Matcher m = p.matcher(Files.readString(f));
            while (m.find()) {
                used.add(Reason.valueOf(m.group(1)));
            }
        }
        return used;
    }

    /** The engine's sources: controller/, engine/ and decide/. */
    static List<Path> decidingCode() throws IOException {
        List<Path> files = new java.util.ArrayList<>();
        for (String layer : List.of("controller", "engine", "decide")) {
            try (Stream<Path> all = Files.walk(Path.of("src/main/java/dev/pgindex/operator", layer))) {
                files.addAll(all.filter(f -> f.toString().endsWith(".java")).toList());
            }
        }
        assertThat(files).as("the engine's sources (run from the project directory)").isNotEmpty();
        return files;
    }

    /** The reasons a PostgresIndex's deciding code names (a PostgresConstraint's are ConstraintPlanTest's). */
    static Set<Reason> reasonsInTheDecidingCode() throws IOException {
        return reasonsIn(decidingCode().stream().filter(f -> !constraintCode(f)).toList());
    }

    static final Set<Reason> NOT_DECIDED = EnumSet.noneOf(Reason.class);

    @Test
    void everyReasonTheStepsUseIsReachedByARow() throws IOException {
        Set<Reason> reached = EnumSet.noneOf(Reason.class);
        List<Row> rows = allRows().toList();
        rows.forEach(r -> reached.addAll(reasonsOf(r)));
        Set<Reason> unreached = EnumSet.allOf(Reason.class);
        unreached.removeAll(reached);
        unreached.removeAll(ConstraintPlanTest.reasonsInTheConstraintCode()); // reached by ConstraintPlanTest
        System.out.printf("decision table: %d rows reach %d of %d reasons: %s%nnot reached: %s%n", rows.size(),
                reached.size(), Reason.values().length, new TreeSet<>(reached.stream().map(Enum::name).toList()),
                unreached);

        Set<Reason> used = reasonsInTheDecidingCode();
        assertThat(reached).as("every reason the deciding code names is reached by a row").containsAll(used);
        assertThat(unreached).as("only the reasons no decision produces are left").isEqualTo(NOT_DECIDED);
        assertThat(rows).extracting(Row::name).doesNotHaveDuplicates();
    }

    @Test
    void everyPhaseTransitionIsARow() {
        Set<String> transitions = new TreeSet<>();
        for (Row r : allRows().toList()) {
            Outcome o = r.given().run();
            Phase from = r.given().status.getPhase();
            transitions.add((from == null ? "new" : from.name()) + "->" + o.status().getPhase());
        }
        System.out.println("phase transitions in the table: " + transitions);
        List<String> phases = List.of("Pending", "Building", "Ready", "Stalled");
        List<String> all = new ArrayList<>();
        for (String from : phases) {
            for (String to : phases) {
                all.add(from + "->" + to);
            }
            all.add(from + "->Deleting");
            all.add("new->" + from);
        }
        all.addAll(List.of("new->Deleting", "Deleting->Deleting"));
        assertThat(transitions).as("every transition between phases that the engine makes").containsAll(all);
    }
}
