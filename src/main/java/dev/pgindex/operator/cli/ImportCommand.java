package dev.pgindex.operator.cli;

import dev.pgindex.operator.api.v1alpha1.PostgresIndex;
import dev.pgindex.operator.postgres.ConstraintListing;
import dev.pgindex.operator.postgres.IndexCatalog;
import io.fabric8.kubernetes.api.model.HasMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        usageHelpAutoWidth = true, usageHelpWidth = 100,
        header = "Write a PostgresIndex manifest per existing index and a PostgresConstraint manifest per foreign key "
                + "and CHECK constraint; the operator adopts each one, never rebuilds it.",
        description = {"Write one PostgresIndex manifest per existing index, exact enough that the operator adopts "
                + "each one (Ready, reason Adopted) without a rebuild or a DefinitionConflict, and one "
                + "PostgresConstraint manifest per foreign key and CHECK constraint of the same tables (a foreign "
                + "key names the imported PostgresIndex that supports it). Every spec is checked first with the "
                + "operator's own comparison on the database itself. What the API cannot express is listed with "
                + "the reason (as comments in YAML, on stderr otherwise). Changes nothing: the comparison builds an "
                + "empty temporary table in a transaction that is rolled back.",
                "",
                "Example:",
                "  kubectl pgindex import -n shop --secret shop-db-app --schema public > indexes.yaml",
                "  kubectl apply -f indexes.yaml"})
final class ImportCommand implements Callable<Integer> {
    @Mixin
    Target target;

    @Option(names = "--schema", paramLabel = "GLOB", description = "Only these schemas (repeatable; * and ? match). "
            + "Default: every schema but pg_* and information_schema.")
    List<String> schemas = new ArrayList<>();

    @Option(names = "--table", paramLabel = "GLOB", description = "Only indexes and constraints on these tables, "
            + "as table or schema.table (repeatable).")
    List<String> tables = new ArrayList<>();

    @Option(names = "--name", paramLabel = "GLOB", description = "Only indexes and constraints whose name "
            + "matches (repeatable).")
    List<String> names = new ArrayList<>();

    @Option(names = "--no-constraints", description = "Leave out indexes that back a PRIMARY KEY or UNIQUE "
            + "constraint (by default they are imported with spec.constraint).")
    boolean noConstraints;

