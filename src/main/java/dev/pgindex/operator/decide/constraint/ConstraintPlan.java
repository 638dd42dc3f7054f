package dev.pgindex.operator.decide.constraint;

import dev.pgindex.operator.api.v1alpha1.ConstraintStep;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.api.v1alpha1.ViolationsInfo;
import dev.pgindex.operator.decide.Durations;
import dev.pgindex.operator.decide.Reasons;
import dev.pgindex.operator.postgres.ConstraintDefinition;
import dev.pgindex.operator.postgres.ConstraintObservation;
import dev.pgindex.operator.postgres.ErrorKind;
import dev.pgindex.operator.postgres.OwnershipMark;
import dev.pgindex.operator.postgres.SqlErrors;
import dev.pgindex.operator.postgres.Violations;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The online protocol of a PostgresConstraint as one pure decision per look: count the violating rows, ADD ... NOT
 * VALID under a short lock, VALIDATE on a session of its own, and before PostgreSQL 18 turn a validated helper
 * CHECK into the column's NOT NULL. Each look starts from the catalog, so a restart anywhere in between (a NOT VALID
 * constraint left behind, by us or by anyone) continues from what PostgreSQL holds. Decision rows:
 * ConstraintPlanTest.
 */
public final class ConstraintPlan extends ConstraintContext implements ConstraintLook {
    private ConstraintObservation obs;

    public ConstraintPlan(ConstraintInput in) {
        super(in);
    }

    /**
     * The job of {@code d} holds its session: records the intent (a VALIDATE's pid and start) into the status,
     * which the engine persists before the statement is sent.
     */
    public dev.pgindex.operator.api.v1alpha1.PostgresConstraintStatus started(ConstraintDecision.RunJob d, int pid) {
        if (d.job().kind() == ConstraintDecision.ConstraintJob.Kind.VALIDATE) {
            draft.validationStarted(pid);
        }
        return draft.status();
    }

    /** The job of {@code d} found no free slot, or a build or another step on its table: look again soon. */
    public ConstraintDecision noSlotFor(ConstraintDecision.RunJob d) {
        return waitFor(draft.step(), Reason.WaitingForBuildSlot, "another index build or constraint step is "
                + "running on this table, or this database's build slots are all taken (limit "
                + in.settings().buildsPerDatabase() + "); waiting", in.settings().buildPollInterval());
    }

    /** Before any session: a spec that cannot be parsed or a Secret that cannot be used stalls here. */
    @Override
    public Optional<ConstraintDecision> beforeConnecting() {
        if (in.invalidSpec() != null) {
            return Optional.of(stall(Reason.InvalidSpec, in.invalidSpec(), null));
        }
        if (in.connectionProblem() != null) {
            draft.failure(in.connectionProblem(), null, in.connectionMessage());
            return Optional.of(stall(in.connectionProblem(), in.connectionMessage(), permanentBackoff()));
        }
        return Optional.empty();
    }

    @Override
    public ConstraintDecision unreachable(SqlErrors.Failure f) {
        Reason reason = Reasons.of(f.kind());
        int n = draft.failure(reason, f, f.message());
        if (!f.isTransient()) {
            return stall(reason, f.message(), permanentBackoff());
        }
        Duration wait = backoff(n);
        draft.nextAttemptIn(wait);
        if (draft.isReady()) {
            return new ConstraintDecision.Wait(draft.status(), events, wait);
        }
        return waitFor(draft.step() == null ? ConstraintStep.Preflight : draft.step(), Reason.DatabaseUnreachable,
                "cannot reach the database: " + f.message() + "; retrying in " + Durations.human(wait), wait);
    }

