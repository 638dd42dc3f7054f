package dev.pgindex.operator.support;

import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.postgres.Quoting;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every DDL statement a database starts, for the hostile corpora: an event trigger on ddl_command_start records
 * each one in public.ddl_audit and COPYs it to a file of its own, which no rollback undoes, so even a statement of
 * a rolled-back transaction is seen. {@link #statements} reads the files back (and deletes them), in order.
 */
public final class DdlAudit {
    /** One statement: its command tag and its text. */
    public record Statement(String tag, String query) {
    }

    private final ConnectionInfo db;
    private final String trigger;
    private final Path dir;

    private DdlAudit(ConnectionInfo db, String trigger, Path dir) {
        this.db = db;
        this.trigger = trigger;
        this.dir = dir;
    }

    public static DdlAudit install(ConnectionInfo db, String trigger) throws IOException {
        Path dir = Files.createTempDirectory("pgindex-ddl-log");
        dir.toFile().setWritable(true, false);
        TestPostgres.exec(db, "CREATE TABLE public.ddl_audit (n bigserial, tag text, query text)",
                "CREATE SEQUENCE public.ddl_seq",
                "CREATE FUNCTION public.log_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $f$ BEGIN "
                        + "INSERT INTO public.ddl_audit (tag, query) VALUES (tg_tag, current_query()); "
                        + "EXECUTE format('COPY (SELECT %L::text, %L::text) TO %L', tg_tag, current_query(), "
                        + Quoting.literal(dir + "/") + " || lpad(nextval('public.ddl_seq')::text, 8, '0')); "
                        + "END $f$",
                "CREATE EVENT TRIGGER " + trigger + " ON ddl_command_start EXECUTE FUNCTION public.log_ddl()");
        return new DdlAudit(db, trigger, dir);
    }

    /** Drops the trigger. */
    public void remove() {
        TestPostgres.exec(db, "DROP EVENT TRIGGER " + trigger);
    }

    /** Every statement recorded so far, in order (COPY's text format undone); the files are deleted. */
    public List<Statement> statements() {
        List<Path> logged;
        try (Stream<Path> s = Files.list(dir)) {
            logged = s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Statement> out = new ArrayList<>();
        try {
            for (Path p : logged) {
                String line = Files.readString(p, StandardCharsets.UTF_8);
                int tab = line.indexOf('\t');
                out.add(new Statement(line.substring(0, tab), unescape(line.substring(tab + 1).stripTrailing())));
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Backslash escapes as COPY's text format writes them; the corpus files use them too. */
    public static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == s.length()) {
                out.append(c);
                continue;
            }
            char e = s.charAt(++i);
            if (e == 'u') {
                out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                i += 4;
                continue;
            }
            out.append(switch (e) {
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 't' -> '\t';
                case 'b' -> '\b';
                case 'f' -> '\f';
                case 'v' -> '\u000b';
                case '0' -> '\0';
                default -> e;
            });
        }
        return out.toString();
    }
}
