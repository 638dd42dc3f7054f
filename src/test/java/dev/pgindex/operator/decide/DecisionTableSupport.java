package dev.pgindex.operator.decide;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgindex.operator.api.v1alpha1.BuildInfo;
import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.ConnectionRef;
import dev.pgindex.operator.api.v1alpha1.ConstraintSpec;
import dev.pgindex.operator.api.v1alpha1.ConstraintType;
import dev.pgindex.operator.api.v1alpha1.ErrorInfo;
import dev.pgindex.operator.api.v1alpha1.IndexColumn;
import dev.pgindex.operator.api.v1alpha1.IndexInfo;
import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.api.v1alpha1.ReclaimPolicy;
import dev.pgindex.operator.decide.step.DeletionStep;
import dev.pgindex.operator.decide.step.InFlightJobStep;
import dev.pgindex.operator.decide.step.JobOutcomeStep;
import dev.pgindex.operator.decide.step.Steps;
import dev.pgindex.operator.engine.DeleteOutcome;
import dev.pgindex.operator.engine.Events;
import dev.pgindex.operator.engine.IndexEngine;
import dev.pgindex.operator.postgres.Blocker;
import dev.pgindex.operator.postgres.Catalog;
import dev.pgindex.operator.postgres.ErrorKind;
import dev.pgindex.operator.postgres.HealthObservation;
import dev.pgindex.operator.postgres.IndexBuilder;
import dev.pgindex.operator.postgres.IndexDefinition;
import dev.pgindex.operator.postgres.Observation;
import dev.pgindex.operator.postgres.OwnershipMark;
import dev.pgindex.operator.postgres.Partitions;
import dev.pgindex.operator.postgres.Progress;
import dev.pgindex.operator.postgres.SqlErrors;
import dev.pgindex.operator.spec.ParsedSpec;
import dev.pgindex.operator.spec.Specs;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.status.StatusCopies;
import io.fabric8.kubernetes.api.model.Condition;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The vocabulary of {@link DecisionTableTest}: {@link Given} builds the inputs of one decision in memory (spec,
 * last status, observation, the clock), {@link Expect} says what must come out, {@link Row} pairs
 * them under a name that states the behaviour. Nothing here touches a database or Kubernetes.
 */
final class DecisionTableSupport {
    private DecisionTableSupport() {
    }

    static final String UID = "uid-1";
    static final String OTHER_UID = "uid-other";
    static final long GEN = 2;
    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    static final long TABLE_OID = 100;
    static final long INDEX_OID = 500;
    static final int BUILDER_PID = 4242;

    /** The operator's defaults (config.OperatorConfig), except a build poll of 5s made distinct from the others. */
    static final Settings SETTINGS = new Settings(1, Duration.ofMinutes(5),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofMinutes(10), Duration.ofMinutes(1),
            Duration.ofMinutes(30), Duration.ofMinutes(5), Duration.ofMinutes(2));

    static final ObjectMapper JSON = new ObjectMapper();

    // ------------------------------------------------------------------------------------------------ failures

    static SqlErrors.Failure failure(ErrorKind kind) {
        String state = switch (kind) {
            case UniqueViolation -> "23505";
            case ConstraintViolation -> "23514";
            case TableNotFound -> "42P01";
            case ColumnNotFound -> "42703";
            case InvalidDefinition -> "42883";
            case InsufficientPrivilege -> "42501";
            case AuthenticationFailed -> "28P01";
            case DatabaseNotFound -> "3D000";
            case NameConflict -> "42P07";
            case UnsupportedFeature -> "0A000";
            case PoolerNotSupported -> "42P05";
            case Deadlock -> "40P01";
            case LockTimeout -> "55P03";
            case Cancelled, BuildDeadlineExceeded -> "57014";
            case ServerShutdown -> "57P01";
            case ConnectionLost -> null;
            case ResourceExhausted -> "53100";
            case BuildFailed -> "XX000";
        };
        return new SqlErrors.Failure(kind, state, kind.name() + " happened");
    }

