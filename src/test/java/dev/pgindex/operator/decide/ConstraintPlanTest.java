package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.ConstraintStep;
import dev.pgindex.operator.api.v1alpha1.PostgresConstraintSpec;
import dev.pgindex.operator.api.v1alpha1.PostgresConstraintStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.api.v1alpha1.ReclaimPolicy;
import dev.pgindex.operator.api.v1alpha1.ViolationsInfo;
import dev.pgindex.operator.decide.constraint.ConstraintDecision;
import dev.pgindex.operator.decide.constraint.ConstraintDeletion;
import dev.pgindex.operator.decide.constraint.ConstraintInput;
import dev.pgindex.operator.decide.constraint.ConstraintLook;
import dev.pgindex.operator.decide.constraint.ConstraintPlan;
import dev.pgindex.operator.postgres.Catalog;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.postgres.ConstraintObservation;
import dev.pgindex.operator.postgres.ErrorKind;
import dev.pgindex.operator.postgres.OwnershipMark;
import dev.pgindex.operator.postgres.SqlErrors;
import dev.pgindex.operator.spec.ParsedConstraint;
import dev.pgindex.operator.spec.Windows;
import dev.pgindex.operator.support.ConstraintHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decision table of PostgresConstraint: one row per situation (spec, last status, catalog, job of this process,
 * clock) and the one decision it must give, without a database. The real-PostgreSQL suites
 * (ConstraintLifecycleTest, ConstraintVersionMatrixTest) prove the table matches reality.
 */
class ConstraintPlanTest {
    static final Instant NOW = Instant.parse("2026-12-08T03:00:00Z");
    static final String UID = "uid-1";
    static final ConnectionInfo DB = new ConnectionInfo("db", 5432, "shop", "app", "pw", "disable");
    static final Settings S = DecisionTableSupport.SETTINGS;

    static ConstraintInput input(PostgresConstraintSpec spec, PostgresConstraintStatus last, Boolean indexReady) {
        return new ConstraintInput(UID, "shop/c", 1, spec, ParsedConstraint.of(spec, Windows.NONE), null, null, null,
                last, NOW, S, indexReady, DB);
    }

    static PostgresConstraintSpec fk() {
        return ConstraintHarness.foreignKey("orders", "orders_customer_fk", List.of("customer_id"), "customers",
                List.of("id"));
    }

    static PostgresConstraintSpec check() {
        return ConstraintHarness.check("orders", "orders_total_ck", "total >= 0");
    }

    static PostgresConstraintSpec notNull() {
        return ConstraintHarness.notNull("orders", "orders_email_nn", "email");
    }

    static ConstraintObservation obs(int version, Optional<ConstraintObservation.Existing> existing, Boolean notNull,
            String index) {
        return new ConstraintObservation(version, 10L, false, 20L, existing, notNull, null, index, Optional.empty(),
                List.of("id"), null);
    }

    /** A foreign key's table is partitioned, on server {@code version}; nothing added yet. */
    static ConstraintObservation partitioned(int version) {
        return new ConstraintObservation(version, 10L, true, 20L, Optional.empty(), null, null, null,
                Optional.empty(), List.of(), null);
    }

    static ConstraintObservation absent() {
        return obs(170000, Optional.empty(), false, null);
    }

    static Optional<ConstraintObservation.Existing> existing(boolean validated, String owner, boolean adopted,
            String conflict) {
        return Optional.of(new ConstraintObservation.Existing(1, 'c', validated, "CHECK ((total >= 0))"
                + (validated ? "" : " NOT VALID"), owner == null ? Optional.empty()
                : Optional.of(new OwnershipMark(owner, "shop/c", "", adopted)), conflict));
    }

    static PostgresConstraintStatus counted(long count, Instant at) {
        PostgresConstraintStatus s = new PostgresConstraintStatus();
        ViolationsInfo v = new ViolationsInfo();
        v.setCount(count);
        v.setSample(count == 0 ? null : List.of("(7)"));
        v.setCheckedAt(at.toString());
        s.setViolations(v);
        return s;
    }

    record Row(String name, Supplier<ConstraintDecision> decide, Class<?> type, ConstraintStep step,
            String conditionType, Reason reason) {
    }

