package dev.pgindex.operator.postgres;

/** ANALYZE of a table after a build (spec.buildSettings.analyze), run as short-lock DDL. */
public final class Analyze {
    private Analyze() {
    }

    public static String statement(String schema, String table) {
        return "ANALYZE " + Quoting.qualified(schema, table);
    }
}