    static final SqlErrors.Failure LOCK_TIMEOUT = failure(ErrorKind.LockTimeout);
    static final SqlErrors.Failure UNIQUE = new SqlErrors.Failure(ErrorKind.UniqueViolation, "23505",
            "could not create unique index (Key (a)=(7) is duplicated.)");

    // ---------------------------------------------------------------------------------------------- an index

    /** The comment an index carries. */
    enum Mark {
        NONE, OURS, OURS_ADOPTED, OURS_OLD_SPEC, OURS_OLD_SPEC_ADOPTED, OURS_LEGACY_HASH, OTHER, FOREIGN_COMMENT;

        String render(IndexDefinition def) {
            String resource = "default/t-idx";
            return switch (this) {
                case NONE -> null;
                case OURS -> new OwnershipMark(UID, resource, def.hash(), false).render();
                case OURS_ADOPTED -> new OwnershipMark(UID, resource, def.hash(), true).render();
                case OURS_OLD_SPEC -> new OwnershipMark(UID, resource, "0123456789abcdef", false).render();
                case OURS_OLD_SPEC_ADOPTED -> new OwnershipMark(UID, resource, "0123456789abcdef", true).render();
                case OURS_LEGACY_HASH -> new OwnershipMark(UID, resource, def.hashes().stream()
                        .filter(h -> !h.equals(def.hash())).findFirst().orElseThrow(), false).render();
                case OTHER -> new OwnershipMark(OTHER_UID, "team-a/first", def.hash(), false).render();
                case FOREIGN_COMMENT -> "hot path of the nightly report, ask Dana before dropping";
            };
        }
    }

    /** A relation as Catalog.findIndex reports it; the spec's index t_idx on public.t by default. */
    static final class Idx {
        String name = "t_idx";
        long oid = INDEX_OID;
        char relkind = 'i';
        long tableOid = TABLE_OID;
        String tableSchema = "public";
        String tableName = "t";
        boolean valid = true;
        boolean ready = true;
        boolean live = true;
        Mark mark = Mark.NONE;
        Integer buildingPid;

        static Idx valid() {
            return new Idx();
        }

        static Idx invalid() {
            Idx i = new Idx();
            i.valid = false;
            return i;
        }

        static Idx building(int pid) {
            Idx i = invalid();
            i.ready = false;
            i.buildingPid = pid;
            return i;
        }

        /** An index named like a partition's index, on that partition. */
        static Idx child(String partition, long partitionOid) {
            Idx i = new Idx();
            i.name = "t_idx_" + partition;
            i.oid = partitionOid + 1000;
            i.tableOid = partitionOid;
            i.tableName = partition;
            return i;
        }

        Idx marked(Mark m) {
            this.mark = m;
            return this;
        }

        Idx oid(long o) {
            this.oid = o;
            return this;
        }

        Idx named(String n) {
            this.name = n;
            return this;
        }

        Idx relkind(char k) {
            this.relkind = k;
            return this;
        }

        Idx notValid() {
            this.valid = false;
            return this;
        }

        Idx buildingBy(int pid) {
            this.buildingPid = pid;
            this.valid = false;
            this.ready = false;
            return this;
        }

        Catalog.IndexState build(IndexDefinition def) {
            boolean isIndex = relkind == 'i' || relkind == 'I';
            return new Catalog.IndexState(name, oid, relkind, isIndex ? tableOid : 0, isIndex ? tableSchema : null,
                    isIndex ? tableName : null, isIndex && valid, isIndex && ready, isIndex && live,
                    mark.render(def), isIndex ? "CREATE INDEX " + name + " ON " + tableSchema + "." + tableName
                    + " USING btree (a)" : null, buildingPid, 8192);
        }
    }

    /** One node of a partition tree: a leaf (or a sub-partitioned table) with the index this resource wants on it. */
    static final class Node {
        final Partitions.Partition partition;
        Idx index;
        Long attachedTo;
        Observation.Comparison comparison = Observation.Comparison.NOT_DONE;

        Node(Partitions.Partition p) {
            this.partition = p;
        }