    static Row row(String name, ConstraintLook look, Optional<ConstraintInput.Job> job, ConstraintObservation o,
            Class<?> type, ConstraintStep step, String conditionType, Reason reason) {
        return new Row(name, () -> look.decide(job, o), type, step, conditionType, reason);
    }

    static final ConstraintInput.Finished PREFLIGHT_CLEAN = new ConstraintInput.Finished(
            ConstraintDecision.ConstraintJob.Kind.PREFLIGHT, null, "{\"count\": 0, \"sample\": null}", NOW);
    static final ConstraintInput.Finished PREFLIGHT_DIRTY = new ConstraintInput.Finished(
            ConstraintDecision.ConstraintJob.Kind.PREFLIGHT, null, "{\"count\": 3, \"sample\": [\"(7)\", \"(8)\"]}",
            NOW);

    static List<Row> rows() {
        PostgresConstraintSpec withIndex = fk();
        withIndex.getForeignKey().setIndex("orders-customer-id");
        PostgresConstraintSpec windowed = check();
        dev.pgindex.operator.api.v1alpha1.BuildSchedule sch = new dev.pgindex.operator.api.v1alpha1.BuildSchedule();
        dev.pgindex.operator.api.v1alpha1.MaintenanceWindow w = new dev.pgindex.operator.api.v1alpha1.MaintenanceWindow();
        w.setStart("12:00");
        w.setDuration("1h");
        w.setTimeZone("Etc/UTC");
        sch.setWindows(List.of(w));
        windowed.setSchedule(sch);
        PostgresConstraintSpec deleting = check();
        deleting.setReclaimPolicy(ReclaimPolicy.Delete);
        Optional<ConstraintInput.Job> none = Optional.empty();
        SqlErrors.Failure down = new SqlErrors.Failure(ErrorKind.ConnectionLost, "08006", "connection refused");
        ConstraintInput badSpec = new ConstraintInput(UID, "shop/c", 1, check(), null, "check.expression may not "
                + "contain ';'", null, null, null, NOW, S, null, DB);
        return List.of(
                new Row("a spec that cannot be parsed: InvalidSpec", () -> new ConstraintPlan(badSpec)
                        .beforeConnecting().orElseThrow(), ConstraintDecision.Wait.class, null,
                        ConditionType.STALLED, Reason.InvalidSpec),
                new Row("database down: retry with backoff", () -> new ConstraintPlan(input(check(), null, null))
                        .unreachable(down), ConstraintDecision.Wait.class, ConstraintStep.Preflight,
                        ConditionType.RECONCILING, Reason.DatabaseUnreachable),
                new Row("deleting, database down past the grace period: let go", () -> new ConstraintDeletion(
                        input(check(), null, null), NOW.minus(Duration.ofHours(1))).unreachable(down),
                        ConstraintDecision.Released.class, null, null, null),
                new Row("deleting, database down: retry", () -> new ConstraintDeletion(input(check(), null, null),
                        NOW).unreachable(down), ConstraintDecision.Wait.class, ConstraintStep.Deleting,
                        ConditionType.RECONCILING, Reason.Deleting),
                row("NOT NULL on a missing column: ColumnNotFound", new ConstraintPlan(input(notNull(), null, null)),
                        none, obs(170000, Optional.empty(), null, null), ConstraintDecision.Wait.class, null,
                        ConditionType.STALLED, Reason.ColumnNotFound),
                row("never counted: count first", new ConstraintPlan(input(check(), null, null)), none, absent(),
                        ConstraintDecision.RunJob.class, ConstraintStep.Preflight, ConditionType.RECONCILING,
                        Reason.CheckingViolations),
                row("count running: say so", new ConstraintPlan(input(check(), null, null)),
                        Optional.of(new ConstraintInput.Running(ConstraintDecision.ConstraintJob.Kind.PREFLIGHT, 42,
                                NOW.minusSeconds(5), null)), absent(), ConstraintDecision.Wait.class,
                        ConstraintStep.Preflight, ConditionType.RECONCILING, Reason.CheckingViolations),
                row("count found none: ADD NOT VALID", new ConstraintPlan(input(check(), null, null)),
                        Optional.of(PREFLIGHT_CLEAN), absent(), ConstraintDecision.ShortLock.class,
                        ConstraintStep.AddNotValid, ConditionType.RECONCILING, Reason.AddingConstraint),
                row("count found some: Stalled until the re-count", new ConstraintPlan(input(check(), null, null)),
                        Optional.of(PREFLIGHT_DIRTY), absent(), ConstraintDecision.Wait.class,
                        ConstraintStep.Preflight, ConditionType.STALLED, Reason.ViolationsFound),
                row("re-count due: count again", new ConstraintPlan(input(check(), counted(3,
                        NOW.minus(Duration.ofMinutes(10))), null)), none, absent(), ConstraintDecision.RunJob.class,
                        ConstraintStep.Preflight, ConditionType.RECONCILING, Reason.CheckingViolations),
                row("foreign key: wait for the named PostgresIndex", new ConstraintPlan(input(withIndex,
                        counted(0, NOW), false)), none, absent(), ConstraintDecision.Wait.class,
                        ConstraintStep.Preflight, ConditionType.RECONCILING, Reason.WaitingForIndex),
                row("NOT VALID and ours: VALIDATE", new ConstraintPlan(input(check(), counted(0, NOW), null)), none,
                        obs(170000, existing(false, UID, false, null), null, null), ConstraintDecision.RunJob.class,
                        ConstraintStep.Validate, ConditionType.RECONCILING, Reason.ValidatingConstraint),
                row("NOT VALID, window closed: wait", new ConstraintPlan(input(windowed, counted(0, NOW), null)), none,
                        obs(170000, existing(false, UID, false, null), null, null), ConstraintDecision.Wait.class,
                        ConstraintStep.Validate, ConditionType.RECONCILING, Reason.WaitingForWindow),
                row("NOT VALID left by someone: adopt (mark)", new ConstraintPlan(input(check(), null, null)), none,
                        obs(170000, existing(false, null, false, null), null, null),
                        ConstraintDecision.Execute.class, null, null, null),
                row("adopted NOT VALID never counted: count", new ConstraintPlan(input(check(), null, null)), none,
                        obs(170000, existing(false, UID, true, null), null, null), ConstraintDecision.RunJob.class,
                        ConstraintStep.Preflight, ConditionType.RECONCILING, Reason.CheckingViolations),
                row("VALIDATE running: say so", new ConstraintPlan(input(check(), counted(0, NOW), null)),
                        Optional.of(new ConstraintInput.Running(ConstraintDecision.ConstraintJob.Kind.VALIDATE, 43,
                                NOW.minusSeconds(30), "pid 7 (idle in transaction)")),
                        obs(170000, existing(false, UID, false, null), null, null), ConstraintDecision.Wait.class,
                        ConstraintStep.Validate, ConditionType.RECONCILING, Reason.ValidatingConstraint),
                row("VALIDATE found violations: Stalled, re-count", new ConstraintPlan(input(check(), counted(0, NOW),
                        null)), Optional.of(new ConstraintInput.Finished(ConstraintDecision.ConstraintJob.Kind.VALIDATE,
                        new SqlErrors.Failure(ErrorKind.ConstraintViolation, "23514", "violated"), null, NOW)),
                        obs(170000, existing(false, UID, false, null), null, null), ConstraintDecision.Wait.class,
                        null, ConditionType.STALLED, Reason.ViolationsFound),
                row("VALIDATE lost its connection: retry", new ConstraintPlan(input(check(), counted(0, NOW), null)),
                        Optional.of(new ConstraintInput.Finished(ConstraintDecision.ConstraintJob.Kind.VALIDATE,
                                new SqlErrors.Failure(ErrorKind.ConnectionLost, "08006", "gone"), null, NOW)),
                        obs(170000, existing(false, UID, false, null), null, null), ConstraintDecision.Wait.class,
                        ConstraintStep.Validate, ConditionType.RECONCILING, Reason.ValidatingConstraint),
                row("valid and ours: Ready", new ConstraintPlan(input(check(), counted(0, NOW), null)), none,
                        obs(170000, existing(true, UID, false, null), null, null), ConstraintDecision.Wait.class,
                        ConstraintStep.Done, ConditionType.READY, Reason.ConstraintValid),
                row("valid and adopted: Ready/Adopted", new ConstraintPlan(input(check(), counted(0, NOW), null)),
                        none, obs(170000, existing(true, UID, true, null), null, null), ConstraintDecision.Wait.class,
                        ConstraintStep.Done, ConditionType.READY, Reason.Adopted),
                row("another definition: DefinitionConflict", new ConstraintPlan(input(check(), null, null)), none,
                        obs(170000, existing(true, null, false, "it differs"), null, null),
                        ConstraintDecision.Wait.class, null, ConditionType.STALLED, Reason.DefinitionConflict),
                row("another owner: OwnedByOther", new ConstraintPlan(input(check(), null, null)), none,
                        obs(170000, existing(true, "uid-2", false, null), null, null), ConstraintDecision.Wait.class,
                        null, ConditionType.STALLED, Reason.OwnedByOther),
                row("table gone: TableNotFound", new ConstraintPlan(input(check(), null, null)), none,
                        new ConstraintObservation(170000, null, false, null, Optional.empty(), null, null, null,
                                Optional.empty(), List.of(), null), ConstraintDecision.Wait.class, null,
                        ConditionType.STALLED, Reason.TableNotFound),
                row("an orphaned statement of ours: wait for it", new ConstraintPlan(input(check(), counted(0, NOW),
                        null)), none, new ConstraintObservation(170000, 10L, false, null,
                        existing(false, UID, false, null), null, null, null, Optional.of(new Catalog.Backend(99,
                        "active", "pgindex-build:" + UID, null, null, "ALTER TABLE")), List.of(), null),
                        ConstraintDecision.Wait.class, null, ConditionType.RECONCILING, Reason.WaitingForBuildSlot),
                row("NOT NULL before 18, helper validated: SET NOT NULL", new ConstraintPlan(input(notNull(),
                        counted(0, NOW), null)), none, obs(170000, Optional.of(new ConstraintObservation.Existing(1,
                        'c', true, "CHECK ((email IS NOT NULL))", Optional.of(new OwnershipMark(UID, "shop/c", "",
                        false)), null)), false, null), ConstraintDecision.ShortLock.class, ConstraintStep.SetNotNull,
                        ConditionType.RECONCILING, Reason.SettingNotNull),
                row("foreign key on a partitioned table before 18: UnsupportedFeature, nothing counted",
                        new ConstraintPlan(input(fk(), null, null)), none, partitioned(170000),
                        ConstraintDecision.Wait.class, null, ConditionType.STALLED, Reason.UnsupportedFeature),
                row("foreign key on a partitioned table on 18: count", new ConstraintPlan(input(fk(), null, null)),
                        none, partitioned(180000), ConstraintDecision.RunJob.class, ConstraintStep.Preflight,
                        ConditionType.RECONCILING, Reason.CheckingViolations),
                row("NOT NULL on 18, NOT VALID under another name: DefinitionConflict, nothing counted",
                        new ConstraintPlan(input(notNull(), null, null)), none, new ConstraintObservation(180000, 10L,
                        false, null, Optional.empty(), false, "orders_email_required", null, Optional.empty(),
                        List.of("id"), null), ConstraintDecision.Wait.class, null, ConditionType.STALLED,
                        Reason.DefinitionConflict),
                row("NOT NULL already there before: Ready/Adopted", new ConstraintPlan(input(notNull(), null, null)),
                        none, obs(170000, Optional.empty(), true, null), ConstraintDecision.Wait.class,
                        ConstraintStep.Done, ConditionType.READY, Reason.Adopted),
                row("delete, Delete policy, ours: DROP", new ConstraintDeletion(input(deleting, null, null), NOW),
                        none, obs(170000, existing(true, UID, false, null), null, null),
                        ConstraintDecision.ShortLock.class, ConstraintStep.Deleting, ConditionType.RECONCILING,
                        Reason.Deleting),
                row("delete, Delete policy, adopted: release the mark only", new ConstraintDeletion(input(deleting,
                        null, null), NOW), none, obs(170000, existing(true, UID, true, null), null, null),
                        ConstraintDecision.Execute.class, ConstraintStep.Deleting, ConditionType.RECONCILING,
                        Reason.Deleting),
                row("delete, Retain: release the mark", new ConstraintDeletion(input(check(), null, null), NOW), none,
                        obs(170000, existing(true, UID, false, null), null, null), ConstraintDecision.Execute.class,
                        ConstraintStep.Deleting, ConditionType.RECONCILING, Reason.Deleting),
                row("delete, not ours: nothing is touched", new ConstraintDeletion(input(deleting, null, null), NOW),
                        none, obs(170000, existing(true, "uid-2", false, null), null, null),
                        ConstraintDecision.Released.class, null, null, null),
                row("delete while VALIDATE runs: cancel it first", new ConstraintDeletion(input(deleting, null, null),
                        NOW), Optional.of(new ConstraintInput.Running(ConstraintDecision.ConstraintJob.Kind.VALIDATE,
                        43, NOW, null)), obs(170000, existing(false, UID, false, null), null, null),
                        ConstraintDecision.Cancel.class, ConstraintStep.Deleting, ConditionType.RECONCILING,
                        Reason.Deleting));
    }

