package dev.pgindex.operator.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code kubectl pgindex}: brings an existing database under management. A plain command-line program (no Quarkus
 * runtime), started by the launcher target/kubectl-pgindex; it reuses the operator's own catalog reads and
 * comparison (postgres/) and API types (api/), so what it writes is what the operator will compare.
 */
@Command(name = "kubectl pgindex", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        subcommands = {ImportCommand.class, AuditCommand.class, FromSqlCommand.class, GrantsCommand.class, CommandLine.HelpCommand.class},
        usageHelpAutoWidth = true, usageHelpWidth = 100,
        description = {"Bring an existing PostgreSQL database under management by pgindex-operator.", "",
                "Connect through the connection Secret the operator uses (--secret, read from the cluster) or a "
                        + "connection string (--dsn). Run `kubectl pgindex <command> --help` for each command's "
                        + "options."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success (audit: nothing found)", "1:audit found something; from-sql rejected a statement",
                "2:usage error (unknown option, missing argument)",
                "3:cannot connect (database, cluster or Secret)", "4:any other error"})
public final class Main {
    public static final int OK = 0;
    public static final int FINDINGS = 1;
    public static final int USAGE = 2;
    public static final int CONNECTION = 3;
    public static final int ERROR = 4;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** Runs a command line with its output captured (for tests). */
    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println("error: " + e.getMessage());
            c.getErr().println("See '" + c.getCommandSpec().qualifiedName() + " --help'.");
            return USAGE;
        });
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof Failure f) {
                commandLine.getErr().println("error: " + f.getMessage());
                return f.exitCode;
            }
            commandLine.getErr().println("error: " + e);
            if (System.getenv("PGINDEX_DEBUG") != null) {
                e.printStackTrace(commandLine.getErr());
            }
            return ERROR;
        });
        return cl;
    }

    /** An error with a message for people and the exit code scripts rely on. */
    static final class Failure extends RuntimeException {
        final int exitCode;

        Failure(int exitCode, String message, Throwable cause) {
            super(message, cause);
            this.exitCode = exitCode;
        }

        static Failure connection(String message, Throwable cause) {
            return new Failure(CONNECTION, message, cause);
        }

        static Failure usage(String message) {
            return new Failure(USAGE, message, null);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"kubectl-pgindex " + (v == null ? "0.1.0-SNAPSHOT" : v) + " (pgindex.dev/v1alpha1)"};
        }
    }
}
