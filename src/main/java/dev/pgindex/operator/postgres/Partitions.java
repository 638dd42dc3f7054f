package dev.pgindex.operator.postgres;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The partition tree of a partitioned table, and the per-partition indexes the operator builds for it. PostgreSQL
 * cannot build an index on a partitioned table concurrently, so the recipe is: CREATE INDEX ... ON ONLY the parent
 * (catalog only, INVALID), CREATE INDEX CONCURRENTLY on every leaf partition, then ALTER INDEX ... ATTACH PARTITION
 * bottom-up; the parent index turns valid by itself once every partition has an attached valid index.
 */
public final class Partitions {
    private Partitions() {
    }

    /** One table of the tree; {@code parentOid} is 0 for the root. */
    public record Partition(long oid, String schema, String name, long parentOid, boolean leaf, int level) {
    }

    /** The whole tree below (and including) the root, parents before children (pg_partition_tree, PG12+). */
    public static List<Partition> tree(Connection c, long rootOid) throws SQLException {
        String sql = "SELECT t.relid::oid, n.nspname, c.relname, coalesce(t.parentrelid::oid, 0), t.isleaf, t.level "
                + "FROM pg_catalog.pg_partition_tree(?::oid) t JOIN pg_catalog.pg_class c ON c.oid = t.relid "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ORDER BY t.level, n.nspname, c.relname";
        List<Partition> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, rootOid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Partition(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                            rs.getBoolean(5), rs.getInt(6)));
                }
            }
        }
        return out;
    }

    /**
     * The name of the index on one partition: {@code <index>_<partition>}, or, when that exceeds 63 bytes, a
     * shortened prefix plus a digest of the full name, so names stay unique and stable.
     */
    public static String childIndexName(String indexName, String partitionName) {
        String full = indexName + "_" + partitionName;
        if (full.getBytes(StandardCharsets.UTF_8).length <= Quoting.MAX_IDENTIFIER_BYTES) {
            return full;
        }
        try {
            String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(full.getBytes(StandardCharsets.UTF_8))).substring(0, 8);
            String prefix = full;
            while ((prefix + "_" + digest).getBytes(StandardCharsets.UTF_8).length > Quoting.MAX_IDENTIFIER_BYTES) {
                prefix = prefix.substring(0, prefix.length() - 1);
            }
            return prefix + "_" + digest;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The partitioned index this index is attached to, if any. */
    public static Optional<Long> attachedTo(Connection c, long indexOid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT inhparent FROM pg_catalog.pg_inherits WHERE inhrelid = ?")) {
            ps.setLong(1, indexOid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }
}
