package dev.pgindex.operator.cli;

import dev.pgindex.operator.postgres.Feature;
import dev.pgindex.operator.postgres.GrantCheck;
import dev.pgindex.operator.postgres.Grants;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "grants", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        usageHelpWidth = 100,
        header = "Print the least privilege of the operator's role (CREATE ROLE, GRANT), or check a role against it.",
        description = {"The grants each feature needs, per PostgreSQL version, for the features the manifests (-f) "
                + "or the flags (--feature, --all) turn on and the tables they name. CREATE INDEX has no privilege "
                + "of its own: the role must own each table, best as a member of the owner role. Connected "
                + "(--dsn or --secret), the owners, partitions, extensions and version are read from the database; "
                + "otherwise give --server-version, --database and --owner.",
                "",
                "--check --role R compares an existing role with the plan: exit code 0 when nothing is missing, 1 "
                        + "when something is (each with the GRANT that fixes it); what the role has beyond the plan "
                        + "(superuser, BYPASSRLS, broad predefined roles, tables no manifest names) is listed too.",
                "",
                "Features: " + "connect, build, drop, partitions, constraint, check, foreign-key, rebuild, analyze, "
                        + "replica-lag, blocking-sessions, blocker-details, usage, collation-drift, verify, bloat, "
                        + "plugin.",
                "",
                "Examples:",
                "  kubectl pgindex grants -f deploy/examples/ --dsn postgresql://admin@db/shop",
                "  kubectl pgindex grants --all --table public.orders --owner app --database shop --server-version 17",
                "  kubectl pgindex grants --check --role pgindex_operator -f manifests/ -n shop --secret shop-db-app"})
final class GrantsCommand implements Callable<Integer> {
    enum Format { sql, table, json }

    @Mixin
    Target target;

    @Option(names = "--role", paramLabel = "NAME", defaultValue = "pgindex_operator",
            description = "The operator's role (default pgindex_operator).")
    String role;

    @Option(names = {"-f", "--filename"}, paramLabel = "FILE", description = "Manifests (a file or a directory of "
            + ".yaml, .yml, .json): the features they turn on, on the tables they name. Repeatable.")
    List<String> manifests = new ArrayList<>();

    @Option(names = "--feature", split = ",", paramLabel = "FEATURE", description = "Features to grant for (comma "
            + "separated), on the --table tables.")
    List<String> features = new ArrayList<>();

    @Option(names = "--all", description = "Every feature of the operator (the plugin's is --feature plugin).")
    boolean all;

    @Option(names = "--table", paramLabel = "SCHEMA.TABLE", description = "A table the features apply to. Repeatable.")
    List<String> tables = new ArrayList<>();

    @Option(names = "--references", paramLabel = "SCHEMA.TABLE", description = "A table foreign keys reference "
            + "(REFERENCES and SELECT on it). Repeatable.")
    List<String> references = new ArrayList<>();

    @Option(names = "--owner", paramLabel = "ROLE", description = "The role that owns the tables, when not connected.")
    String owner;

    @Option(names = "--database", paramLabel = "NAME", description = "The database (default: the connection's).")
    String database;

    @Option(names = "--server-version", paramLabel = "N", description = "PostgreSQL major version (12 to 18); "
            + "default: the connected server's.")
    String serverVersion;