        static Node leaf(String name, long oid) {
            return new Node(new Partitions.Partition(oid, "public", name, TABLE_OID, true, 1));
        }

        static Node leafOf(String name, long oid, long parentOid) {
            return new Node(new Partitions.Partition(oid, "public", name, parentOid, true, 2));
        }

        static Node mid(String name, long oid) {
            return new Node(new Partitions.Partition(oid, "public", name, TABLE_OID, false, 1));
        }

        /** Its index, marked ours. */
        Node ours() {
            return with(Idx.child(partition.name(), partition.oid()).marked(Mark.OURS));
        }

        /** Its index, marked ours, valid and attached to the parent's index. */
        Node done() {
            ours();
            attachedTo = partition.parentOid() + 1000;
            return this;
        }

        Node with(Idx idx) {
            this.index = idx;
            return this;
        }

        Node attached() {
            attachedTo = partition.parentOid() + 1000;
            return this;
        }

        Node same() {
            comparison = Observation.Comparison.SAME;
            return this;
        }

        Observation.PartitionNode build(IndexDefinition def) {
            return new Observation.PartitionNode(partition, "t_idx_" + partition.name(),
                    Optional.ofNullable(index).map(i -> i.build(def)), Optional.ofNullable(attachedTo), comparison);
        }
    }

    static Observation.Watch blockedBy(String waitingOn) {
        return new Observation.Watch(BUILDER_PID, Optional.empty(), List.of(blocker(7001, waitingOn, "UPDATE t SET a = 1")),
                Optional.empty());
    }

    static Blocker blocker(int pid, String waitingOn, String query) {
        return new Blocker(pid, "app", "nightly-report", "idle in transaction", 42L, 40L, query, waitingOn);
    }

    static Observation.Watch progress(String phase, long done, long total) {
        return new Observation.Watch(BUILDER_PID, Optional.of(new Progress(BUILDER_PID, "CREATE INDEX CONCURRENTLY",
                phase, 0, 0, 0, total, done, 0, 0)), List.of(), Optional.of(INDEX_OID));
    }

    /** The operator's role as a job's session reads it (quote_ident(current_user)). */
    static final String ROLE = "pgindex_operator";

    /** The kinds of job the rows name: a row expects a kind, and a running or ended job is one of these. */
    enum Kind {
        BUILD(new BuildJob(true)), REINDEX(new ReindexJob(true, "for rebuild token 'r1'")),
        DROP(new DropJob(DropJob.Purpose.LEFTOVER)), VERIFY(new VerifyJob()), MEASURE(new MeasureJob());

        final JobKind example;

        Kind(JobKind example) {
            this.example = example;
        }

        static Kind of(JobKind k) {
            for (Kind kind : values()) {
                if (kind.example.getClass() == k.getClass()) {
                    return kind;
                }
            }
            throw new IllegalArgumentException(String.valueOf(k));
        }
    }

    static IndexBuilder.Job<JobKind> job(Kind kind) {
        return new IndexBuilder.Job<>(UID, kind.example, BUILDER_PID, ROLE, NOW.minusSeconds(90), "SQL",
                new CompletableFuture<>());
    }

    static IndexBuilder.Result succeeded() {
        return new IndexBuilder.Result(true, null, NOW.minusSeconds(1));
    }

    static IndexBuilder.Result failed(SqlErrors.Failure f) {
        return new IndexBuilder.Result(false, f, NOW.minusSeconds(1));
    }

    // ------------------------------------------------------------------------------------------------ Given

