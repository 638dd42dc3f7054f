package dev.pgindex.operator.postgres;

/**
 * The normalised parts of an index definition, read from pg_index/pg_class on the same server for both the
 * existing index and a candidate built from the spec on an empty scratch copy of the table. Two indexes with
 * equal shapes (and tablespaces) are the same index as far as the planner and constraints are concerned.
 */
public record IndexShape(String method, boolean unique, boolean nullsNotDistinct, int keyColumns, int allColumns,
        String columns, String opclasses, String collations, String options, String expressions, String predicate,
        String reloptions) {

    /** Human-readable list of the fields that differ, for a Conflict message. */
    public String differences(IndexShape other) {
        StringBuilder b = new StringBuilder();
        diff(b, "method", method, other.method);
        diff(b, "unique", unique, other.unique);
        diff(b, "nullsNotDistinct", nullsNotDistinct, other.nullsNotDistinct);
        diff(b, "key columns", keyColumns, other.keyColumns);
        diff(b, "columns", columns, other.columns);
        diff(b, "opclasses", opclasses, other.opclasses);
        diff(b, "collations", collations, other.collations);
        diff(b, "order/nulls", options, other.options);
        diff(b, "expressions", expressions, other.expressions);
        diff(b, "predicate", predicate, other.predicate);
        diff(b, "storage parameters", reloptions, other.reloptions);
        return b.toString();
    }

    private static void diff(StringBuilder b, String what, Object a, Object c) {
        if (!java.util.Objects.equals(a, c)) {
            b.append(b.length() == 0 ? "" : "; ").append(what).append(": existing ").append(a).append(", wanted ")
                    .append(c);
        }
    }
}
