package dev.pgindex.operator.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A table constraint as the spec asks for it, checked on construction (every identifier through {@link Quoting},
 * the CHECK expression through {@link SqlFragments}), and every statement of the online protocol as text: the
 * count of violating rows, ADD ... NOT VALID, VALIDATE, and for NOT NULL before PostgreSQL 18 the helper CHECK,
 * SET NOT NULL and its drop. Pure: exact strings, tested without a server.
 */
public record ConstraintDefinition(String schema, String table, String name, Shape shape) {
    /** How many violating rows the preflight shows (status.violations.sample). */
    public static final int SAMPLE = 5;
    /** PostgreSQL 18 has NOT NULL ... NOT VALID constraints (and NOT VALID foreign keys on partitioned tables). */
    public static final int NATIVE_NOT_NULL_VERSION = 180000;
    /**
     * From PostgreSQL 18 a foreign key can be added NOT VALID to a partitioned table; before, PostgreSQL refuses it
     * (42809, "cannot add NOT VALID foreign key on partitioned table ..."). Referencing a partitioned table, and a
     * CHECK NOT VALID on one, work from 12.
     */
    public static final int PARTITIONED_NOT_VALID_FK_VERSION = 180000;
    /**
     * The session of the count of violating rows: read-only (whatever a CHECK expression calls can read, never
     * write), and one backend, as VALIDATE is (a parallel plan would take two more cores from the writers).
     */
    public static final java.util.Map<String, String> PREFLIGHT_SESSION = java.util.Map.of(
            "default_transaction_read_only", "on", "max_parallel_workers_per_gather", "0");
    private static final Set<String> ACTIONS = Set.of("NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT");

    /** What kind of constraint, with its own fields. */
    public sealed interface Shape permits ForeignKey, Check, NotNull {
    }

    /** FOREIGN KEY; {@code onDelete}, {@code onUpdate} are SQL words (NO ACTION ...), {@code match} SIMPLE or FULL. */
    public record ForeignKey(List<String> columns, String refSchema, String refTable, List<String> refColumns,
            String onDelete, String onUpdate, String match, boolean deferrable, boolean initiallyDeferred)
            implements Shape {
        public ForeignKey {
            columns = List.copyOf(columns);
            refColumns = List.copyOf(refColumns);
        }
    }

    public record Check(String expression) implements Shape {
    }

    public record NotNull(String column) implements Shape {
    }

    public ConstraintDefinition {
        Quoting.checkName("schema", schema, Quoting.IDENTIFIER_PATTERN);
        Quoting.checkName("table", table, Quoting.IDENTIFIER_PATTERN);
        Quoting.checkName("name", name, Quoting.IDENTIFIER_PATTERN);
        if (shape instanceof ForeignKey fk) {
            if (fk.columns().isEmpty() || fk.columns().size() != fk.refColumns().size()) {
                throw new InvalidDefinitionException("foreignKey.columns and foreignKey.references.columns must "
                        + "have the same, non-zero length");
            }
            names("foreignKey.columns", fk.columns());
            names("foreignKey.references.columns", fk.refColumns());
            Quoting.checkName("foreignKey.references.schema", fk.refSchema(), Quoting.IDENTIFIER_PATTERN);
            Quoting.checkName("foreignKey.references.table", fk.refTable(), Quoting.IDENTIFIER_PATTERN);
            if (!ACTIONS.contains(fk.onDelete()) || !ACTIONS.contains(fk.onUpdate())
                    || !Set.of("SIMPLE", "FULL").contains(fk.match())) {
                throw new InvalidDefinitionException("unknown referential action or MATCH type");
            }
            if (fk.initiallyDeferred() && !fk.deferrable()) {
                throw new InvalidDefinitionException("initiallyDeferred needs deferrable");
            }
        } else if (shape instanceof Check c) {
            SqlFragments.check("check.expression", c.expression());
        } else if (shape instanceof NotNull n) {
            Quoting.checkName("notNull.column", n.column(), Quoting.IDENTIFIER_PATTERN);
        } else {
            throw new InvalidDefinitionException("exactly one of foreignKey, check and notNull");
        }
    }

    private static void names(String field, List<String> names) {
        for (int i = 0; i < names.size(); i++) {
            Quoting.checkName(field + "[" + i + "]", names.get(i), Quoting.IDENTIFIER_PATTERN);
        }
    }

    public String qualifiedTable() {
        return Quoting.qualified(schema, table);
    }

    /** schema.table.name, for messages. */
    public String displayName() {
        return schema + "." + table + " constraint " + name;
    }

    /** Whether this is a NOT NULL that the server must emulate with a helper CHECK (before PostgreSQL 18). */
    public boolean needsHelperCheck(int serverVersion) {
        return shape instanceof NotNull && serverVersion < NATIVE_NOT_NULL_VERSION;
    }