    @Override
    public ConstraintDecision decide(Optional<ConstraintInput.Job> job, ConstraintObservation o) {
        this.obs = o;
        ConstraintDefinition d = in.parsed().definition();
        if (job.isPresent() && job.get() instanceof ConstraintInput.Running r) {
            return running(r, d);
        }
        if (job.isPresent()) {
            Optional<ConstraintDecision> after = finished((ConstraintInput.Finished) job.get(), d);
            if (after.isPresent()) {
                return after.get();
            }
        }
        if (o.ourSession().isPresent()) {
            return waitFor(draft.step() == null ? ConstraintStep.Validate : draft.step(), Reason.WaitingForBuildSlot,
                    "a statement of an earlier operator process is still running for this resource (pid "
                            + o.ourSession().get().pid() + "); waiting for it to end", in.settings().buildPollInterval());
        }
        if (o.tableOid() == null) {
            return stall(Reason.TableNotFound, "table " + d.schema() + "." + d.table() + " does not exist",
                    permanentBackoff());
        }
        if (d.shape() instanceof ConstraintDefinition.ForeignKey fk) {
            if (o.refTableOid() == null) {
                return stall(Reason.TableNotFound, "the referenced table " + fk.refSchema() + "." + fk.refTable()
                        + " does not exist", permanentBackoff());
            }
            supportingIndex(fk, o);
        }
        if (o.refused() != null) {
            SqlErrors.Failure refused = o.refused().isTransient() ? o.refused() : new SqlErrors.Failure(
                    ErrorKind.InvalidDefinition, o.refused().sqlState(), o.refused().message());
            return failed(refused, "PostgreSQL refuses check.expression as a CHECK constraint (tried on an empty "
                    + "temporary copy of the table): " + o.refused().message(), ConstraintStep.Preflight,
                    Reason.CheckingViolations);
        }
        if (d.shape() instanceof ConstraintDefinition.NotNull n && o.columnNotNull() == null) {
            return stall(Reason.ColumnNotFound, "column " + n.column() + " of " + d.schema() + "." + d.table()
                    + " does not exist", permanentBackoff());
        }
        if (o.existing().isPresent()) {
            return existing(o.existing().get(), o, d);
        }
        Optional<VersionLimits.Limit> limit = VersionLimits.of(d, o);
        if (limit.isPresent()) {
            return stall(limit.get().reason(), limit.get().message(), permanentBackoff());
        }
        if (Boolean.TRUE.equals(o.columnNotNull())) {
            boolean ours = !draft.adopted() && draft.step() != null && draft.step().compareTo(ConstraintStep.Validate) > 0;
            draft.existing(null, true, ours ? Boolean.FALSE : Boolean.TRUE);
            return ready(ours ? Reason.ConstraintValid : Reason.Adopted, "column "
                    + ((ConstraintDefinition.NotNull) d.shape()).column() + " is NOT NULL" + (o.notNullElsewhere() == null
                    ? "" : " (constraint " + o.notNullElsewhere() + ")") + (ours ? "" : "; it was before, so it is "
                    + "adopted and never changed by the operator"));
        }
        return absent(o, d);
    }

    private ConstraintDecision running(ConstraintInput.Running r, ConstraintDefinition d) {
        String elapsed = Durations.human(Duration.between(r.startedAt(), in.now()));
        if (r.kind() == ConstraintDecision.ConstraintJob.Kind.PREFLIGHT) {
            return waitFor(ConstraintStep.Preflight, Reason.CheckingViolations, "counting the rows of " + d.schema()
                    + "." + d.table() + " that violate " + d.name() + " (running for " + elapsed + ", pid " + r.pid()
                    + ")", in.settings().buildPollInterval());
        }
        draft.validationBlockedBy(r.blockers());
        return waitFor(ConstraintStep.Validate, Reason.ValidatingConstraint, "VALIDATE CONSTRAINT " + d.name()
                + " is scanning " + d.schema() + "." + d.table() + " (running for " + elapsed + ", pid " + r.pid()
                + "; reads and writes go on; PostgreSQL reports no progress for it)" + (r.blockers() == null ? ""
                : "; waiting for " + r.blockers()), in.settings().buildPollInterval());
    }

