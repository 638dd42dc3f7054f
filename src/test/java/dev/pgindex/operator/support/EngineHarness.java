package dev.pgindex.operator.support;

import dev.pgindex.operator.api.v1alpha1.ConnectionRef;
import dev.pgindex.operator.api.v1alpha1.IndexColumn;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.Request;
import dev.pgindex.operator.decide.Settings;
import dev.pgindex.operator.engine.DeleteOutcome;
import dev.pgindex.operator.engine.Events;
import dev.pgindex.operator.engine.IndexEngine;
import dev.pgindex.operator.engine.Outcome;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.postgres.Databases;
import dev.pgindex.operator.postgres.IndexBuilder;
import dev.pgindex.operator.status.StatusCopies;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Drives the real {@link IndexEngine} against a real PostgreSQL the way the reconciler does, with status kept in
 * memory instead of the API server (the end-to-end suite covers the API server). Each harness is one
 * PostgresIndex; {@link #restartOperator()} throws the engine away and starts a new one, as a restarted pod would.
 */
public final class EngineHarness implements AutoCloseable {
    public static final Settings FAST = new Settings(1, Duration.ofSeconds(1),
            Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofMillis(300),
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1));

    public final String uid = UUID.randomUUID().toString();
    public final String name;
    public final PostgresIndexSpec spec;
    public ConnectionInfo connection;
    public Reason connectionProblem;
    public long generation = 1;
    public PostgresIndexStatus status = new PostgresIndexStatus();
    /** The replicas of spec.usage.replicas, as the reconciler would have read them from their Secrets. */
    public List<dev.pgindex.operator.decide.UsageReplica> replicas = List.of();
    public final List<String> events = Collections.synchronizedList(new ArrayList<>());
    public final List<PostgresIndexStatus> persisted = Collections.synchronizedList(new ArrayList<>());
    /** How often the engine asked for this resource to be reconciled again (a job ended, a build slot freed). */
    public final java.util.concurrent.atomic.AtomicInteger wakeUps = new java.util.concurrent.atomic.AtomicInteger();
    private IndexEngine engine;
    private final Settings settings;

    public EngineHarness(String name, ConnectionInfo connection, PostgresIndexSpec spec) {
        this(name, connection, spec, FAST);
    }

    public EngineHarness(String name, ConnectionInfo connection, PostgresIndexSpec spec,
            Settings settings) {
        this.name = name;
        this.connection = connection;
        this.spec = spec;
        this.settings = settings;
        this.engine = newEngine();
    }

    /** A second resource reconciled by the same operator process (the same engine, its jobs and queues). */
    public EngineHarness(String name, ConnectionInfo connection, PostgresIndexSpec spec, EngineHarness sameProcess) {
        this.name = name;
        this.connection = connection;
        this.spec = spec;
        this.settings = sameProcess.settings;
        this.engine = sameProcess.engine;
    }

    private IndexEngine newEngine() {
        Databases dbs = new Databases(5, 30);
        return new IndexEngine(dbs, new IndexBuilder<>(dbs), settings);
    }

    public static PostgresIndexSpec spec(String table, String index, String... columns) {
        PostgresIndexSpec s = new PostgresIndexSpec();
        ConnectionRef ref = new ConnectionRef();
        ref.setSecretName("db-app");
        s.setConnection(ref);
        s.setTable(table);
        s.setName(index);
        List<IndexColumn> cols = new ArrayList<>();
        for (String c : columns) {
            cols.add(IndexColumn.named(c));
        }
        s.setColumns(cols);
        return s;
    }

    public Request request() {
        return new Request(uid, "default", name, generation, spec, connectionProblem == null ? connection : null,
                connectionProblem, connectionProblem == null ? null : "Secret default/db-app not found", () -> replicas);
    }

    public Outcome reconcile() throws Exception {
        Outcome o = engine.reconcile(request(), status, s -> {
            persisted.add(StatusCopies.copy(s));
            status = StatusCopies.copy(s);
        }, events(), wakeUps::incrementAndGet);
        status = o.status();
        return o;
    }

    /** Reconciles (honouring requeue delays, capped) until the predicate holds; fails with the status if not. */
    public PostgresIndexStatus reconcileUntil(Predicate<PostgresIndexStatus> done, Duration timeout) throws Exception {
        Instant end = Instant.now().plus(timeout);
        while (true) {
            Outcome o = reconcile();
            if (done.test(status)) {
                return status;
            }
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("condition not reached within " + timeout + "; status: "
                        + Json.write(status) + "\nevents: " + events);
            }
            long wait = o.requeueAfter() == null ? 200 : Math.min(500, Math.max(20, o.requeueAfter().toMillis()));
            Thread.sleep(wait);
        }
    }

    public DeleteOutcome delete(Instant requestedAt) {
        DeleteOutcome o = engine.cleanup(request(), status, requestedAt, events());
        status = o.status();
        return o;
    }

    public void deleteUntilDone(Duration timeout) throws Exception {
        Instant requested = Instant.now();
        Instant end = requested.plus(timeout);
        while (!delete(requested).done()) {
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("deletion not done within " + timeout + "; status " + Json.write(status));
            }
            Thread.sleep(100);
        }
    }

    /** Simulates an operator restart: the old engine stops (its in-flight statements keep running in PostgreSQL). */
    public void restartOperator() {
        engine.builder().close();
        engine = newEngine();
    }

    public IndexEngine engine() {
        return engine;
    }

    private Events events() {
        return new Events() {
            @Override
            public void normal(Reason reason, String message) {
                events.add("Normal " + reason + ": " + message);
            }

            @Override
            public void warning(Reason reason, String message) {
                events.add("Warning " + reason + ": " + message);
            }
        };
    }

    @Override
    public void close() {
        engine.builder().close();
    }
}
