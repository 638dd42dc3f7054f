package dev.pgindex.operator.cli;

import dev.pgindex.operator.postgres.Feature;
import dev.pgindex.operator.postgres.GrantCheck;
import dev.pgindex.operator.postgres.Grants;
import dev.pgindex.operator.postgres.Quoting;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The logic of `kubectl pgindex grants`, without picocli: the features (flags or manifests) and tables become a
 * {@link Grants.Request}, completed from the catalog when connected (owners, partitions, extension schemas, the
 * server's version), then a plan printed as SQL or checked against an existing role.
 */
final class Privileges {
    /** What the command line asked for; {@code connection} may be null (print only). */
    record Input(String role, String database, Integer version, Set<Feature> features, List<String> tables,
            List<String> references, List<String> manifests, String owner) {
    }

    record Plan(Grants.Request request, List<Grants.Grant> grants, List<String> notes) {
    }

    record Check(Plan plan, boolean roleExists, List<GrantCheck.Missing> missing, List<GrantCheck.Extra> extra) {
    }

    /** Every feature of the operator (--all); the plugin's is asked for on its own. */
    static final Set<Feature> OPERATOR = EnumSet.complementOf(EnumSet.of(Feature.PLUGIN));

    private Privileges() {
    }

    static Plan plan(Input in, Connection c) throws SQLException {
        List<String> notes = new ArrayList<>();
        GrantManifests.Result m = GrantManifests.read(in.manifests());
        notes.addAll(m.notes());
        Map<String, GrantManifests.Use> uses = new LinkedHashMap<>(m.uses());
        Set<Feature> tableFeatures = EnumSet.noneOf(Feature.class);
        in.features().stream().filter(f -> f != Feature.FOREIGN_KEY).forEach(tableFeatures::add);
        for (String t : in.tables()) {
            use(uses, t, tableFeatures);
        }
        for (String t : in.references()) {
            use(uses, t, EnumSet.of(Feature.FOREIGN_KEY));
        }
        if (in.features().contains(Feature.FOREIGN_KEY) && in.references().isEmpty() && m.uses().isEmpty()) {
            notes.add("foreign-key: name the referenced tables with --references SCHEMA.TABLE");
        }
        if (uses.isEmpty()) {
            notes.add("no tables named (-f or --table): the grants on tables are not printed");
        }
        int version = in.version() != null ? in.version() : c != null ? GrantCheck.majorVersion(c) : -1;
        if (version < 0) {
            throw Main.Failure.usage("say which PostgreSQL: --server-version N, or connect (--dsn, --secret)");
        }
        List<Grants.Table> tables = new ArrayList<>();
        String amcheck = "public";
        String pgstattuple = "public";
        if (c != null) {
            for (GrantManifests.Use u : uses.values()) {
                tables.addAll(fromCatalog(c, u, notes));
            }
            amcheck = extension(c, "amcheck", in.features(), uses, Feature.VERIFY, notes);
            pgstattuple = extension(c, "pgstattuple", in.features(), uses, Feature.BLOAT, notes);
        } else {
            uses.values().forEach(u -> tables.add(new Grants.Table(u.schema(), u.table(), in.owner(), u.features())));
            if (!uses.isEmpty()) {
                notes.add("not connected: partitioned tables (whose leaves may have other owners) are not detected");
            }
        }
        Set<Feature> features = EnumSet.noneOf(Feature.class);
        features.addAll(in.features());
        uses.values().forEach(u -> features.addAll(u.features()));
        Grants.Request r = new Grants.Request(in.role(), in.database(), version, features, tables, amcheck,
                pgstattuple);
        List<Grants.Grant> grants = Grants.plan(r);
        if (grants.stream().anyMatch(g -> g.privilege().kind() == Grants.Kind.OWNERSHIP && g.privilege().name() == null)) {
            notes.add("the owner of " + grants.stream().filter(g -> g.privilege().kind() == Grants.Kind.OWNERSHIP
                    && g.privilege().name() == null).findFirst().orElseThrow().tables() + " is unknown: connect "
                    + "(--dsn, --secret) or give --owner");
        }
        return new Plan(r, grants, notes);
    }

    private static void use(Map<String, GrantManifests.Use> uses, String qualified, Set<Feature> features) {
        int dot = qualified.indexOf('.');
        String schema = dot < 0 ? "public" : qualified.substring(0, dot);
        String table = qualified.substring(dot + 1);
        uses.computeIfAbsent(schema + "." + table, k -> new GrantManifests.Use(schema, table,
                EnumSet.noneOf(Feature.class))).features().addAll(features);
    }

    /** The table with its owner, and when partitioned every partition below it (a build per leaf, each owned). */
    private static List<Grants.Table> fromCatalog(Connection c, GrantManifests.Use u, List<String> notes)
            throws SQLException {
        Optional<GrantCheck.TableInfo> t = GrantCheck.table(c, u.schema(), u.table());
        if (t.isEmpty()) {
            notes.add("table " + u.schema() + "." + u.table() + " does not exist: its owner is unknown");
            return List.of(new Grants.Table(u.schema(), u.table(), null, u.features()));
        }
        List<Grants.Table> out = new ArrayList<>();
        Set<Feature> f = EnumSet.copyOf(u.features());
        if (t.get().partitioned() && f.contains(Feature.BUILD)) {
            f.add(Feature.PARTITIONS);
            for (GrantCheck.TableInfo p : GrantCheck.partitions(c, u.schema(), u.table())) {
                out.add(new Grants.Table(p.schema(), p.name(), p.owner(), EnumSet.of(Feature.PARTITIONS)));
            }
        }
        out.add(0, new Grants.Table(u.schema(), u.table(), t.get().owner(), f));
        return out;
    }

    private static String extension(Connection c, String name, Set<Feature> flags, Map<String, GrantManifests.Use> uses,
            Feature feature, List<String> notes) throws SQLException {
        Optional<String> schema = GrantCheck.extensionSchema(c, name);
        boolean wanted = flags.contains(feature) || uses.values().stream().anyMatch(u -> u.features().contains(feature));
        if (schema.isEmpty() && wanted) {
            notes.add(name + " is not installed in this database: a superuser runs CREATE EXTENSION " + name
                    + (feature == Feature.BLOAT ? " (without it the operator estimates bloat from statistics)" : ""));
        }
        return schema.orElse("public");
    }

    static Check check(Connection c, Plan p) throws SQLException {
        Grants.Request r = p.request();
        if (!GrantCheck.roleExists(c, r.role())) {
            List<GrantCheck.Missing> all = p.grants().stream().map(g -> new GrantCheck.Missing(g, "role " + r.role()
                    + " does not exist", Grants.sql(g.privilege(), r.role(), r.version()))).toList();
            return new Check(p, false, all, List.of());
        }
        Set<String> named = r.tables().stream().map(Grants.Table::qualified).collect(Collectors.toSet());
        return new Check(p, true, GrantCheck.missing(c, r.role(), r.version(), p.grants()),
                GrantCheck.extras(c, r.role(), r.database(), p.grants(), named));
    }

    /** The plan's statements alone, in order, without comments (what a test runs). */
    static List<String> statements(Plan p) {
        return p.grants().stream().map(g -> Grants.sql(g.privilege(), p.request().role(), p.request().version()))
                .filter(s -> !s.startsWith("--")).toList();
    }

    /** The plan as a SQL script for psql, each statement with the features that need it. */
    static String sql(Plan p) {
        Grants.Request r = p.request();
        StringBuilder b = new StringBuilder();
        b.append("-- kubectl pgindex grants: role ").append(r.role()).append(", database ").append(r.database())
                .append(", PostgreSQL ").append(r.version()).append('\n');
        b.append("-- features: ").append(features(p)).append('\n');
        for (String n : p.notes()) {
            b.append("-- note: ").append(n).append('\n');
        }
        for (Grants.Grant g : p.grants()) {
            if (g.privilege().kind() == Grants.Kind.OWNERSHIP) {
                b.append("-- CREATE INDEX has no privilege of its own: the role must own ").append(String.join(", ",
                        g.tables())).append(".\n-- Membership in the owner role (").append(r.version() >= 16
                        ? "INHERIT TRUE: its privileges; SET FALSE: never becoming it" : "the role is INHERIT")
                        .append("), or instead make the operator the owner: ")
                        .append(Grants.ownerInstead(g.tables().get(0), r.role())).append('\n');
            }
            b.append(Grants.sql(g.privilege(), r.role(), r.version())).append("  -- ").append(g.features().stream()
                    .map(Feature::flag).collect(Collectors.joining(", "))).append('\n');
        }
        return b.toString();
    }

    static String features(Plan p) {
        Set<Feature> all = new TreeSet<>(p.request().features());
        p.request().tables().forEach(t -> all.addAll(t.features()));
        all.add(Feature.CONNECT);
        return all.stream().map(Feature::flag).collect(Collectors.joining(", "));
    }

    /** How a privilege reads in a table or JSON: {@code CREATE on schema "public"}. */
    static String describe(Grants.Grant g) {
        Grants.Privilege p = g.privilege();
        return switch (p.kind()) {
            case LOGIN -> "LOGIN";
            case DATABASE -> p.name() + " on database " + Quoting.ident(p.object());
            case SCHEMA -> p.name() + " on schema " + Quoting.ident(p.schema());
            case OWNERSHIP -> "owner of " + String.join(", ", g.tables()) + (p.name() == null ? ""
                    : " (member of " + Quoting.ident(p.name()) + ")");
            case TABLE -> p.name() + " on " + Quoting.qualified(p.schema(), p.object());
            case ROLE -> "member of " + p.name();
            case FUNCTION -> "EXECUTE on " + Quoting.qualified(p.schema(), Grants.AMCHECK_FUNCTION) + Grants.AMCHECK_ARGS;
        };
    }
}