    @Test
    void everyRowGivesItsDecision() {
        List<Row> rows = rows();
        assertThat(rows).hasSizeGreaterThanOrEqualTo(30);
        for (Row r : rows) {
            ConstraintDecision d = r.decide().get();
            assertThat(d).as(r.name()).isInstanceOf(r.type());
            if (r.step() != null) {
                assertThat(d.status().getStep()).as(r.name()).isEqualTo(r.step());
            }
            if (r.conditionType() != null) {
                assertThat(d.status().getConditions()).as(r.name()).anyMatch(c -> c.getType().equals(r.conditionType())
                        && "True".equals(c.getStatus()) && r.reason().name().equals(c.getReason()));
            }
        }
    }

    @Test
    void aShortLockThatKeepsTimingOutRetriesWithBackoffThenStalls() {
        ConstraintDecision d = new ConstraintPlan(input(check(), counted(0, NOW), null)).decide(Optional.empty(),
                absent());
        ConstraintDecision.ShortLock add = (ConstraintDecision.ShortLock) d;
        assertThat(add.statements()).containsExactly(
                "ALTER TABLE \"public\".\"orders\" ADD CONSTRAINT \"orders_total_ck\" CHECK (total >= 0) NOT VALID",
                "COMMENT ON CONSTRAINT \"orders_total_ck\" ON \"public\".\"orders\" IS 'pgindex-operator owner=uid-1 "
                        + "resource=shop/c spec= adopted=false'");
        SqlErrors.Failure timeout = new SqlErrors.Failure(ErrorKind.LockTimeout, "55P03", "lock timeout");
        ConstraintDecision first = add.onFailure().apply(new ConstraintDecision.Failed(timeout,
                List.of("pid 7 (app, idle in transaction, holds AccessShareLock)")));
        assertThat(first).isInstanceOf(ConstraintDecision.Wait.class);
        assertThat(((ConstraintDecision.Wait) first).requeue()).isEqualTo(S.retryBackoffBase());
        assertThat(first.status().getConditions()).anyMatch(c -> c.getMessage().contains("pid 7")
                && c.getMessage().contains("try 1 of 3"));
        PostgresConstraintStatus st = first.status();
        ConstraintDecision last = first;
        for (int i = 0; i < 3; i++) {
            ConstraintDecision.ShortLock again = (ConstraintDecision.ShortLock) new ConstraintPlan(
                    input(check(), st, null)).decide(Optional.empty(), absent());
            last = again.onFailure().apply(new ConstraintDecision.Failed(timeout, List.of()));
            st = last.status();
        }
        assertThat(last.status().getConditions()).anyMatch(c -> c.getType().equals("Stalled")
                && "True".equals(c.getStatus()) && c.getReason().equals("LockTimeout"));
        assertThat(last.events()).anyMatch(e -> e.warning() && e.reason() == Reason.LockTimeout);
    }