    /** The constraint clause after ADD CONSTRAINT name (without NOT VALID). */
    public String clause(int serverVersion) {
        if (shape instanceof ForeignKey fk) {
            StringBuilder s = new StringBuilder("FOREIGN KEY (").append(idents(fk.columns())).append(") REFERENCES ")
                    .append(Quoting.qualified(fk.refSchema(), fk.refTable())).append(" (")
                    .append(idents(fk.refColumns())).append(")");
            if (!"SIMPLE".equals(fk.match())) {
                s.append(" MATCH ").append(fk.match());
            }
            if (!"NO ACTION".equals(fk.onUpdate())) {
                s.append(" ON UPDATE ").append(fk.onUpdate());
            }
            if (!"NO ACTION".equals(fk.onDelete())) {
                s.append(" ON DELETE ").append(fk.onDelete());
            }
            if (fk.deferrable()) {
                s.append(" DEFERRABLE");
                if (fk.initiallyDeferred()) {
                    s.append(" INITIALLY DEFERRED");
                }
            }
            return s.toString();
        }
        if (shape instanceof Check c) {
            return "CHECK (" + c.expression() + ")";
        }
        NotNull n = (NotNull) shape;
        return needsHelperCheck(serverVersion) ? "CHECK (" + Quoting.ident(n.column()) + " IS NOT NULL)"
                : "NOT NULL " + Quoting.ident(n.column());
    }

    /** ALTER TABLE ... ADD CONSTRAINT name clause NOT VALID: a short lock, no scan. */
    public String addNotValid(int serverVersion) {
        return "ALTER TABLE " + qualifiedTable() + " ADD CONSTRAINT " + Quoting.ident(name) + " "
                + clause(serverVersion) + " NOT VALID";
    }

    /** VALIDATE CONSTRAINT: scans the table under SHARE UPDATE EXCLUSIVE (reads and writes go on). */
    public String validate() {
        return "ALTER TABLE " + qualifiedTable() + " VALIDATE CONSTRAINT " + Quoting.ident(name);
    }

    /**
     * Before 18: SET NOT NULL, which uses the validated helper CHECK instead of scanning, then drops the helper
     * (also on a server upgraded to 18 since the helper was added).
     */
    public List<String> setNotNullAndDropHelper() {
        NotNull n = (NotNull) shape;
        return List.of("ALTER TABLE " + qualifiedTable() + " ALTER COLUMN " + Quoting.ident(n.column())
                + " SET NOT NULL", drop());
    }

    public String drop() {
        return "ALTER TABLE " + qualifiedTable() + " DROP CONSTRAINT " + Quoting.ident(name);
    }

    /** Before 18, deleting a NOT NULL this resource set (reclaimPolicy Delete). */
    public String dropNotNull() {
        return "ALTER TABLE " + qualifiedTable() + " ALTER COLUMN " + Quoting.ident(((NotNull) shape).column())
                + " DROP NOT NULL";
    }

    /** COMMENT ON CONSTRAINT (the ownership mark, or null to release it). */
    public String comment(String text) {
        return "COMMENT ON CONSTRAINT " + Quoting.ident(name) + " ON " + qualifiedTable() + " IS "
                + (text == null ? "NULL" : Quoting.literal(text));
    }

    /**
     * One row, one column: the violating rows as JSON {@code {"count": n, "sample": ["(42)", ...]}}. Run in a
     * read-only transaction: whatever the CHECK expression calls can read, never write. {@code sampleKey}: the
     * columns that identify a row (the primary key's), or empty for ctid.
     */
    public String preflight(List<String> sampleKey) {
        String t = "t";
        String where;
        String key;
        String from = qualifiedTable() + " " + t;
        if (shape instanceof ForeignKey fk) {
            List<String> c = new ArrayList<>();
            List<String> join = new ArrayList<>();
            for (int i = 0; i < fk.columns().size(); i++) {
                c.add(t + "." + Quoting.ident(fk.columns().get(i)));
                join.add("r." + Quoting.ident(fk.refColumns().get(i)) + " = " + c.get(i));
            }
            String missing = "NOT EXISTS (SELECT 1 FROM " + Quoting.qualified(fk.refSchema(), fk.refTable())
                    + " r WHERE " + String.join(" AND ", join) + ")";
            String allSet = "(" + String.join(" AND ", c.stream().map(x -> x + " IS NOT NULL").toList()) + ")";
            where = "FULL".equals(fk.match())
                    ? "(" + allSet + " AND " + missing + ") OR (NOT " + allSet + " AND ("
                            + String.join(" OR ", c.stream().map(x -> x + " IS NOT NULL").toList()) + "))"
                    : allSet + " AND " + missing;
            key = "ROW(" + String.join(", ", c) + ")::text";
        } else {
            where = shape instanceof Check ch ? "NOT (" + ch.expression() + ")"
                    : t + "." + Quoting.ident(((NotNull) shape).column()) + " IS NULL";
            key = sampleKey.isEmpty() ? t + ".ctid::text"
                    : "ROW(" + String.join(", ", sampleKey.stream().map(k -> t + "." + Quoting.ident(k)).toList())
                            + ")::text";
        }
        // the sample's subquery is an InitPlan, run only when CASE needs it: a clean table is scanned once
        return "SELECT pg_catalog.json_build_object('count', c.n, 'sample', CASE WHEN c.n > 0 THEN (SELECT "
                + "pg_catalog.json_agg(k) FROM (SELECT " + key + " AS k FROM " + from + " WHERE " + where + " LIMIT "
                + SAMPLE + ") s) END)::text FROM (SELECT pg_catalog.count(*) AS n FROM " + from + " WHERE " + where
                + ") c";
    }

    private static String idents(List<String> names) {
        return String.join(", ", names.stream().map(Quoting::ident).toList());
    }
}
