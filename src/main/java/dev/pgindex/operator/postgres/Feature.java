package dev.pgindex.operator.postgres;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What the operator (or the kubectl plugin) does on a database, as far as privileges go: each feature needs the
 * grants {@link Grants} lists for it. {@link #flag()} is how `kubectl pgindex grants --feature` names it.
 */
public enum Feature {
    /** Always on: log in, reach the database and the tables' schemas; advisory locks need nothing more. */
    CONNECT("the connection: LOGIN, CONNECT on the database, USAGE on the tables' schemas"),
    /** CREATE INDEX CONCURRENTLY, COMMENT ON INDEX (build and adopt) and the candidate check on a TEMPORARY copy. */
    BUILD("build and adopt: CREATE INDEX CONCURRENTLY, COMMENT ON INDEX, the candidate check on a temporary copy"),
    /** reclaimPolicy: Delete: DROP INDEX CONCURRENTLY, DROP INDEX of a partitioned index, DROP CONSTRAINT. */
    DROP("reclaimPolicy: Delete: DROP INDEX [CONCURRENTLY], ALTER TABLE ... DROP CONSTRAINT"),
    /** A partitioned table: CREATE INDEX ON ONLY, a build per leaf, ALTER INDEX ... ATTACH PARTITION. */
    PARTITIONS("partitioned tables: CREATE INDEX ON ONLY, one build per leaf, ALTER INDEX ... ATTACH PARTITION"),
    /** spec.constraint (USING INDEX) and every PostgresConstraint: ALTER TABLE ADD / VALIDATE / SET NOT NULL. */
    CONSTRAINT("constraints: ALTER TABLE ... ADD CONSTRAINT (USING INDEX, NOT VALID), VALIDATE, SET NOT NULL"),
    /** A PostgresConstraint CHECK, tried first on an empty TEMPORARY copy of the table. */
    CHECK("a CHECK constraint: tried on an empty temporary copy of the table first"),
    /** A PostgresConstraint foreign key: REFERENCES (to add it) and SELECT (to count violations) on the target. */
    FOREIGN_KEY("a foreign key: REFERENCES on the referenced table, SELECT to count the violating rows"),
    /** REINDEX INDEX CONCURRENTLY (spec.rebuild, the health checks' rebuilds) and its leftovers dropped. */
    REBUILD("rebuilds: REINDEX INDEX CONCURRENTLY, and DROP INDEX CONCURRENTLY of its _ccnew/_ccold leftovers"),
    /** ANALYZE of the table after a build of an index with expressions or a predicate. */
    ANALYZE("ANALYZE of the table after a build (spec.buildSettings.analyze)"),
    /** spec.replicaLag: pg_stat_replication's positions. */
    REPLICA_LAG("the replica lag guard (spec.replicaLag): pg_stat_replication"),
    /** spec.blockingSessions Cancel or Terminate: pg_cancel_backend / pg_terminate_backend of other roles. */
    BLOCKING_SESSIONS("ending blocking sessions (spec.blockingSessions Cancel or Terminate)"),
    /** The state and query of other roles' sessions (blockers' details, spec.blockingSessions.states). */
    BLOCKER_DETAILS("the state and query of other roles' sessions (status.blockers, spec.blockingSessions.states)"),
    /** After Ready: size and scans (pg_stat_user_indexes). */
    USAGE("usage after Ready: pg_stat_user_indexes, pg_relation_size"),
    /** After Ready: collation versions (pg_collation_actual_version, 15+ pg_database_collation_actual_version). */
    COLLATION_DRIFT("collation drift: pg_collation_actual_version, pg_database_collation_actual_version (15+)"),
    /** spec.health.verify: amcheck's bt_index_check. */
    VERIFY("verification (spec.health.verify): amcheck's bt_index_check(regclass, boolean)"),
    /** spec.health.bloat: pgstattuple's pgstatindex. */
    BLOAT("bloat (spec.health.bloat): pgstattuple's pgstatindex"),
    /** kubectl pgindex import, audit and from-sql: read-only, plus the round-trip check on temporary copies. */
    PLUGIN("kubectl pgindex import, audit, from-sql: catalog reads, the check on temporary copies");

    private final String description;

    Feature(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** {@code FOREIGN_KEY} is {@code foreign-key}. */
    public String flag() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<Feature> ofFlag(String flag) {
        return Arrays.stream(values()).filter(f -> f.flag().equals(flag.trim().toLowerCase(Locale.ROOT))).findFirst();
    }
}