    /** What a row acts on, and how (the steps by default). */
    static final class Given {
        final PostgresIndexSpec spec = spec();
        long generation = GEN;
        PostgresIndexStatus status = new PostgresIndexStatus();
        int serverVersion = 160004;
        Optional<Catalog.TableInfo> table = Optional.of(new Catalog.TableInfo(TABLE_OID, 'r'));
        Idx index;
        Observation.Comparison comparison = Observation.Comparison.NOT_DONE;
        Optional<Catalog.Backend> builder = Optional.empty();
        Observation.Watch watched = Observation.Watch.NONE;
        final List<Idx> leftovers = new ArrayList<>();
        Optional<Catalog.ConstraintInfo> constraint = Optional.empty();
        List<String> nullable = List.of();
        String missingPrivilege;
        SqlErrors.Failure candidateProblem;
        final List<Node> partitions = new ArrayList<>();
        Instant now = NOW;
        Guards guards = Guards.NONE;
        HealthObservation health = HealthObservation.NONE;
        Function<Given, Outcome> action = g -> Outcome.of(Steps.decide(g.context()));
        boolean deterministic = true;

        static PostgresIndexSpec spec() {
            PostgresIndexSpec s = new PostgresIndexSpec();
            ConnectionRef ref = new ConnectionRef();
            ref.setSecretName("db-app");
            s.setConnection(ref);
            s.setTable("t");
            s.setName("t_idx");
            s.setColumns(new ArrayList<>(List.of(IndexColumn.named("a"))));
            return s;
        }

        IndexDefinition def() {
            return Specs.definition(spec);
        }

        Request request() {
            return new Request(UID, "default", "t-idx", generation, spec, null, null, null);
        }

        Observation observation() {
            IndexDefinition def = def();
            return new Observation(serverVersion, table, Optional.ofNullable(index).map(i -> i.build(def)), comparison,
                    builder, watched, leftovers.stream().map(l -> l.build(def)).toList(), constraint, nullable,
                    missingPrivilege, candidateProblem, partitions.stream().map(n -> n.build(def)).toList());
        }

        /** A fresh context on a deep copy of the status (the original stays as the row built it). */
        DecisionContext context() {
            return new DecisionContext(request(), ParsedSpec.of(spec), StatusCopies.copy(status), observation(), now,
                    SETTINGS)
                    .withGuards(guards).withHealth(health);
        }

        Outcome run() {
            return action.apply(this);
        }

        // -- spec

        Given spec(Consumer<PostgresIndexSpec> change) {
            change.accept(spec);
            return this;
        }

        Given deletePolicy() {
            spec.setReclaimPolicy(ReclaimPolicy.Delete);
            return this;
        }

        Given retryLimit(Integer n) {
            spec.setRetryLimit(n);
            return this;
        }

        Given rebuild(String token) {
            spec.setRebuild(token);
            return this;
        }

        Given constraint(ConstraintType type) {
            spec.setUnique(true);
            ConstraintSpec c = new ConstraintSpec();
            c.setType(type);
            spec.setConstraint(c);
            return this;
        }

        // -- last status

        Given status(Consumer<PostgresIndexStatus> change) {
            change.accept(status);
            return this;
        }

        /** Ready for this generation, an hour ago. */
        Given wasReady() {
            Conditions.ready(status, generation, Reason.IndexReady, "index public.t_idx is valid and ready",
                    now.minusSeconds(3600));
            IndexInfo info = new IndexInfo();
            info.setName("public.t_idx");
            info.setOid(INDEX_OID);
            info.setAdopted(false);
            status.setIndex(info);
            return this;
        }

        /** Ready for an older generation (the spec was edited since). */
        Given wasReadyForAnOlderSpec() {
            Conditions.ready(status, generation - 1, Reason.IndexReady, "index public.t_idx is valid and ready",
                    now.minusSeconds(3600));
            return this;
        }

        Given wasStalled(Reason r) {
            Conditions.stalled(status, generation, r, "stalled before", now.minusSeconds(600));
            return this;
        }

        Given wasPending(Reason r) {
            Conditions.reconciling(status, generation, Phase.Pending, r, "pending", now.minusSeconds(60));
            return this;
        }

        Given wasDeleting() {
            Conditions.reconciling(status, generation, Phase.Deleting, Reason.Deleting, "deleting", now.minusSeconds(60));
            return this;
        }

        Given wasBuilding() {
            Conditions.reconciling(status, generation, Phase.Building, Reason.Building, "building", now.minusSeconds(60));
            return this;
        }