    private Optional<ConstraintDecision> finished(ConstraintInput.Finished f, ConstraintDefinition d) {
        boolean validate = f.kind() == ConstraintDecision.ConstraintJob.Kind.VALIDATE;
        if (validate) {
            draft.validationEnded(f.finishedAt());
        }
        if (f.success()) {
            if (validate) {
                events.add(ConstraintDecision.Event.normal(Reason.ConstraintValidated, "VALIDATE CONSTRAINT "
                        + d.name() + " on " + d.schema() + "." + d.table() + " finished"));
            } else {
                draft.violations(Violations.parse(f.output()));
            }
            return Optional.empty();
        }
        SqlErrors.Failure failure = f.failure();
        if (failure.kind() == ErrorKind.ConstraintViolation) {
            draft.violationsUnknown(); // counted again at the next look: the rows changed since the count
            draft.failure(Reason.ViolationsFound, failure, failure.message());
            return Optional.of(stall(Reason.ViolationsFound, (validate ? "VALIDATE" : "the count") + " found rows "
                    + "that violate " + d.name() + ": " + failure.message() + "; counted again in "
                    + Durations.human(in.parsed().recheckInterval()), in.parsed().recheckInterval()));
        }
        return Optional.of(failed(failure, (validate ? "VALIDATE CONSTRAINT " : "counting the violating rows of ")
                + d.name() + " failed: " + failure.message(), validate ? ConstraintStep.Validate
                : ConstraintStep.Preflight, validate ? Reason.ValidatingConstraint : Reason.CheckingViolations));
    }

    /** Records the foreign key's index, and warns once when there is none. */
    private void supportingIndex(ConstraintDefinition.ForeignKey fk, ConstraintObservation o) {
        String named = in.spec().getForeignKey().getIndex();
        boolean changed = draft.supportingIndex(o.supportingIndex(), named);
        if (o.supportingIndex() == null && changed) {
            events.add(ConstraintDecision.Event.warning(Reason.NoSupportingIndex, "no index on " + fk.columns()
                    + " of " + in.parsed().definition().schema() + "." + in.parsed().definition().table()
                    + ": every DELETE or key UPDATE on " + fk.refSchema() + "." + fk.refTable() + " will scan it; "
                    + "add a PostgresIndex on these columns and name it in spec.foreignKey.index"));
        }
    }

    private ConstraintDecision existing(ConstraintObservation.Existing e, ConstraintObservation o,
            ConstraintDefinition d) {
        Optional<OwnershipMark> mark = e.mark();
        if (mark.isPresent() && !mark.get().ownerUid().equals(in.uid())) {
            return stall(Reason.OwnedByOther, "constraint " + d.name() + " on " + d.schema() + "." + d.table()
                    + " belongs to " + mark.get().resource() + "; it is never touched", permanentBackoff());
        }
        if (!e.matches()) {
            return stall(Reason.DefinitionConflict, "constraint " + d.name() + " on " + d.schema() + "." + d.table()
                    + " exists with another definition (" + e.conflict() + "): the database has " + e.definition()
                    + ", the spec asks for " + d.clause(o.serverVersion()) + "; it is never touched",
                    permanentBackoff());
        }
        if (mark.isEmpty()) {
            String text = new OwnershipMark(in.uid(), in.resource(), "", true).render();
            draft.existing(e.definition(), e.validated(), Boolean.TRUE);
            return new ConstraintDecision.Execute(draft.status(), events, d.comment(text), List.of(
                    ConstraintDecision.Event.normal(Reason.Adopted, "adopted the existing constraint " + d.name()
                            + " (" + e.definition() + ")" + (e.validated() ? "" : "; it is NOT VALID and will be "
                            + "validated"))));
        }
        draft.existing(e.definition(), e.validated(), mark.get().adopted());
        if (!e.validated()) {
            return notValid(d);
        }
        if (d.shape() instanceof ConstraintDefinition.NotNull && e.type() == 'c') {
            return shortLock(List.of(o.tableOid()), d.setNotNullAndDropHelper(), ConstraintStep.SetNotNull,
                    Reason.SettingNotNull, "setting " + ((ConstraintDefinition.NotNull) d.shape()).column()
                            + " NOT NULL (the validated CHECK spares the scan) and dropping the helper CHECK",
                    ConstraintDecision.Event.normal(Reason.ConstraintValid, "column "
                            + ((ConstraintDefinition.NotNull) d.shape()).column() + " is NOT NULL"));
        }
        return ready(mark.get().adopted() ? Reason.Adopted : Reason.ConstraintValid, "constraint " + d.name()
                + " is valid: " + e.definition());
    }

