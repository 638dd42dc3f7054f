package dev.pgindex.operator.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The catalog reads behind `kubectl pgindex grants`: who owns the tables (and the leaves of a partitioned one), where
 * the extensions live, and whether an existing role holds each grant of a {@link Grants#plan} or more than it.
 * Every value is a bind parameter; every check is PostgreSQL's own (has_*_privilege, pg_has_role USAGE: privileges
 * actually usable, so a membership without INHERIT does not count).
 */
public final class GrantCheck {
    /** A table as the catalog has it: its owner, and whether it is partitioned. */
    public record TableInfo(String schema, String name, String owner, boolean partitioned) {
    }

    /** A grant of the plan the role lacks, with the statement that fixes it. */
    public record Missing(Grants.Grant grant, String detail, String fix) {
    }

    /** Something the role has and no feature needs. */
    public record Extra(String what, String detail, String fix) {
    }

    /** Role attributes no feature needs, with the ALTER ROLE that removes each. */
    static final List<String> ATTRIBUTES = List.of("rolsuper:SUPERUSER", "rolbypassrls:BYPASSRLS",
            "rolcreaterole:CREATEROLE", "rolcreatedb:CREATEDB", "rolreplication:REPLICATION");
    /** Predefined roles that give more than any feature needs (the ones some feature needs are judged by the plan). */
    static final List<String> BROAD_ROLES = List.of("pg_write_all_data", "pg_read_all_data", "pg_maintain",
            "pg_execute_server_program", "pg_read_server_files", "pg_write_server_files", "pg_monitor",
            "pg_read_all_settings", "pg_read_all_stats", "pg_stat_scan_tables", "pg_signal_backend", "pg_checkpoint",
            "pg_create_subscription", "pg_use_reserved_connections", "pg_signal_autovacuum_worker");

    private GrantCheck() {
    }

    public static int majorVersion(Connection c) throws SQLException {
        return Catalog.serverVersionNum(c) / 10000;
    }

