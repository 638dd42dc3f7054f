package dev.pgindex.operator.postgres;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The least privilege of the operator's role, per feature and PostgreSQL version, as proven on real servers 12, 15,
 * 17 and 18 (GrantsMatrixTest). CREATE INDEX has no privilege of its own: it needs the table's owner (a member of
 * the owning role, with its privileges inherited), and CREATE on the schema besides. {@link #plan} turns a role, a
 * database, tables and features into the grants; {@link #sql} prints each, identifiers quoted with {@link Quoting}.
 */
public final class Grants {
    /** One table the features touch; {@code owner} null when unknown (not connected and no --owner). */
    public record Table(String schema, String name, String owner, Set<Feature> features) {
        public String qualified() {
            return Quoting.qualified(schema, name);
        }
    }

    /** The kinds of privilege, in the order they are printed. */
    public enum Kind { LOGIN, DATABASE, SCHEMA, OWNERSHIP, TABLE, ROLE, FUNCTION }

    /**
     * One privilege: {@code name} is CONNECT, USAGE, SELECT, EXECUTE, the predefined role or the owning role;
     * {@code schema} and {@code object} name what it is on (the database in {@code object} for DATABASE).
     */
    public record Privilege(Kind kind, String name, String schema, String object) {
    }

    /** A privilege, the features that need it, why, and (OWNERSHIP) the tables it is for. */
    public record Grant(Privilege privilege, Set<Feature> features, String why, List<String> tables) {
    }

    /** What to grant: the role, its database, the server's major version (12, 15, 17...). */
    public record Request(String role, String database, int version, Set<Feature> features, List<Table> tables,
            String amcheckSchema, String pgstattupleSchema) {
    }

    public static final String AMCHECK_FUNCTION = "bt_index_check";
    public static final String AMCHECK_ARGS = "(regclass, boolean)";
    /** Features whose statements need the table's owner (MAINTAIN on 17+ suffices for ANALYZE alone). */
    static final Set<Feature> OWNER = EnumSet.of(Feature.BUILD, Feature.DROP, Feature.PARTITIONS, Feature.CONSTRAINT,
            Feature.CHECK, Feature.REBUILD);

    private Grants() {
    }

    /** Every grant the request needs, ordered by kind, without the ones a table's ownership already gives. */
    public static List<Grant> plan(Request r) {
        Map<Privilege, Grant> out = new LinkedHashMap<>();
        Set<Feature> all = EnumSet.of(Feature.CONNECT);
        all.addAll(r.features());
        r.tables().forEach(t -> all.addAll(t.features()));
        add(out, new Privilege(Kind.LOGIN, "LOGIN", null, null), Feature.CONNECT, "log in", null);
        add(out, new Privilege(Kind.DATABASE, "CONNECT", null, r.database()), Feature.CONNECT,
                "connect (PUBLIC has it unless revoked)", null);
        for (Table t : r.tables()) {
            add(out, new Privilege(Kind.SCHEMA, "USAGE", t.schema(), null), Feature.CONNECT,
                    "look up the tables of the schema", null);
        }
        for (Feature f : List.of(Feature.BUILD, Feature.CHECK, Feature.PLUGIN)) {
            if (all.contains(f)) {
                add(out, new Privilege(Kind.DATABASE, "TEMPORARY", null, r.database()), f, "CREATE TEMP TABLE ... "
                        + "(LIKE the table): definitions checked on an empty temporary copy", null);
            }
        }
        for (Table t : r.tables()) {
            for (Feature f : t.features()) {
                tableNeeds(out, r.version(), t, f);
            }
        }
        for (Feature f : List.of(Feature.REPLICA_LAG, Feature.BLOCKER_DETAILS, Feature.PLUGIN)) {
            if (all.contains(f)) {
                add(out, new Privilege(Kind.ROLE, "pg_read_all_stats", null, null), f, f == Feature.REPLICA_LAG
                        ? "pg_stat_replication's positions (pg_monitor includes it)" : "other roles' sessions and "
                        + "builds: state, query, pg_stat_progress_create_index", null);
            }
        }
        if (all.contains(Feature.BLOCKING_SESSIONS)) {
            add(out, new Privilege(Kind.ROLE, "pg_signal_backend", null, null), Feature.BLOCKING_SESSIONS,
                    "pg_cancel_backend / pg_terminate_backend of other roles' sessions (never a superuser's)", null);
        }
        if (all.contains(Feature.BLOAT)) {
            add(out, new Privilege(Kind.SCHEMA, "USAGE", r.pgstattupleSchema(), null), Feature.BLOAT,
                    "pgstattuple's schema", null);
            add(out, new Privilege(Kind.ROLE, "pg_stat_scan_tables", null, null), Feature.BLOAT,
                    "EXECUTE on pgstatindex (pgstattuple grants it to pg_stat_scan_tables)", null);
        }
        if (all.contains(Feature.VERIFY)) {
            add(out, new Privilege(Kind.SCHEMA, "USAGE", r.amcheckSchema(), null), Feature.VERIFY,
                    "amcheck's schema", null);
            add(out, new Privilege(Kind.FUNCTION, "EXECUTE", r.amcheckSchema(), AMCHECK_FUNCTION + AMCHECK_ARGS),
                    Feature.VERIFY, "amcheck revokes EXECUTE from PUBLIC; no ownership needed", null);
        }
        List<Grant> grants = new ArrayList<>(out.values());
        grants.removeIf(g -> g.privilege().kind() == Kind.TABLE && ownedByPlan(grants, g.privilege()));
        grants.sort(Comparator.comparing((Grant g) -> g.privilege().kind()));
        return grants;
    }

    private static void tableNeeds(Map<Privilege, Grant> out, int version, Table t, Feature f) {
        String owner = t.owner();
        if (OWNER.contains(f)) {
            add(out, new Privilege(Kind.OWNERSHIP, owner, null, null), f, "CREATE INDEX, COMMENT, DROP, ALTER TABLE "
                    + "and ALTER INDEX have no privilege of their own: the table's owner", t.qualified());
        }
        if (f == Feature.BUILD || f == Feature.PARTITIONS) {
            add(out, new Privilege(Kind.SCHEMA, "CREATE", t.schema(), null), f, "CREATE INDEX checks CREATE on the "
                    + "table's schema besides ownership", null);
        }
        if (f == Feature.REBUILD || f == Feature.ANALYZE) {
            add(out, version >= 17 ? new Privilege(Kind.TABLE, "MAINTAIN", t.schema(), t.name())
                    : new Privilege(Kind.OWNERSHIP, owner, null, null), f, version >= 17 ? "REINDEX, ANALYZE "
                    + "(MAINTAIN, 17+; without it ANALYZE only warns and skips)" : "REINDEX, ANALYZE: the owner before "
                    + "17 (ANALYZE only warns and skips without)", version >= 17 ? null : t.qualified());
        }
        if (f == Feature.FOREIGN_KEY) {
            add(out, new Privilege(Kind.TABLE, "REFERENCES", t.schema(), t.name()), f,
                    "ADD CONSTRAINT ... FOREIGN KEY referencing it", null);
            add(out, new Privilege(Kind.TABLE, "SELECT", t.schema(), t.name()), f, "count the violating rows (an "
                    + "anti-join; VALIDATE itself falls back to a row-by-row check without it)", null);
        }
        if (f == Feature.PLUGIN) {
            add(out, new Privilege(Kind.TABLE, "SELECT", t.schema(), t.name()), f,
                    "CREATE TEMP TABLE ... (LIKE the table) needs SELECT on it", null);
        }
    }

    /** A table privilege the plan's ownership of the same table already gives. */
    private static boolean ownedByPlan(List<Grant> grants, Privilege p) {
        String table = Quoting.qualified(p.schema(), p.object());
        return grants.stream().anyMatch(g -> g.privilege().kind() == Kind.OWNERSHIP && g.tables().contains(table));
    }

    private static void add(Map<Privilege, Grant> out, Privilege p, Feature f, String why, String table) {
        Grant g = out.computeIfAbsent(p, k -> new Grant(k, new TreeSet<>(), why, new ArrayList<>()));
        g.features().add(f);
        if (table != null && !g.tables().contains(table)) {
            g.tables().add(table);
        }
    }

    /**
     * The statement that gives {@code role} the privilege on server {@code version}: CREATE ROLE for LOGIN, a
     * membership for ownership ({@code WITH INHERIT TRUE, SET FALSE} from 16 on: the owner's privileges without
     * becoming it), a comment when the owner is unknown.
     */
    public static String sql(Privilege p, String role, int version) {
        String to = " TO " + Quoting.ident(role) + ";";
        return switch (p.kind()) {
            case LOGIN -> "CREATE ROLE " + Quoting.ident(role) + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
                    + "NOREPLICATION NOBYPASSRLS INHERIT;";
            case DATABASE -> "GRANT " + p.name() + " ON DATABASE " + Quoting.ident(p.object()) + to;
            case SCHEMA -> "GRANT " + p.name() + " ON SCHEMA " + Quoting.ident(p.schema()) + to;
            case OWNERSHIP -> p.name() == null ? "-- GRANT <the tables' owner>" + to + " (owner unknown: connect, "
                    + "or give --owner)" : "GRANT " + Quoting.ident(p.name()) + " TO " + Quoting.ident(role)
                    + (version >= 16 ? " WITH INHERIT TRUE, SET FALSE;" : ";");
            case TABLE -> "GRANT " + p.name() + " ON TABLE " + Quoting.qualified(p.schema(), p.object()) + to;
            case ROLE -> "GRANT " + Quoting.ident(p.name()) + to;
            case FUNCTION -> "GRANT EXECUTE ON FUNCTION " + Quoting.qualified(p.schema(), AMCHECK_FUNCTION)
                    + AMCHECK_ARGS + to;
        };
    }

    /** The other way to own a table: make the operator's role its owner (ALTER TABLE ... OWNER TO). */
    public static String ownerInstead(String table, String role) {
        return "ALTER TABLE " + table + " OWNER TO " + Quoting.ident(role) + ";";
    }
}
