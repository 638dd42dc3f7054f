package dev.pgindex.operator.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The schemas of a database that match a PostgresIndexSet's pattern: one catalog read of pg_namespace, the pattern
 * a bind parameter (PostgreSQL's own ~ operator), system schemas never included.
 */
public final class Schemas {
    /** pg_catalog, pg_toast, pg_temp_N, pg_toast_temp_N and any other pg_* schema, and information_schema. */
    static final String SQL = "SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname ~ ? "
            + "AND nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY nspname";

    private Schemas() {
    }

    /** Names of the schemas matching the pattern, in name order (C collation of the catalog). */
    public static List<String> matching(Databases databases, ConnectionInfo info, String pattern)
            throws DatabaseException {
        try (Connection c = databases.monitor(info); PreparedStatement ps = c.prepareStatement(SQL)) {
            ps.setString(1, pattern);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw DatabaseException.of(e);
        }
    }
}
