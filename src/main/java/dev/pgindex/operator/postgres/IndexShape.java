package dev.pgindex.operator.postgres;

import java.util.Objects;

/**
 * The normalised parts of an index definition, read from pg_index/pg_class on the same server for both the
 * existing index and a candidate built from the spec on an empty scratch copy of the table. Two indexes with
 * equal shapes (and tablespaces) are the same index as far as the planner and constraints are concerned.
 * Operator classes, collations and sort options are names as pg_get_indexdef prints them (schema-qualified
 * outside pg_catalog), so they compare exactly like the OIDs they stand for and read like the DDL.
 * {@code definition} is pg_get_indexdef's text; it is shown, never compared (the names in it differ).
 */
public record IndexShape(String method, boolean unique, boolean nullsNotDistinct, int keyColumns, int allColumns,
        String columns, String opclasses, String collations, String options, String expressions, String predicate,
        String reloptions, String definition) {

    /** Human-readable list of the fields that differ, for a Conflict message. */
    public String differences(IndexShape other) {
        StringBuilder b = new StringBuilder();
        diff(b, "method", method, other.method);
        diff(b, "unique", unique, other.unique);
        diff(b, "nulls not distinct", nullsNotDistinct, other.nullsNotDistinct);
        diff(b, "number of key columns", keyColumns, other.keyColumns);
        diff(b, "columns", columns, other.columns);
        diff(b, "operator classes", opclasses, other.opclasses);
        diff(b, "collations", collations, other.collations);
        diff(b, "sort order", options, other.options);
        diff(b, "expressions", expressions, other.expressions);
        diff(b, "predicate", predicate.isEmpty() ? "(none)" : predicate,
                other.predicate.isEmpty() ? "(none)" : other.predicate);
        diff(b, "storage parameters", reloptions.isEmpty() ? "(none)" : reloptions,
                other.reloptions.isEmpty() ? "(none)" : other.reloptions);
        return b.toString();
    }

    /** The same shape with another definition text (the real names where a scratch index was read). */
    IndexShape withDefinition(String text) {
        return new IndexShape(method, unique, nullsNotDistinct, keyColumns, allColumns, columns, opclasses,
                collations, options, expressions, predicate, reloptions, text);
    }

    /** The same shape with another print of its expressions and predicate. */
    IndexShape withPrinted(String printedExpressions, String printedPredicate) {
        return new IndexShape(method, unique, nullsNotDistinct, keyColumns, allColumns, columns, opclasses,
                collations, options, printedExpressions, printedPredicate, reloptions, definition);
    }

    private static void diff(StringBuilder b, String what, Object a, Object c) {
        if (!Objects.equals(a, c)) {
            b.append(b.length() == 0 ? "" : "; ").append(what).append(": existing ").append(a).append(", wanted ")
                    .append(c);
        }
    }
}