    @Option(names = "--indexes-only", description = "Write PostgresIndex manifests only (by default foreign keys and "
            + "CHECK constraints of the same tables get PostgresConstraint manifests too).")
    boolean indexesOnly;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "yaml",
            description = "yaml (default, for kubectl apply -f), json (a v1 List) or table.")
    Output output;

    @Spec
    CommandSpec command;


    @Override
    public Integer call() throws SQLException {
        String secret = target.secretForManifests();
        String ns = target.namespace;
        Importer.Result result;
        ConstraintImporter.Result constraints;
        try (Target t = target; Connection c = t.connect()) {
            result = Importer.run(c, i -> wanted(i.schema(), i.table(), i.name()), secret, ns, !noConstraints);
            List<PostgresIndex> indexes = result.imported().stream().map(Importer.Imported::manifest).toList();
            constraints = indexesOnly ? new ConstraintImporter.Result(List.of(), List.of())
                    : ConstraintImporter.run(c, this::wanted, secret, ns, indexes);
        }
        PrintWriter out = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        List<HasMetadata> manifests = new ArrayList<>();
        result.imported().forEach(i -> manifests.add(i.manifest()));
        constraints.imported().forEach(i -> manifests.add(i.manifest()));
        switch (output) {
            case yaml -> {
                out.print(header(result, constraints, manifests.size()));
                out.print(Manifests.yaml(manifests));
                out.flush();
                summary(err, result, constraints);
            }
            case json -> {
                out.print(Manifests.jsonList(manifests));
                out.flush();
                for (Importer.Skipped s : result.skipped()) {
                    err.println("not imported: " + qualified(s.index()) + ": " + s.reason());
                }
                for (ConstraintImporter.Skipped s : constraints.skipped()) {
                    err.println("not imported: " + ConstraintImporter.display(s.constraint()) + ": " + s.reason());
                }
                summary(err, result, constraints);
            }
            case table -> table(out, result, constraints);
        }
        return Main.OK;
    }

    private boolean wanted(String schema, String table, String name) {
        return Globs.any(schemas, schema) && Globs.any(tables, table, schema + "." + table) && Globs.any(names, name);
    }

    private static void table(PrintWriter out, Importer.Result result, ConstraintImporter.Result constraints) {
        Table t = new Table("RESOURCE", "NAME", "TABLE", "RESULT");
        for (Importer.Imported i : result.imported()) {
            t.row(i.manifest().getMetadata().getName(), qualified(i.index()), i.index().table(),
                    "imported" + (i.manifest().getSpec().getConstraint() != null ? " (constraint "
                            + i.manifest().getSpec().getConstraint().getType() + ")" : ""));
        }
        for (Importer.Skipped s : result.skipped()) {
            t.row("-", qualified(s.index()), s.index().table(), (s.covered() ? "covered: " : "not imported: ")
                    + s.reason());
        }
        for (ConstraintImporter.Imported i : constraints.imported()) {
            ConstraintListing.Listed k = i.constraint();
            String index = k.type() == 'f' ? i.manifest().getSpec().getForeignKey().getIndex() : null;
            t.row(i.manifest().getMetadata().getName(), k.schema() + "." + k.name(), k.table(), "imported ("
                    + k.kindWords() + (index != null ? ", index " + index : "") + (k.validated() ? ""
                    : ", NOT VALID: the operator validates it") + ")");
        }
        for (ConstraintImporter.Skipped s : constraints.skipped()) {
            ConstraintListing.Listed k = s.constraint();
            t.row("-", k.schema() + "." + k.name(), k.table(), (s.covered() ? "covered: " : "not imported: ")
                    + s.reason());
        }
        t.print(out);
    }

    static String qualified(IndexCatalog.Listed i) {
        return i.schema() + "." + i.name();
    }

    private static String header(Importer.Result r, ConstraintImporter.Result k, int manifests) {
        StringBuilder b = new StringBuilder("# kubectl pgindex import: " + manifests + " manifest(s)\n");
        List<String> notImported = new ArrayList<>();
        r.skipped().stream().filter(s -> !s.covered()).forEach(s -> notImported.add(qualified(s.index()) + ": "
                + s.reason()));
        k.skipped().stream().filter(s -> !s.covered()).forEach(s -> notImported.add(
                ConstraintImporter.display(s.constraint()) + ": " + s.reason()));
        if (!notImported.isEmpty()) {
            b.append("# not imported (").append(notImported.size()).append("):\n");
            notImported.forEach(n -> b.append("#   ").append(n.replace('\n', ' ')).append('\n'));
        }
        long covered = r.skipped().stream().filter(Importer.Skipped::covered).count();
        if (covered > 0) {
            b.append("# ").append(covered).append(" partition index(es) covered by their partitioned index's "
                    + "manifest\n");
        }
        long inherited = k.skipped().stream().filter(ConstraintImporter.Skipped::covered).count();
        if (inherited > 0) {
            b.append("# ").append(inherited).append(" inherited constraint(s) covered by their parent table's "
                    + "manifest\n");
        }
        return b.toString();
    }

    private void summary(PrintWriter err, Importer.Result r, ConstraintImporter.Result k) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("imported", r.imported().size());
        counts.put("not imported", (int) r.skipped().stream().filter(s -> !s.covered()).count());
        counts.put("covered by a partitioned index", (int) r.skipped().stream().filter(Importer.Skipped::covered).count());
        err.println("kubectl pgindex import: " + counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                .reduce((a, b) -> a + ", " + b).orElse("") + (indexesOnly ? "" : "; constraints: "
                + k.imported().size() + " imported, " + k.skipped().stream().filter(s -> !s.covered()).count()
                + " not imported"));
        err.flush();
    }
}
