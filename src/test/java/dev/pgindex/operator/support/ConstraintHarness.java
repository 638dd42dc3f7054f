package dev.pgindex.operator.support;

import dev.pgindex.operator.api.v1alpha1.CheckSpec;
import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.ConnectionRef;
import dev.pgindex.operator.api.v1alpha1.ForeignKeySpec;
import dev.pgindex.operator.api.v1alpha1.NotNullSpec;
import dev.pgindex.operator.api.v1alpha1.PostgresConstraintSpec;
import dev.pgindex.operator.api.v1alpha1.PostgresConstraintStatus;
import dev.pgindex.operator.api.v1alpha1.TableRef;
import dev.pgindex.operator.decide.Settings;
import dev.pgindex.operator.decide.constraint.ConstraintInput;
import dev.pgindex.operator.engine.ConstraintEngine;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.postgres.Databases;
import dev.pgindex.operator.postgres.IndexBuilder;
import dev.pgindex.operator.postgres.InvalidDefinitionException;
import dev.pgindex.operator.spec.ParsedConstraint;
import dev.pgindex.operator.spec.Windows;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Drives the real {@link ConstraintEngine} against a real PostgreSQL the way the reconciler does, with status kept
 * in memory. {@link #restartOperator()} throws the engine away, as a restarted pod would.
 */
public final class ConstraintHarness implements AutoCloseable {
    public final String uid = UUID.randomUUID().toString();
    public final String name;
    public final PostgresConstraintSpec spec;
    public final ConnectionInfo connection;
    public PostgresConstraintStatus status = new PostgresConstraintStatus();
    public Boolean namedIndexReady;
    public final List<String> events = Collections.synchronizedList(new ArrayList<>());
    public final List<PostgresConstraintStatus> persisted = Collections.synchronizedList(new ArrayList<>());
    public Duration lastRequeue;
    private final Settings settings;
    private ConstraintEngine engine;

    public ConstraintHarness(String name, ConnectionInfo connection, PostgresConstraintSpec spec) {
        this(name, connection, spec, EngineHarness.FAST);
    }

    public ConstraintHarness(String name, ConnectionInfo connection, PostgresConstraintSpec spec, Settings settings) {
        this.name = name;
        this.connection = connection;
        this.spec = spec;
        this.settings = settings;
        this.engine = newEngine(settings);
    }

    /** A second resource of the same operator process (the same job runner). */
    public ConstraintHarness(String name, PostgresConstraintSpec spec, ConstraintHarness sameProcess) {
        this.name = name;
        this.connection = sameProcess.connection;
        this.spec = spec;
        this.settings = sameProcess.settings;
        this.engine = sameProcess.engine;
    }

    private static ConstraintEngine newEngine(Settings settings) {
        Databases dbs = new Databases(5, 30);
        return new ConstraintEngine(dbs, new IndexBuilder<>(dbs), settings);
    }

    public void restartOperator() {
        engine.builder().close();
        engine = newEngine(settings);
    }

    public static PostgresConstraintSpec base(String table, String name) {
        PostgresConstraintSpec s = new PostgresConstraintSpec();
        ConnectionRef c = new ConnectionRef();
        c.setSecretName("db");
        s.setConnection(c);
        s.setTable(table);
        s.setName(name);
        s.setRecheckInterval("1s");
        s.setLockRetries(3);
        return s;
    }

    public static PostgresConstraintSpec foreignKey(String table, String name, List<String> columns, String refTable,
            List<String> refColumns) {
        PostgresConstraintSpec s = base(table, name);
        ForeignKeySpec fk = new ForeignKeySpec();
        fk.setColumns(columns);
        TableRef r = new TableRef();
        r.setTable(refTable);
        r.setColumns(refColumns);
        fk.setReferences(r);
        s.setForeignKey(fk);
        return s;
    }

    public static PostgresConstraintSpec check(String table, String name, String expression) {
        PostgresConstraintSpec s = base(table, name);
        CheckSpec c = new CheckSpec();
        c.setExpression(expression);
        s.setCheck(c);
        return s;
    }

    public static PostgresConstraintSpec notNull(String table, String name, String column) {
        PostgresConstraintSpec s = base(table, name);
        NotNullSpec n = new NotNullSpec();
        n.setColumn(column);
        s.setNotNull(n);
        return s;
    }

    private ConstraintInput input() {
        ParsedConstraint parsed = null;
        String invalid = null;
        try {
            parsed = ParsedConstraint.of(spec, Windows.NONE);
        } catch (InvalidDefinitionException e) {
            invalid = e.getMessage();
        }
        return new ConstraintInput(uid, "default/" + name, 1, spec, parsed, invalid, null, null, status,
                Instant.now(), settings, namedIndexReady, connection);
    }

    public ConstraintEngine.Result reconcile() throws Exception {
        ConstraintEngine.Result r = engine.reconcile(input(), persisted::add,
                e -> events.add((e.warning() ? "Warning " : "Normal ") + e.reason() + ": " + e.message()), () -> { });
        status = r.status();
        lastRequeue = r.requeueAfter();
        return r;
    }

    public ConstraintEngine.Result cleanup() throws Exception {
        ConstraintEngine.Result r = engine.cleanup(input(), Instant.now(),
                e -> events.add((e.warning() ? "Warning " : "Normal ") + e.reason() + ": " + e.message()));
        status = r.status();
        return r;
    }

    /** Reconciles, sleeping as the requeue says (at most 200 ms), until {@code done} holds. */
    public PostgresConstraintStatus reconcileUntil(Predicate<PostgresConstraintStatus> done, Duration timeout)
            throws Exception {
        Instant end = Instant.now().plus(timeout);
        while (true) {
            reconcile();
            if (done.test(status)) {
                return status;
            }
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("not reached in " + timeout + "; status conditions: " + reasons()
                        + "; events: " + events);
            }
            Thread.sleep(Math.min(200, lastRequeue == null ? 200 : Math.max(20, lastRequeue.toMillis())));
        }
    }

    public boolean releasedWithin(Duration timeout) throws Exception {
        Instant end = Instant.now().plus(timeout);
        while (Instant.now().isBefore(end)) {
            if (cleanup().released()) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    public static Predicate<PostgresConstraintStatus> is(String type, String reason) {
        return s -> s.getConditions().stream().anyMatch(c -> c.getType().equals(type) && "True".equals(c.getStatus())
                && (reason == null || reason.equals(c.getReason())));
    }

    public static Predicate<PostgresConstraintStatus> ready() {
        return is(ConditionType.READY, null);
    }

    public String reasons() {
        return status.getConditions().stream().filter(c -> "True".equals(c.getStatus()))
                .map(c -> c.getType() + "/" + c.getReason() + ": " + c.getMessage()).toList().toString();
    }

    @Override
    public void close() {
        engine.builder().close();
    }
}