        Given attempts(int n) {
            status.setAttempts(n);
            return this;
        }

        Given lastError(ErrorKind kind, Duration ago, int occurrences) {
            ErrorInfo e = new ErrorInfo();
            e.setReason(Reasons.of(kind));
            e.setSqlState(failure(kind).sqlState());
            e.setMessage(kind.name() + " happened");
            e.setTransientError(kind.isTransient());
            e.setTime(now.minus(ago).toString());
            e.setOccurrences(occurrences);
            status.setLastError(e);
            return this;
        }

        /** status.lastError as the API server holds it, with {@code reason} by name (read as the client reads it). */
        Given lastErrorNamed(String reason, boolean transientError, Duration ago) {
            ErrorInfo e;
            try {
                e = io.fabric8.kubernetes.client.utils.Serialization.unmarshal("{\"reason\": \"" + reason + "\"}",
                        ErrorInfo.class);
            } catch (RuntimeException ex) {
                throw new AssertionError("status.lastError with reason " + reason + " does not read", ex);
            }
            e.setMessage(reason + " happened");
            e.setTransientError(transientError);
            e.setTime(now.minus(ago).toString());
            e.setOccurrences(1);
            status.setLastError(e);
            return this;
        }

        /** status.build: our {@code operation} of {@code public.<target>} was launched by BUILDER_PID and not seen to end. */
        Given launched(String operation, String target) {
            BuildInfo b = new BuildInfo();
            b.setOperation(operation);
            b.setTarget("public." + target);
            b.setBuilderPid(BUILDER_PID);
            b.setStatement("CREATE INDEX CONCURRENTLY ...");
            b.setStartedAt(now.minusSeconds(120).toString());
            status.setBuild(b);
            return this;
        }

        Given launched() {
            return launched("Build", "t_idx");
        }

        /** Our build ended (JobOutcomeStep recorded it); the look at the catalog after it is still to come. */
        Given launchedAndFinished() {
            launched();
            status.getBuild().setFinishedAt(now.minusSeconds(60).toString());
            status.getBuild().setCatalogChecked(false);
            return this;
        }

        /** A look at the catalog saw the recorded build over: its crash window is closed. */
        Given catalogChecked() {
            status.getBuild().setCatalogChecked(true);
            return this;
        }

        /** Our build ended, recorded by an operator from before build.catalogChecked existed (long looked at). */
        Given finishedBeforeCatalogChecks() {
            launched();
            status.getBuild().setFinishedAt(now.minusSeconds(3600).toString());
            return this;
        }

        Given pinned(long oid) {
            if (status.getBuild() == null) {
                launchedAndFinished();
            }
            status.getBuild().setIndexOid(oid);
            return this;
        }

        Given blockedSince(Duration ago) {
            status.setBlockedSince(now.minus(ago).toString());
            return this;
        }

        // -- observation

        Given server(int versionNum) {
            this.serverVersion = versionNum;
            return this;
        }

        Given noTable() {
            this.table = Optional.empty();
            return this;
        }

        Given partitionedTable(Node... nodes) {
            this.table = Optional.of(new Catalog.TableInfo(TABLE_OID, 'p'));
            this.partitions.addAll(Arrays.asList(nodes));
            return this;
        }

        Given index(Idx idx) {
            this.index = idx;
            return this;
        }

        /** The existing index compared on the server: it is the spec's index. */
        Given same() {
            this.comparison = Observation.Comparison.SAME;
            return this;
        }

        Given differs(String differences) {
            this.comparison = Observation.Comparison.of(differences);
            return this;
        }

        Given builderBackend(int pid) {
            this.builder = Optional.of(new Catalog.Backend(pid, "active", "pgindex-builder", null, null,
                    "CREATE INDEX CONCURRENTLY ..."));
            return this;
        }

        Given watching(Observation.Watch w) {
            this.watched = w;
            return this;
        }

        Given leftover(Idx idx) {
            this.leftovers.add(idx);
            return this;
        }

