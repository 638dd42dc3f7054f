package dev.pgindex.operator.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Index bloat: pgstattuple's pgstatindex() where the extension is installed (exact, reads the whole index, so it
 * runs as a job), otherwise an estimate from the planner's statistics on the monitor session (one catalog read).
 * Both give the share of the index beyond what its live entries need at its fillfactor (90 for a b-tree unless
 * set).
 */
public final class Bloat {
    /** What was read when a measurement was due: pgstattuple's schema (null: not installed) or an estimate. */
    public record Reading(String pgstattupleSchema, Estimate estimate) {
    }

    /**
     * The statistics an estimate is made from: the index's size, its tuple count (reltuples, -1 when never
     * vacuumed or analyzed), fillfactor, the summed average width of its columns and how many columns have
     * statistics of the columns.
     */
    public record Estimate(long bytes, double tuples, int fillfactor, double width, int columns, int withStats) {
        static final int PAGE = 8192;
        static final int PAGE_OVERHEAD = 24 + 16; // page header, b-tree special space

        /** Bloat in percent, or null when the statistics are missing (never analyzed). */
        public Double percent() {
            if (tuples < 0 || withStats < columns || bytes < 2L * PAGE) {
                return bytes < 2L * PAGE && tuples >= 0 ? 0.0 : null;
            }
            double tuple = Math.ceil((8 + width) / 8.0) * 8 + 4; // IndexTupleData + data, MAXALIGNed, + line pointer
            double usable = (PAGE - PAGE_OVERHEAD) * fillfactor / 100.0;
            double expectedPages = Math.ceil(tuples * tuple / usable) + 1; // + the metapage
            double pages = bytes / (double) PAGE;
            return Math.max(0, Math.round(1000 * (1 - expectedPages / pages)) / 10.0);
        }
    }

    private Bloat() {
    }

    static final String ESTIMATE = "SELECT pg_catalog.pg_relation_size(i.indexrelid), c.reltuples, "
            + "coalesce((SELECT o.option_value::int FROM pg_catalog.pg_options_to_table(c.reloptions) o "
            + "WHERE o.option_name = 'fillfactor'), 90), w.width, i.indnatts, w.with_stats "
            + "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
            + "JOIN pg_catalog.pg_class t ON t.oid = i.indrelid "
            + "JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace "
            // each index column's statistics: the table column's, or for an expression the index's own (ANALYZE)
            + "CROSS JOIN LATERAL (SELECT coalesce(sum(s.avg_width), 0) AS width, count(s.attname) AS with_stats "
            + "  FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_attribute ta "
            + "  ON ta.attrelid = i.indrelid AND ta.attnum = i.indkey[a.attnum - 1] "
            + "  LEFT JOIN pg_catalog.pg_stats s ON s.schemaname = n.nspname AND (CASE WHEN ta.attnum IS NOT NULL "
            + "  THEN s.tablename = t.relname AND s.attname = ta.attname "
            + "  ELSE s.tablename = c.relname AND s.attname = a.attname END) "
            + "  WHERE a.attrelid = i.indexrelid AND a.attnum > 0) w "
            + "WHERE i.indexrelid = ?";

    /** pgstattuple's schema and, when it is not installed, the estimate of index {@code indexOid}. */
    static Reading read(Connection c, long indexOid) throws SQLException {
        String schema;
        try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname FROM pg_catalog.pg_extension e "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = ?")) {
            ps.setString(1, "pgstattuple");
            try (ResultSet rs = ps.executeQuery()) {
                schema = rs.next() ? rs.getString(1) : null;
            }
        }
        if (schema != null) {
            return new Reading(schema, null);
        }
        try (PreparedStatement ps = c.prepareStatement(ESTIMATE)) {
            ps.setLong(1, indexOid);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new Reading(null, null);
                }
                return new Reading(null, new Estimate(rs.getLong(1), rs.getDouble(2), rs.getInt(3), rs.getDouble(4),
                        rs.getInt(5), rs.getInt(6)));
            }
        }
    }

    /**
     * The pgstatindex job's statement: one value, "percent size", the percent being the share of the leaf pages
     * beyond the live entries at the index's fillfactor (100 - avg_leaf_density * 100 / fillfactor), 0 when empty.
     */
    public static String measure(String schema, long indexOid) {
        return "SELECT (CASE WHEN s.leaf_pages = 0 THEN 0 ELSE greatest(0, round((100 - s.avg_leaf_density * 100 "
                + "/ f.ff)::numeric, 1)) END)::text || ' ' || s.index_size FROM " + Quoting.ident(schema)
                + ".pgstatindex(" + indexOid + "::pg_catalog.oid::pg_catalog.regclass) s, (SELECT coalesce((SELECT "
                + "o.option_value::int FROM pg_catalog.pg_options_to_table(c.reloptions) o WHERE o.option_name = "
                + "'fillfactor'), 90) AS ff FROM pg_catalog.pg_class c WHERE c.oid = " + indexOid + ") f";
    }
}
