package dev.pgindex.operator.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * DDL text as pure functions of an {@link IndexDefinition}. Identifiers go through {@link Quoting#ident}; the
 * user's fragments have passed {@link SqlFragments#check} and are wrapped in parentheses. There is deliberately
 * no function for a plain (blocking) CREATE INDEX on a user table: the only non-concurrent build is
 * {@link #scratchIndex} on an empty temporary table of the operator's own.
 */
public final class Ddl {
    private Ddl() {
    }

    /** {@code CREATE [UNIQUE] INDEX CONCURRENTLY "name" ON "schema"."table" USING method (...) ...}. */
    public static String createIndexConcurrently(IndexDefinition d) {
        return create(d, true, Quoting.qualified(d.schema(), d.table()), Quoting.ident(d.name()), true);
    }

    /**
     * {@code CREATE INDEX ... ON ONLY} a partitioned table: a catalog entry only (no scan, INVALID until every
     * partition has an attached index), so it is instant; the caller sets a short lock_timeout.
     */
    public static String createIndexOnOnly(IndexDefinition d) {
        return create(d, false, "ONLY " + Quoting.qualified(d.schema(), d.table()), Quoting.ident(d.name()), true);
    }

    /** Attaches a partition's index to the partitioned index (a brief lock on both; short lock_timeout). */
    public static String attachPartition(String parentSchema, String parentIndex, String childSchema,
            String childIndex) {
        return "ALTER INDEX " + Quoting.qualified(parentSchema, parentIndex) + " ATTACH PARTITION "
                + Quoting.qualified(childSchema, childIndex);
    }

    /** Drops a partitioned index and its attached partition indexes (DROP INDEX CONCURRENTLY cannot). */
    public static String dropPartitionedIndex(String schema, String name) {
        return "DROP INDEX IF EXISTS " + Quoting.qualified(schema, name);
    }

    /** The candidate index on the operator's empty scratch copy of the table, used to normalise and check. */
    public static String scratchIndex(IndexDefinition d, String scratchTable, String candidateName) {
        return create(d, false, "pg_temp." + Quoting.ident(scratchTable), Quoting.ident(candidateName), false);
    }

    /** {@code CREATE TEMP TABLE "scratch" (LIKE "schema"."table")}: same columns, types and collations. */
    public static String scratchTable(IndexDefinition d, String scratchTable) {
        return "CREATE TEMP TABLE " + Quoting.ident(scratchTable) + " (LIKE "
                + Quoting.qualified(d.schema(), d.table()) + ")";
    }

    /** The single-row probe that the server parses as one cursor: {@code SELECT 1 FROM t WHERE (pred) LIMIT 0}. */
    public static String predicateProbe(IndexDefinition d) {
        return "SELECT 1 FROM " + Quoting.qualified(d.schema(), d.table()) + " WHERE (" + d.where() + ") LIMIT 0";
    }

    /** {@code SELECT (expr) FROM t LIMIT 0}. */
    public static String expressionProbe(IndexDefinition d, String expression) {
        return "SELECT (" + expression + ") FROM " + Quoting.qualified(d.schema(), d.table()) + " LIMIT 0";
    }

    /** Rebuilds an index online under the same name (PG12+); leaves name_ccnew/_ccold behind if it fails. */
    public static String reindexConcurrently(String schema, String name) {
        return "REINDEX INDEX CONCURRENTLY " + Quoting.qualified(schema, name);
    }

    public static String dropIndexConcurrently(String schema, String name) {
        return "DROP INDEX CONCURRENTLY IF EXISTS " + Quoting.qualified(schema, name);
    }

    /** Makes a valid unique index back a constraint; PostgreSQL renames the index to the constraint's name. */
    public static String addConstraintUsingIndex(String schema, String table, String name, boolean primaryKey) {
        return "ALTER TABLE " + Quoting.qualified(schema, table) + " ADD CONSTRAINT " + Quoting.ident(name)
                + (primaryKey ? " PRIMARY KEY" : " UNIQUE") + " USING INDEX " + Quoting.ident(name);
    }

    /** Drops a constraint together with the index that backs it. */
    public static String dropConstraint(String schema, String table, String name) {
        return "ALTER TABLE " + Quoting.qualified(schema, table) + " DROP CONSTRAINT " + Quoting.ident(name);
    }

    public static String commentOnIndex(String schema, String name, String comment) {
        return "COMMENT ON INDEX " + Quoting.qualified(schema, name) + " IS "
                + (comment == null ? "NULL" : Quoting.literal(comment));
    }

    private static String create(IndexDefinition d, boolean concurrently, String table, String name,
            boolean withTablespace) {
        StringBuilder sql = new StringBuilder("CREATE ");
        if (d.unique()) {
            sql.append("UNIQUE ");
        }
        sql.append("INDEX ");
        if (concurrently) {
            sql.append("CONCURRENTLY ");
        }
        sql.append(name).append(" ON ").append(table).append(" USING ").append(d.methodLower()).append(" (");
        List<String> cols = new ArrayList<>();
        for (IndexDefinition.Column c : d.columns()) {
            cols.add(column(c));
        }
        sql.append(String.join(", ", cols)).append(')');
        if (!d.include().isEmpty()) {
            sql.append(" INCLUDE (").append(String.join(", ", d.include().stream().map(Quoting::ident).toList()))
                    .append(')');
        }
        if (d.nullsNotDistinct()) {
            sql.append(" NULLS NOT DISTINCT");
        }
        if (!d.storageParameters().isEmpty()) {
            List<String> params = new ArrayList<>();
            for (Map.Entry<String, String> p : d.storageParameters().entrySet()) {
                params.add(Quoting.ident(p.getKey()) + " = " + Quoting.literal(p.getValue()));
            }
            sql.append(" WITH (").append(String.join(", ", params)).append(')');
        }
        if (withTablespace && d.tablespace() != null) {
            sql.append(" TABLESPACE ").append(Quoting.ident(d.tablespace()));
        }
        if (d.where() != null) {
            sql.append(" WHERE (").append(d.where()).append(')');
        }
        return sql.toString();
    }

    private static String column(IndexDefinition.Column c) {
        StringBuilder s = new StringBuilder();
        s.append(c.name() != null ? Quoting.ident(c.name()) : "(" + c.expression() + ")");
        if (c.collation() != null) {
            s.append(" COLLATE ").append(Quoting.ident(c.collation()));
        }
        if (c.opclass() != null) {
            s.append(' ').append(Quoting.ident(c.opclass()));
        }
        if (c.descending() != null) {
            s.append(c.descending() ? " DESC" : " ASC");
        }
        if (c.nullsFirst() != null) {
            s.append(c.nullsFirst() ? " NULLS FIRST" : " NULLS LAST");
        }
        return s.toString();
    }
}