        Given backsConstraint(char type, String definition) {
            this.constraint = Optional.of(new Catalog.ConstraintInfo("t_idx", type, definition));
            return this;
        }

        Given nullable(String... columns) {
            this.nullable = List.of(columns);
            return this;
        }

        Given missingPrivilege(String message) {
            this.missingPrivilege = message;
            return this;
        }

        Given candidateProblem(SqlErrors.Failure f) {
            this.candidateProblem = f;
            return this;
        }

        Given guards(Guards g) {
            this.guards = g;
            return this;
        }

        Given at(Instant when) {
            this.now = when;
            return this;
        }

        // -- what is asked (the steps by default)

        Given deleting() {
            action = g -> Outcome.of(DeletionStep.decide(g.context()));
            return this;
        }

        Given deletionUnreachableFor(Duration sinceRequest) {
            action = g -> Outcome.of(DeletionStep.unreachable(g.context(), g.now.minus(sinceRequest),
                    "connection refused"));
            return this;
        }

        Given deletingWhileJobRuns(Kind kind) {
            action = g -> Outcome.of(DeletionStep.whileJobRuns(g.context(), job(kind)));
            return this;
        }

        Given jobInFlight(Kind kind, Observation.Watch watch) {
            action = g -> Outcome.of(InFlightJobStep.decide(g.context(), job(kind), Optional.ofNullable(watch)));
            deterministic = false; // the message says how long the job has run, by the wall clock
            return this;
        }

        Given jobEnded(Kind kind, IndexBuilder.Result result) {
            action = g -> {
                DecisionContext ctx = g.context();
                JobOutcomeStep.record(ctx, job(kind), result);
                return Outcome.recorded(ctx);
            };
            return this;
        }

        Given unreachable(SqlErrors.Failure f) {
            action = g -> Outcome.of(g.context().unreachable(f));
            return this;
        }

        Given retryGate(RetryGate.Work work) {
            action = g -> {
                DecisionContext ctx = g.context();
                return RetryGate.check(ctx, work).map(Outcome::of)
                        .orElse(Outcome.recorded(ctx));
            };
            return this;
        }

        /**
         * The whole engine, when the Secret cannot be used ({@code problem}) or the spec is invalid: neither needs a
         * database, so {@link IndexEngine#reconcile} runs without one (its clock is the wall clock).
         */
        Given reconcileWithoutDatabase(Reason problem, String message) {
            action = g -> {
                List<Decision.Event> events = new ArrayList<>();
                dev.pgindex.operator.engine.Outcome out; // the engine's, not this table's Outcome
                try {
                    out = new IndexEngine(null, null, SETTINGS).reconcile(new Request(UID, "default",
                            "t-idx", g.generation, g.spec, null, problem, message), g.status, s -> { },
                            collect(events), () -> { });
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                return new Outcome(null, out.status(), events, out.requeueAfter(), null);
            };
            deterministic = false;
            return this;
        }

        /** Deletion through the engine with the Secret unusable, {@code sinceRequest} after the deletion request. */
        Given cleanupWithoutDatabase(Duration sinceRequest) {
            action = g -> {
                List<Decision.Event> events = new ArrayList<>();
                DeleteOutcome out = new IndexEngine(null, null, SETTINGS).cleanup(new Request(
                        UID, "default", "t-idx", g.generation, g.spec, null, Reason.SecretNotFound,
                        "Secret default/db-app not found"), g.status, Instant.now().minus(sinceRequest),
                        collect(events));
                return new Outcome(null, out.status(), events, out.requeueAfter(), out.done());
            };
            deterministic = false;
            return this;
        }

        /**
         * The job the steps decided (or, {@code forDeletion}, DeletionStep) finds no build slot free, or another
         * build on its table: what the decision layer says while it waits ({@code DecisionContext.noSlotFor}).
         */
        Given noSlotFree(boolean forDeletion) {
            action = g -> {
                DecisionContext ctx = g.context();
                Decision d = forDeletion ? DeletionStep.decide(ctx) : Steps.decide(ctx);
                assertThat(d).as("a job is decided").isInstanceOf(Decision.StartJob.class);
                return Outcome.of(ctx.noSlotFor((Decision.StartJob) d, SETTINGS.buildPollInterval()));
            };
            return this;
        }

        /** The intent the actor records before a job's statement is sent, for the decision the steps made. */
        Given intentOfDecidedJob() {
            action = g -> {
                DecisionContext ctx = g.context();
                Decision d = Steps.decide(ctx);
                assertThat(d).as("the steps decide to start a job").isInstanceOf(Decision.StartJob.class);
                JobPlan plan = ((Decision.StartJob) d).job();
                PostgresIndexStatus st = d.status();
                plan.kind().recordIntent(ctx, plan, 77, g.now);
                return new Outcome(d, st, List.of(plan.kind().started(ctx, plan, 77, st)), null, null);
            };
            deterministic = false; // build.startedAt is the wall clock
            return this;
        }
    }