    @Test
    void aBusyTableLockWaitsForTheOtherStepWithoutCountingAFailure() {
        ConstraintDecision.ShortLock add = (ConstraintDecision.ShortLock) new ConstraintPlan(input(check(),
                counted(0, NOW), null)).decide(Optional.empty(), absent());
        ConstraintDecision busy = add.onFailure().apply(new ConstraintDecision.Failed(null, List.of()));
        assertThat(busy.status().getLastError()).isNull();
        assertThat(busy.status().getConditions()).anyMatch(c -> "WaitingForBuildSlot".equals(c.getReason()));
    }

    @Test
    void theCountRunsReadOnlyAndANotNullNamesRowsByPrimaryKey() {
        ConstraintDecision.RunJob count = (ConstraintDecision.RunJob) new ConstraintPlan(input(notNull(), null,
                null)).decide(Optional.empty(), absent());
        assertThat(count.job().sessionSettings()).containsEntry("default_transaction_read_only", "on");
        assertThat(count.job().sql()).contains("t.\"email\" IS NULL").contains("ROW(t.\"id\")::text").contains("LIMIT 5");
    }

    @Test
    void aWarningForAMissingSupportingIndexIsRaisedOnceNotOnEveryLook() {
        ConstraintDecision first = new ConstraintPlan(input(fk(), null, null)).decide(Optional.empty(), absent());
        assertThat(first.events()).anyMatch(e -> e.reason() == Reason.NoSupportingIndex);
        ConstraintDecision second = new ConstraintPlan(input(fk(), first.status(), null)).decide(Optional.empty(),
                absent());
        assertThat(second.events()).noneMatch(e -> e.reason() == Reason.NoSupportingIndex);
    }

