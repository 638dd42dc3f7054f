package dev.pgindex.operator.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The collations an index's key columns (and key expressions) depend on, with the version the catalog recorded and
 * the one the collation library reports now: one read with a bind parameter (pg_index.indcollation). Collations
 * without a version (C, POSIX, ucs_basic, a C database default) and non-collatable columns are left out. The
 * database default ("default", OID 100) is versioned in pg_database from PostgreSQL 15; before that it is left out
 * (PostgreSQL records no version for it).
 */
public final class Collations {
    /** The database's default collation in pg_collation. */
    static final long DEFAULT_COLLATION_OID = 100;

    /** One versioned collation: its name, the catalog's recorded version (may be null) and the actual one. */
    public record Dependency(String collation, String recorded, String actual) {
    }

    private Collations() {
    }

    static final String SQL_15 = "SELECT DISTINCT CASE WHEN k.coll = 100 THEN 'default' ELSE c.collname::text END, "
            + "CASE WHEN k.coll = 100 THEN d.datcollversion ELSE c.collversion END, "
            + "CASE WHEN k.coll = 100 THEN pg_catalog.pg_database_collation_actual_version(d.oid) "
            + "ELSE pg_catalog.pg_collation_actual_version(c.oid) END "
            + "FROM pg_catalog.pg_index i CROSS JOIN LATERAL unnest(i.indcollation::oid[]) AS k(coll) "
            + "JOIN pg_catalog.pg_collation c ON c.oid = k.coll "
            + "JOIN pg_catalog.pg_database d ON d.datname = pg_catalog.current_database() "
            + "WHERE i.indexrelid = ? AND k.coll <> 0 ORDER BY 1";

    static final String SQL_BEFORE_15 = "SELECT DISTINCT c.collname::text, c.collversion, "
            + "pg_catalog.pg_collation_actual_version(c.oid) "
            + "FROM pg_catalog.pg_index i CROSS JOIN LATERAL unnest(i.indcollation::oid[]) AS k(coll) "
            + "JOIN pg_catalog.pg_collation c ON c.oid = k.coll "
            + "WHERE i.indexrelid = ? AND k.coll NOT IN (0, 100) ORDER BY 1";

    /** The versioned collations of index {@code indexOid}, by name. */
    static List<Dependency> of(Connection c, long indexOid, int serverVersion) throws SQLException {
        List<Dependency> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(serverVersion >= 150000 ? SQL_15 : SQL_BEFORE_15)) {
            ps.setLong(1, indexOid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String recorded = rs.getString(2);
                    String actual = rs.getString(3);
                    if (recorded != null || actual != null) {
                        out.add(new Dependency(rs.getString(1), recorded, actual));
                    }
                }
            }
        }
        return out;
    }
}