    /** The table, or empty when it does not exist. */
    public static Optional<TableInfo> table(Connection c, String schema, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.pg_get_userbyid(t.relowner), t.relkind = 'p' "
                + "FROM pg_catalog.pg_class t JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace "
                + "WHERE n.nspname = ? AND t.relname = ? AND t.relkind IN ('r', 'p')")) {
            ps.setString(1, schema);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new TableInfo(schema, name, rs.getString(1), rs.getBoolean(2)))
                        : Optional.empty();
            }
        }
    }

    /** Every partition below a partitioned table, sub-partitioned ones included, with its owner. */
    public static List<TableInfo> partitions(Connection c, String schema, String name) throws SQLException {
        List<TableInfo> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname, t.relname, pg_catalog.pg_get_userbyid("
                + "t.relowner), t.relkind = 'p' FROM pg_catalog.pg_partition_tree(pg_catalog.format('%I.%I', ?, ?)"
                + "::regclass) p JOIN pg_catalog.pg_class t ON t.oid = p.relid JOIN pg_catalog.pg_namespace n "
                + "ON n.oid = t.relnamespace WHERE p.level > 0 ORDER BY p.level, 1, 2")) {
            ps.setString(1, schema);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new TableInfo(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4)));
                }
            }
        }
        return out;
    }

    /** The schema an extension is installed in, or empty. */
    public static Optional<String> extensionSchema(Connection c, String extension) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname FROM pg_catalog.pg_extension e "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = ?")) {
            ps.setString(1, extension);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** Whether the role exists. */
    public static boolean roleExists(Connection c, String role) throws SQLException {
        return bool(c, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ?)", role);
    }

    /** The grants of the plan {@code role} does not hold. */
    public static List<Missing> missing(Connection c, String role, int version, List<Grants.Grant> plan)
            throws SQLException {
        List<Missing> out = new ArrayList<>();
        for (Grants.Grant g : plan) {
            Grants.Privilege p = g.privilege();
            String fix = Grants.sql(p, role, version);
            switch (p.kind()) {
                case LOGIN -> {
                    if (!bool(c, "SELECT rolcanlogin FROM pg_catalog.pg_roles WHERE rolname = ?", role)) {
                        out.add(new Missing(g, "the role cannot log in", "ALTER ROLE " + Quoting.ident(role)
                                + " LOGIN;"));
                    }
                }
                case DATABASE -> check(out, g, fix, bool(c, "SELECT pg_catalog.has_database_privilege(?, ?, ?)", role,
                        p.object(), p.name()), p.name() + " on database " + p.object());
                case SCHEMA -> check(out, g, fix, bool(c, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE "
                        + "nspname = ? AND pg_catalog.has_schema_privilege(?, oid, ?))", p.schema(), role, p.name()),
                        p.name() + " on schema " + p.schema());
                case OWNERSHIP -> {
                    for (String table : g.tables()) {
                        if (!bool(c, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class WHERE oid = pg_catalog."
                                + "to_regclass(?) AND pg_catalog.pg_has_role(?, relowner, 'USAGE'))", table, role)) {
                            out.add(new Missing(g, "does not own " + table + (p.name() == null ? "" : " (owner: "
                                    + p.name() + ", whose privileges it must inherit)"), fix));
                        }
                    }
                }
                case TABLE -> check(out, g, fix, bool(c, "SELECT coalesce(pg_catalog.has_table_privilege(?, pg_catalog"
                        + ".to_regclass(?), ?), false)", role, Quoting.qualified(p.schema(), p.object()), p.name()),
                        p.name() + " on table " + p.schema() + "." + p.object());
                case ROLE -> check(out, g, fix, bool(c, "SELECT pg_catalog.pg_has_role(?, ?, 'USAGE')", role,
                        p.name()), "the privileges of " + p.name());
                case FUNCTION -> check(out, g, fix, bool(c, "SELECT coalesce(pg_catalog.has_function_privilege(?, "
                        + "pg_catalog.to_regprocedure(?)::oid, 'EXECUTE'), false)", role, Quoting.qualified(p.schema(),
                        Grants.AMCHECK_FUNCTION) + Grants.AMCHECK_ARGS), "EXECUTE on " + p.schema() + "."
                        + p.object() + " (amcheck installed there by a superuser: CREATE EXTENSION amcheck)");
            }
        }
        return out;
    }

    private static void check(List<Missing> out, Grants.Grant g, String fix, boolean holds, String what) {
        if (!holds) {
            out.add(new Missing(g, "lacks " + what, fix));
        }
    }

    /**
     * What {@code role} holds beyond the plan: attributes, broad predefined roles, CREATE on the database, and
     * ownership (direct or through a role) of tables outside {@code named} (skipped when {@code named} is empty).
     */
    public static List<Extra> extras(Connection c, String role, String database, List<Grants.Grant> plan,
            Set<String> named) throws SQLException {
        List<Extra> out = new ArrayList<>();
        String r = Quoting.ident(role);
        for (String a : ATTRIBUTES) {
            String[] col = a.split(":");
            if (bool(c, "SELECT " + col[0] + " FROM pg_catalog.pg_roles WHERE rolname = ?", role)) {
                out.add(new Extra(col[1], "role attribute no feature needs", "ALTER ROLE " + r + " NO" + col[1] + ";"));
            }
        }
        if (bool(c, "SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = ?", role)) {
            return out; // a superuser holds everything; the rest would list it all again
        }
        Set<String> planned = new java.util.HashSet<>();
        plan.stream().filter(g -> g.privilege().kind() == Grants.Kind.ROLE).forEach(g -> planned.add(g.privilege().name()));
        for (String broad : BROAD_ROLES) {
            boolean needed = planned.contains(broad);
            if (!needed && bool(c, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ? AND "
                    + "pg_catalog.pg_has_role(?, oid, 'MEMBER'))", broad, role)) {
                out.add(new Extra("member of " + broad, "a predefined role no feature turned on needs",
                        "REVOKE " + Quoting.ident(broad) + " FROM " + r + ";"));
            }
        }
        if (bool(c, "SELECT pg_catalog.has_database_privilege(?, ?, 'CREATE')", role, database)) {
            out.add(new Extra("CREATE on database " + database, "lets it create schemas",
                    "REVOKE CREATE ON DATABASE " + Quoting.ident(database) + " FROM " + r + ";"));
        }
        if (!named.isEmpty()) {
            ownedElsewhere(c, role, named, out);
        }
        return out;
    }

    private static void ownedElsewhere(Connection c, String role, Set<String> named, List<Extra> out)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname, t.relname, pg_catalog.pg_get_userbyid("
                + "t.relowner) FROM pg_catalog.pg_class t JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace "
                + "WHERE t.relkind IN ('r', 'p') AND NOT t.relispartition AND n.nspname !~ '^pg_' "
                + "AND n.nspname <> 'information_schema' AND pg_catalog.pg_has_role(?, t.relowner, 'USAGE') "
                + "ORDER BY 1, 2")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String t = Quoting.qualified(rs.getString(1), rs.getString(2));
                    String owner = rs.getString(3);
                    if (!named.contains(t)) {
                        out.add(new Extra("owns " + t, "no manifest names it (owner: " + owner + ")",
                                owner.equals(role) ? "ALTER TABLE " + t + " OWNER TO <its owner>;"
                                        : "give the tables the operator manages an owner role of their own"));
                    }
                }
            }
        }
    }

    private static boolean bool(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