    @Option(names = "--check", description = "Check the existing --role against the plan (needs a connection).")
    boolean check;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "sql (default; with --check: table), "
            + "table or json.")
    Format output;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() throws SQLException {
        Set<Feature> chosen = all ? EnumSet.copyOf(Privileges.OPERATOR) : EnumSet.noneOf(Feature.class);
        for (String f : features) {
            chosen.add(Feature.ofFlag(f).orElseThrow(() -> Main.Failure.usage("--feature " + f + ": unknown; one of "
                    + EnumSet.allOf(Feature.class).stream().map(Feature::flag).collect(Collectors.joining(", ")))));
        }
        if (chosen.isEmpty() && manifests.isEmpty()) {
            throw Main.Failure.usage("say what the role is for: -f manifests, --feature LIST or --all");
        }
        boolean connected = target.dsn != null || target.secret != null;
        if (check && !connected) {
            throw Main.Failure.usage("--check reads the role from the database: give --dsn or --secret");
        }
        Integer version = serverVersion == null ? null : version(serverVersion);
        PrintWriter out = command.commandLine().getOut();
        Format format = output != null ? output : check ? Format.table : Format.sql;
        if (!connected) {
            if (database == null) {
                throw Main.Failure.usage("say which database: --database NAME, or connect (--dsn, --secret)");
            }
            Privileges.Plan plan = Privileges.plan(input(chosen, database, version), null);
            print(out, format, plan);
            return Main.OK;
        }
        try (Target t = target; Connection c = t.connect()) {
            String db = database != null ? database : t.connectionInfo().database();
            Privileges.Plan plan = Privileges.plan(input(chosen, db, version), c);
            if (!check) {
                print(out, format, plan);
                return Main.OK;
            }
            Privileges.Check result = Privileges.check(c, plan);
            GrantsReport.print(out, format, result);
            return result.missing().isEmpty() ? Main.OK : Main.FINDINGS;
        }
    }

    private Privileges.Input input(Set<Feature> chosen, String db, Integer version) {
        return new Privileges.Input(role, db, version, chosen, tables, references, manifests, owner);
    }

    private static int version(String text) {
        try {
            int major = Integer.parseInt(text.split("\\.")[0]);
            if (major >= 12 && major <= 18) {
                return major;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw Main.Failure.usage("--server-version " + text + ": a PostgreSQL major version from 12 to 18");
    }

    private static void print(PrintWriter out, Format format, Privileges.Plan plan) {
        switch (format) {
            case sql -> out.print(Privileges.sql(plan));
            case table -> {
                Table tab = new Table("GRANT", "FEATURES", "SQL");
                for (Grants.Grant g : plan.grants()) {
                    tab.row(Privileges.describe(g), flags(g), Grants.sql(g.privilege(), plan.request().role(),
                            plan.request().version()));
                }
                tab.print(out);
                plan.notes().forEach(n -> out.println("note: " + n));
            }
            case json -> {
                Map<String, Object> doc = GrantsReport.header(plan);
                doc.put("grants", plan.grants().stream().map(g -> GrantsReport.json(g, plan)).toList());
                doc.put("notes", plan.notes());
                out.print(Manifests.json(doc));
            }
        }
        out.flush();
    }

    static String flags(Grants.Grant g) {
        return g.features().stream().map(Feature::flag).collect(Collectors.joining(","));
    }

    /** --check's output. */
    static final class GrantsReport {
        private GrantsReport() {
        }

        static Map<String, Object> header(Privileges.Plan plan) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("role", plan.request().role());
            doc.put("database", plan.request().database());
            doc.put("serverVersion", plan.request().version());
            doc.put("features", List.of(Privileges.features(plan).split(", ")));
            return doc;
        }

        static Map<String, Object> json(Grants.Grant g, Privileges.Plan plan) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("grant", Privileges.describe(g));
            m.put("kind", g.privilege().kind().name());
            m.put("features", g.features().stream().map(Feature::flag).toList());
            if (!g.tables().isEmpty()) {
                m.put("tables", g.tables());
            }
            m.put("why", g.why());
            m.put("sql", Grants.sql(g.privilege(), plan.request().role(), plan.request().version()));
            return m;
        }

        static void print(PrintWriter out, Format format, Privileges.Check r) {
            if (format == Format.json) {
                Map<String, Object> doc = header(r.plan());
                doc.put("roleExists", r.roleExists());
                doc.put("missing", r.missing().stream().map(m -> Map.of("grant", Privileges.describe(m.grant()),
                        "features", m.grant().features().stream().map(Feature::flag).toList(), "detail", m.detail(),
                        "fix", m.fix())).toList());
                doc.put("extra", r.extra().stream().map(e -> Map.of("what", e.what(), "detail", e.detail(),
                        "fix", e.fix())).toList());
                doc.put("notes", r.plan().notes());
                out.print(Manifests.json(doc));
                out.flush();
                return;
            }
            Table tab = new Table("STATUS", "WHAT", "FEATURES", "DETAIL", "FIX");
            for (GrantCheck.Missing m : r.missing()) {
                tab.row("missing", Privileges.describe(m.grant()), flags(m.grant()), m.detail(), m.fix());
            }
            for (GrantCheck.Extra e : r.extra()) {
                tab.row("extra", e.what(), "-", e.detail(), e.fix());
            }
            if (tab.isEmpty()) {
                out.println("Role " + r.plan().request().role() + " has exactly the grants the features need ("
                        + r.plan().grants().size() + ").");
            } else {
                tab.print(out);
                out.println(r.missing().size() + " missing, " + r.extra().size() + " more than needed, of "
                        + r.plan().grants().size() + " grant(s) for: " + Privileges.features(r.plan()));
            }
            r.plan().notes().forEach(n -> out.println("note: " + n));
            out.flush();
        }
    }
}