    /** NOT VALID: count the violating rows if nobody did, then VALIDATE inside the maintenance windows. */
    private ConstraintDecision notValid(ConstraintDefinition d) {
        Optional<ConstraintDecision> counted = violations(d);
        if (counted.isPresent()) {
            return counted.get();
        }
        Optional<Instant> closed = in.parsed().windows().isEmpty() || in.parsed().windows().openUntil(in.now())
                .isPresent() ? Optional.empty() : in.parsed().windows().nextOpening(in.now());
        if (closed.isPresent()) {
            Duration until = Duration.between(in.now(), closed.get());
            return waitFor(ConstraintStep.Validate, Reason.WaitingForWindow, "constraint " + d.name() + " is NOT "
                    + "VALID; VALIDATE waits for the next maintenance window, at " + closed.get() + " (in "
                    + Durations.human(until) + ")", until.compareTo(in.settings().resyncInterval()) < 0 ? until
                    : in.settings().resyncInterval());
        }
        draft.reconciling(ConstraintStep.Validate, Reason.ValidatingConstraint, "starting VALIDATE CONSTRAINT "
                + d.name() + " on " + d.schema() + "." + d.table());
        return new ConstraintDecision.RunJob(draft.status(), events, new ConstraintDecision.ConstraintJob(
                ConstraintDecision.ConstraintJob.Kind.VALIDATE, obs.tableOid(), d.validate(), Map.of()));
    }

    /**
     * Absent: wait for the PostgresIndex named in spec.foreignKey.index, count, then ADD ... NOT VALID with the
     * ownership mark in the same transaction.
     */
    private ConstraintDecision absent(ConstraintObservation o, ConstraintDefinition d) {
        String named = d.shape() instanceof ConstraintDefinition.ForeignKey ? in.spec().getForeignKey().getIndex()
                : null;
        if (named != null && !Boolean.TRUE.equals(in.namedIndexReady())) {
            return waitFor(ConstraintStep.Preflight, Reason.WaitingForIndex, "waiting for PostgresIndex " + named
                    + " (spec.foreignKey.index) to be Ready before adding " + d.name(),
                    in.settings().buildPollInterval());
        }
        Optional<ConstraintDecision> counted = violations(d);
        if (counted.isPresent()) {
            return counted.get();
        }
        List<Long> tables = o.refTableOid() == null || o.refTableOid().equals(o.tableOid()) ? List.of(o.tableOid())
                : List.of(o.tableOid(), o.refTableOid());
        String mark = new OwnershipMark(in.uid(), in.resource(), "", false).render();
        return shortLock(tables, List.of(d.addNotValid(o.serverVersion()), d.comment(mark)), ConstraintStep.AddNotValid,
                Reason.AddingConstraint, "adding " + d.name() + " NOT VALID (a short lock; no scan)",
                ConstraintDecision.Event.normal(Reason.ConstraintAdded, "added " + d.name() + " on " + d.schema()
                        + "." + d.table() + " NOT VALID: " + d.clause(o.serverVersion())));
    }

    /** Empty when the last count found none; otherwise counts (again) or stays Stalled until the next count. */
    private Optional<ConstraintDecision> violations(ConstraintDefinition d) {
        Optional<ViolationsInfo> last = draft.lastViolations();
        Duration recheck = in.parsed().recheckInterval();
        if (last.isPresent() && last.get().getCount() != null && last.get().getCount() == 0) {
            return Optional.empty();
        }
        if (last.isPresent() && last.get().getCount() != null && last.get().getCheckedAt() != null) {
            Instant due = Instant.parse(last.get().getCheckedAt()).plus(recheck);
            if (in.now().isBefore(due)) {
                String sample = last.get().getSample() == null ? "" : "; for example " + String.join(", ",
                        last.get().getSample());
                draft.at(ConstraintStep.Preflight);
                return Optional.of(stall(Reason.ViolationsFound, last.get().getCount() + " rows of " + d.schema()
                        + "." + d.table() + " violate " + d.name() + sample + "; fix them, the operator counts "
                        + "again at " + due, Duration.between(in.now(), due)));
            }
        }
        draft.reconciling(ConstraintStep.Preflight, Reason.CheckingViolations, "counting the rows of " + d.schema()
                + "." + d.table() + " that violate " + d.name());
        return Optional.of(new ConstraintDecision.RunJob(draft.status(), events, new ConstraintDecision.ConstraintJob(
                ConstraintDecision.ConstraintJob.Kind.PREFLIGHT, obs.tableOid(), d.preflight(obs.sampleKey()),
                ConstraintDefinition.PREFLIGHT_SESSION)));
    }
}
