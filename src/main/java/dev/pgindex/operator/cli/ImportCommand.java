package dev.pgindex.operator.cli;

import dev.pgindex.operator.api.v1alpha1.PostgresIndex;
import dev.pgindex.operator.postgres.IndexCatalog;
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
        header = "Write one PostgresIndex manifest per existing index; the operator adopts each one, never rebuilds it.",
        description = {"Write one PostgresIndex manifest per existing index, exact enough that the operator adopts "
                + "each one (Ready, reason Adopted) without a rebuild or a DefinitionConflict. Every spec is checked "
                + "first with the operator's own comparison on the database itself. Indexes the API cannot express "
                + "are listed with the reason (as comments in YAML, on stderr otherwise). Changes nothing: the "
                + "comparison builds an empty temporary table in a transaction that is rolled back.",
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

    @Option(names = "--table", paramLabel = "GLOB", description = "Only indexes on these tables, as table or "
            + "schema.table (repeatable).")
    List<String> tables = new ArrayList<>();

    @Option(names = "--name", paramLabel = "GLOB", description = "Only indexes whose name matches (repeatable).")
    List<String> names = new ArrayList<>();

    @Option(names = "--no-constraints", description = "Leave out indexes that back a PRIMARY KEY or UNIQUE "
            + "constraint (by default they are imported with spec.constraint).")
    boolean noConstraints;

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
        try (Target t = target; Connection c = t.connect()) {
            result = Importer.run(c, i -> Globs.any(schemas, i.schema()) && Globs.any(tables, i.table(),
                    i.schema() + "." + i.table()) && Globs.any(names, i.name()), secret, ns,
                    !noConstraints);
        }
        PrintWriter out = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        List<PostgresIndex> manifests = result.imported().stream().map(Importer.Imported::manifest).toList();
        switch (output) {
            case yaml -> {
                out.print(header(result));
                out.print(Manifests.yaml(manifests));
                out.flush();
                summary(err, result);
            }
            case json -> {
                out.print(Manifests.jsonList(manifests));
                out.flush();
                for (Importer.Skipped s : result.skipped()) {
                    err.println("not imported: " + qualified(s.index()) + ": " + s.reason());
                }
                summary(err, result);
            }
            case table -> {
                Table t = new Table("RESOURCE", "INDEX", "TABLE", "RESULT");
                for (Importer.Imported i : result.imported()) {
                    t.row(i.manifest().getMetadata().getName(), qualified(i.index()), i.index().table(),
                            "imported" + (i.manifest().getSpec().getConstraint() != null ? " (constraint "
                                    + i.manifest().getSpec().getConstraint().getType() + ")" : ""));
                }
                for (Importer.Skipped s : result.skipped()) {
                    t.row("-", qualified(s.index()), s.index().table(), (s.covered() ? "covered: " : "not imported: ")
                            + s.reason());
                }
                t.print(out);
            }
        }
        return Main.OK;
    }

    static String qualified(IndexCatalog.Listed i) {
        return i.schema() + "." + i.name();
    }

    private static String header(Importer.Result r) {
        StringBuilder b = new StringBuilder("# kubectl pgindex import: " + r.imported().size() + " manifest(s)\n");
        List<Importer.Skipped> notCovered = r.skipped().stream().filter(s -> !s.covered()).toList();
        if (!notCovered.isEmpty()) {
            b.append("# not imported (").append(notCovered.size()).append("):\n");
            for (Importer.Skipped s : notCovered) {
                b.append("#   ").append(qualified(s.index())).append(": ").append(s.reason().replace('\n', ' '))
                        .append('\n');
            }
        }
        long covered = r.skipped().size() - notCovered.size();
        if (covered > 0) {
            b.append("# ").append(covered).append(" partition index(es) covered by their partitioned index's "
                    + "manifest\n");
        }
        return b.toString();
    }

    private static void summary(PrintWriter err, Importer.Result r) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("imported", r.imported().size());
        counts.put("not imported", (int) r.skipped().stream().filter(s -> !s.covered()).count());
        counts.put("covered by a partitioned index", (int) r.skipped().stream().filter(Importer.Skipped::covered).count());
        err.println("kubectl pgindex import: " + counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                .reduce((a, b) -> a + ", " + b).orElse(""));
        err.flush();
    }
}