    static Events collect(List<Decision.Event> into) {
        return new Events() {
            @Override
            public void normal(Reason reason, String message) {
                into.add(Decision.Event.normal(reason, message));
            }

            @Override
            public void warning(Reason reason, String message) {
                into.add(Decision.Event.warning(reason, message));
            }
        };
    }

    /** The steps, with what the checks after Ready read this time (the engine reads it only when a check is due). */
    static Given healthRead(Given g, HealthObservation h) {
        g.health = h;
        g.action = x -> Outcome.of(Steps.decide(x.context()));
        return g;
    }

    static Given given() {
        return new Given();
    }

    // ---------------------------------------------------------------------------------------------- Outcome

    /**
     * What a row produced: a decision (null for a recorded job outcome or a whole engine call), the status after
     * it, the events, when to look again, and (deletion through the engine) whether the finalizer goes.
     */
    record Outcome(Decision decision, PostgresIndexStatus status, List<Decision.Event> events, Duration after,
            Boolean released) {
        static Outcome of(Decision d) {
            Duration after = null;
            if (d instanceof Decision.Wait w) {
                after = w.requeue();
            } else if (d instanceof Decision.Stall s) {
                after = s.recheck();
            } else if (d instanceof Decision.Ready r) {
                after = r.resync();
            } else if (d instanceof Decision.Cancel c) {
                after = c.requeue();
            }
            return new Outcome(d, d.status(), d.events(), after, null);
        }

        static Outcome recorded(DecisionContext ctx) {
            return new Outcome(null, ctx.draft().status(), List.copyOf(ctx.events), null, null);
        }
    }

    static String describe(Decision.Event e) {
        return (e.warning() ? "Warning " : "Normal ") + e.reason();
    }

    static Optional<Condition> condition(PostgresIndexStatus st, String type) {
        return Conditions.get(st, type);
    }

    static String trueCondition(Phase phase) {
        return switch (phase) {
            case Ready -> ConditionType.READY;
            case Stalled -> ConditionType.STALLED;
            case Pending, Building, Deleting -> ConditionType.RECONCILING;
        };
    }

    // ------------------------------------------------------------------------------------------------ Row

    record Row(String name, Given given, Expect expect) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Row row(String name, Given given, Expect expect) {
        return new Row(name, given, expect);
    }

    // ---------------------------------------------------------------------------------------------- Expect

    /** What a row must produce. Events are compared exactly ("Warning TableNotFound"); none unless listed. */
    static final class Expect {
        Class<? extends Decision> type;
        Phase phase;
        Reason reason;
        boolean afterChecked;
        Duration after;
        List<String> events = List.of();
        final List<String> says = new ArrayList<>();
        Kind jobKind;
        String jobSql;
        String jobTarget;
        Boolean countAttempt;
        List<String> statements;
        boolean markChecked;
        String markComment;
        final List<FailureExpect> onFailure = new ArrayList<>();
        final List<Consumer<Outcome>> checks = new ArrayList<>();
        List<String> onSuccess;
        String markedIndex;

        record FailureExpect(SqlErrors.Failure failure, Class<? extends Decision> type, Phase phase, Reason reason,
                Duration after) {
        }

