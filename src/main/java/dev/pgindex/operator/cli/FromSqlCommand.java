package dev.pgindex.operator.cli;

import dev.pgindex.operator.api.v1alpha1.PostgresIndex;
import dev.pgindex.operator.postgres.SqlScript;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "from-sql", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true, usageHelpWidth = 100,
        header = "Turn CREATE INDEX statements (migration files) into PostgresIndex manifests.",
        description = {"Turn each CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] statement of a SQL file (or "
                + "stdin) into a PostgresIndex manifest. PostgreSQL itself parses each statement: it is built on an "
                + "empty temporary copy of its table in the connected database, in a transaction that is always "
                + "rolled back, and the manifest is checked to build the same index. The tables must exist in that "
                + "database. Statements are split with PostgreSQL's lexical rules (quotes, dollar quotes, comments); "
                + "any other statement is never sent to the server: it is an error naming the statement (exit 1, no "
                + "manifests written), or with --skip-other it is listed and left out. BEGIN and COMMIT are ignored.",
                "",
                "Examples:",
                "  python manage.py sqlmigrate users 0002 | kubectl pgindex from-sql -n shop --secret shop-db-app",
                "  kubectl pgindex from-sql -n shop --secret shop-db-app --skip-other db/structure.sql"})
final class FromSqlCommand implements Callable<Integer> {
    @Mixin
    Target target;

    @Parameters(arity = "0..1", paramLabel = "FILE", description = "The SQL file; - or none reads stdin.")
    String file;

    @Option(names = "--skip-other", description = "List statements that are not CREATE INDEX and leave them out, "
            + "instead of failing (for a whole structure.sql).")
    boolean skipOther;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "yaml",
            description = "yaml (default), json (a v1 List) or table (what became of each statement).")
    Output output;

    @Spec
    CommandSpec command;


    @Override
    public Integer call() throws SQLException {
        String secret = target.secretForManifests();
        String sql;
        try {
            sql = file == null || file.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file));
        } catch (java.nio.file.NoSuchFileException e) {
            throw Main.Failure.usage("cannot read " + file + ": no such file");
        } catch (IOException e) {
            throw Main.Failure.usage("cannot read " + (file == null ? "stdin" : file) + ": " + e.getMessage());
        }
        PrintWriter out = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        List<SqlScript.Statement> statements;
        try {
            statements = SqlScript.split(sql);
        } catch (SqlScript.SyntaxException e) {
            err.println("error: " + e.getMessage() + "; nothing was run");
            return Main.FINDINGS;
        }
        List<FromSql.Outcome> outcomes;
        try (Target t = target; Connection c = t.connect()) {
            outcomes = FromSql.run(c, statements, skipOther, secret, t.namespace);
        }
        List<FromSql.Outcome> rejected = outcomes.stream().filter(o -> o.rejected() != null).toList();
        List<PostgresIndex> manifests = outcomes.stream().filter(o -> o.manifest() != null)
                .map(FromSql.Outcome::manifest).toList();
        if (output == Output.table) {
            Table tab = new Table("#", "LINE", "STATEMENT", "RESULT");
            for (FromSql.Outcome o : outcomes) {
                tab.row(Integer.toString(o.number()), Integer.toString(o.statement().line()), o.statement().summary(),
                        o.manifest() != null ? "manifest " + o.manifest().getMetadata().getName()
                                : o.ignored() != null ? "ignored: " + o.ignored() : "rejected: " + o.rejected());
            }
            tab.print(out);
            return rejected.isEmpty() ? Main.OK : Main.FINDINGS;
        }
        if (!rejected.isEmpty()) {
            for (FromSql.Outcome o : rejected) {
                err.println("error: statement " + o.number() + " (line " + o.statement().line() + "): "
                        + o.statement().summary() + ": " + o.rejected());
            }
            err.println("no manifests written: fix or remove the statement(s) above"
                    + (skipOther ? "" : ", or pass --skip-other to leave out what is not a CREATE INDEX"));
            err.flush();
            return Main.FINDINGS;
        }
        for (FromSql.Outcome o : outcomes) {
            if (o.ignored() != null && !o.ignored().equals("transaction control")) {
                err.println("skipped: statement " + o.number() + " (line " + o.statement().line() + "): "
                        + o.statement().summary());
            }
        }
        out.print(output == Output.json ? Manifests.jsonList(manifests) : Manifests.yaml(manifests));
        out.flush();
        err.println("kubectl pgindex from-sql: " + manifests.size() + " manifest(s) from " + outcomes.size()
                + " statement(s)");
        err.flush();
        return Main.OK;
    }
}