    /** The reasons the PostgresConstraint's deciding code names (DecisionTableTest leaves them to this table). */
    static java.util.Set<Reason> reasonsInTheConstraintCode() throws java.io.IOException {
        return DecisionTableTest.reasonsIn(DecisionTableTest.decidingCode().stream()
                .filter(DecisionTableTest::constraintCode).toList());
    }

    /** The reasons a decision carries: its conditions, its events and those it raises once its action succeeded. */
    static java.util.stream.Stream<Reason> reasonsOf(ConstraintDecision d) {
        java.util.List<ConstraintDecision.Event> events = new java.util.ArrayList<>(d.events());
        if (d instanceof ConstraintDecision.ShortLock q) {
            events.addAll(q.onSuccess());
        } else if (d instanceof ConstraintDecision.Execute x) {
            events.addAll(x.onSuccess());
        }
        return java.util.stream.Stream.concat(d.status().getConditions().stream().map(c -> Reason.valueOf(c.getReason())),
                events.stream().map(ConstraintDecision.Event::reason));
    }

    @Test
    void everyReasonTheConstraintCodeNamesIsReachedByARow() throws java.io.IOException {
        java.util.Set<Reason> reached = java.util.EnumSet.noneOf(Reason.class);
        rows().forEach(r -> reasonsOf(r.decide().get()).forEach(reached::add));
        // the situations the other tests of this class build step by step
        ConstraintDecision.ShortLock add = (ConstraintDecision.ShortLock) new ConstraintPlan(input(check(),
                counted(0, NOW), null)).decide(Optional.empty(), absent());
        reasonsOf(add.onFailure().apply(new ConstraintDecision.Failed(null, List.of()))).forEach(reached::add);
        PostgresConstraintStatus st = null;
        for (int i = 0; i < 5; i++) {
            ConstraintDecision.ShortLock again = (ConstraintDecision.ShortLock) new ConstraintPlan(input(check(),
                    st == null ? counted(0, NOW) : st, null)).decide(Optional.empty(), absent());
            ConstraintDecision d = again.onFailure().apply(new ConstraintDecision.Failed(new SqlErrors.Failure(
                    ErrorKind.LockTimeout, "55P03", "lock timeout"), List.of()));
            reasonsOf(d).forEach(reached::add);
            st = d.status();
        }
        reasonsOf(new ConstraintPlan(input(check(), counted(0, NOW), null)).decide(Optional.of(
                new ConstraintInput.Finished(ConstraintDecision.ConstraintJob.Kind.VALIDATE, null, null, NOW)),
                obs(170000, existing(true, UID, false, null), null, null))).forEach(reached::add);
        reasonsOf(new ConstraintPlan(input(fk(), null, null)).decide(Optional.empty(), absent())).forEach(reached::add);
        reasonsOf(new ConstraintDeletion(input(check(), null, null), NOW).decide(Optional.empty(),
                absent())).forEach(reached::add);
        assertThat(reached).as("every reason the constraint code names is reached")
                .containsAll(reasonsInTheConstraintCode());
    }
}