        private static Expect of(Class<? extends Decision> type, Phase phase, Reason reason) {
            Expect e = new Expect();
            e.type = type;
            e.phase = phase;
            e.reason = reason;
            return e;
        }

        /** Reconciling in {@code phase} with {@code reason}. */
        static Expect waits(Phase phase, Reason reason) {
            return of(Decision.Wait.class, phase, reason);
        }

        static Expect stalls(Reason reason) {
            return of(Decision.Stall.class, Phase.Stalled, reason);
        }

        static Expect ready(Reason reason) {
            return of(Decision.Ready.class, Phase.Ready, reason).after(SETTINGS.resyncInterval());
        }

        static Expect startsJob(Kind kind, String sql) {
            Expect e = of(Decision.StartJob.class, null, null);
            e.jobKind = kind;
            e.jobSql = sql;
            return e;
        }

        static Expect shortLock(String... statements) {
            Expect e = of(Decision.ShortLockDdl.class, null, null);
            e.statements = List.of(statements);
            return e;
        }

        /** COMMENT ON INDEX with this comment (null: the mark is released). */
        static Expect marks(String comment) {
            Expect e = of(Decision.Mark.class, null, null);
            e.markChecked = true;
            e.markComment = comment;
            return e;
        }

        static Expect cancels(int pid) {
            Expect e = of(Decision.Cancel.class, Phase.Deleting, Reason.Deleting);
            e.checks.add(o -> assertThat(((Decision.Cancel) o.decision()).pid()).as("cancelled pid").isEqualTo(pid));
            return e;
        }

        static Expect releases() {
            return of(Decision.Release.class, null, null);
        }

        /** No decision (a job outcome recorded, a retry gate that lets the work start). */
        static Expect recorded() {
            return of(null, null, null);
        }

        /** The status after the decision is in this phase with this reason on its conditions. */
        Expect phase(Phase p, Reason r) {
            this.phase = p;
            this.reason = r;
            return this;
        }

        Expect after(Duration d) {
            this.afterChecked = true;
            this.after = d;
            return this;
        }

        Expect noRecheck() {
            return after(null);
        }

        Expect events(String... e) {
            this.events = List.of(e);
            return this;
        }

        /** The message of the condition that is True contains each fragment. */
        Expect says(String... fragments) {
            says.addAll(List.of(fragments));
            return this;
        }

        Expect target(String t) {
            this.jobTarget = t;
            return this;
        }

        Expect counted(boolean c) {
            this.countAttempt = c;
            return this;
        }

        Expect onFailure(SqlErrors.Failure f, Class<? extends Decision> type, Phase phase, Reason reason,
                Duration after) {
            onFailure.add(new FailureExpect(f, type, phase, reason, after));
            return this;
        }

        /** A short-lock DDL's transient failure retries with the first backoff step (10s) while Reconciling. */
        Expect retriesOnLockTimeout(Phase phase, Reason reason) {
            return onFailure(LOCK_TIMEOUT, Decision.Wait.class, phase, reason, SETTINGS.retryBackoffBase());
        }

        /** A short-lock DDL's permanent failure stalls, re-checked on the permanent backoff. */
        Expect stallsOn(SqlErrors.Failure f, Reason reason) {
            return onFailure(f, Decision.Stall.class, Phase.Stalled, reason, SETTINGS.permanentRecheckBase());
        }

        /** The events a short-lock DDL raises once it committed. */
        Expect onSuccess(String... e) {
            this.onSuccess = List.of(e);
            return this;
        }

        /** The index a Mark comments on. */
        Expect on(String index) {
            this.markedIndex = index;
            return this;
        }

        Expect then(Consumer<Outcome> check) {
            checks.add(check);
            return this;
        }

        Expect status(Consumer<PostgresIndexStatus> check) {
            checks.add(o -> check.accept(o.status()));
            return this;
        }

        Expect job(Consumer<JobPlan> check) {
            checks.add(o -> check.accept(((Decision.StartJob) o.decision()).job()));
            return this;
        }
    }
}
