package dev.pgindex.operator.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * amcheck: where it is installed, and the check the operator runs. Only bt_index_check (AccessShareLock: reads and
 * writes go on), with heapallindexed; never bt_index_parent_check, whose ShareLock blocks every writer.
 */
public final class Amcheck {
    /** SQLSTATE XX002 index_corrupted: what amcheck raises when it finds corruption. */
    public static final String INDEX_CORRUPTED = "XX002";

    /**
     * Whether the extension is installed, and in which schema (null when it is not); {@code role}: the session's
     * current_user, quoted, whom the grant of bt_index_check is for.
     */
    public record Installed(String schema, String role) {
        public boolean present() {
            return schema != null;
        }
    }

    private Amcheck() {
    }

    static Installed installed(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT (SELECT n.nspname FROM pg_catalog.pg_extension e "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = ?), "
                + "pg_catalog.quote_ident(current_user)")) {
            ps.setString(1, "amcheck");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Installed(rs.getString(1), rs.getString(2));
            }
        }
    }

    /** The check of index {@code indexOid}, with the function qualified by the extension's schema. */
    public static String check(String schema, long indexOid) {
        return "SELECT " + Quoting.ident(schema) + ".bt_index_check(" + indexOid
                + "::pg_catalog.oid::pg_catalog.regclass, true)";
    }
}
