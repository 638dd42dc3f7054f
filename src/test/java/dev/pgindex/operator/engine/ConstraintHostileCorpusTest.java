package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.PostgresConstraintSpec;
import dev.pgindex.operator.api.v1alpha1.PostgresIndex;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.api.v1alpha1.ReclaimPolicy;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.postgres.ConstraintDefinition;
import dev.pgindex.operator.postgres.InvalidDefinitionException;
import dev.pgindex.operator.postgres.Quoting;
import dev.pgindex.operator.spec.ParsedConstraint;
import dev.pgindex.operator.spec.Windows;
import dev.pgindex.operator.support.ConstraintHarness;
import dev.pgindex.operator.support.DdlAudit;
import dev.pgindex.operator.support.TestPostgres;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hostile corpus of PostgresConstraint (issue 26): every hostile identifier goes into every identifier field of
 * a PostgresConstraint, and every hostile expression into check.expression. The identifiers are those of the
 * PostgresIndex corpus (read from its manifests) plus the [identifiers] of corpus/hostile-constraint/values.txt; the
 * expressions are its [checks]. Each case is refused by {@link ParsedConstraint#of} (and then Stalled as InvalidSpec
 * by the engine without a connection), or reconciled by the real {@link ConstraintEngine} against one database with
 * a victim table, sequence, view and large object until its first Stalled; only an expression the file calls
 * genuine (a harmless CHECK), or a name field holding a valid identifier, may end Ready, with its constraint on t
 * only, and is then deleted (reclaimPolicy Delete) before the next case.
 *
 * <p>As in {@link HostileCorpusTest}, a DDL event trigger writes every DDL statement the server starts to a file of
 * its own with COPY (no rollback undoes it). Every statement must be, exactly, one the operator composes: the
 * scratch copy {@code CREATE TEMPORARY TABLE pgindex_constraint_table (LIKE "public"."t")}, the scratch CHECK on
 * {@code pg_temp.pgindex_constraint_table} with one of the corpus's expressions verbatim, or, for a case that may
 * end Ready, that case's own ADD ... NOT VALID / VALIDATE / COMMENT ON CONSTRAINT / NOT NULL / DROP statements on
 * "public"."t". Then: the victim's rows, its sequence, its view, the large object, the catalog outside t are as
 * they were; no advisory lock is held; no backend was terminated (a sentinel session survives, the database's
 * sessions_killed did not move) and the statistics were not reset.
 */
class ConstraintHostileCorpusTest {
    static final Path VALUES = Path.of("src/test/resources/corpus/hostile-constraint/values.txt");
    static final Path INDEX_CORPUS = Path.of("src/test/resources/corpus/hostile");
    static final Duration PER_CASE = Duration.ofSeconds(20);
    static final String CHECKSUM = "SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM %s x";
    static final String SCRATCH_CREATE = "CREATE TEMPORARY TABLE pgindex_constraint_table (LIKE \"public\".\"t\")";
    static final String SCRATCH_CHECK_PREFIX = "ALTER TABLE pg_temp.pgindex_constraint_table ADD CONSTRAINT "
            + "pgindex_constraint_check CHECK (";
    static final String SCRATCH_CHECK_SUFFIX = ") NOT VALID";
    static final String SCRATCH_IMMUTABLE_PREFIX = "ALTER TABLE pg_temp.pgindex_constraint_table ADD COLUMN "
            + "pgindex_constraint_immutable boolean GENERATED ALWAYS AS ((";
    static final String SCRATCH_IMMUTABLE_SUFFIX = ")) STORED";
    static final long LARGE_OBJECT = 424242;
    /** Everything in schema public but t's own constraints: must not move. */
    static final String CATALOG_OUTSIDE_T = "SELECT md5(coalesce(string_agg(d, ',' ORDER BY d), '')) FROM ("
            + "SELECT c.relname || ':' || c.relkind::text || ':' || c.relnatts AS d FROM pg_class c "
            + "  WHERE c.relnamespace = 'public'::regnamespace "
            + "UNION ALL SELECT k.conrelid::regclass || ':' || k.conname || ':' || pg_get_constraintdef(k.oid) "
            + "  FROM pg_constraint k WHERE k.connamespace = 'public'::regnamespace AND k.conrelid <> 't'::regclass "
            + "UNION ALL SELECT tgrelid::regclass || ':' || tgname FROM pg_trigger "
            + "  WHERE tgrelid IN ('victim'::regclass, 'ref'::regclass) AND NOT tgisinternal "
            + "UNION ALL SELECT 'default:' || a.attname || ':' || pg_get_expr(ad.adbin, ad.adrelid) FROM pg_attrdef ad "
            + "  JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum "
            + "  WHERE ad.adrelid IN ('victim'::regclass, 'ref'::regclass)) s";
    /** t's constraints and NOT NULL columns: nothing between cases. */
    static final String T_STATE = "SELECT coalesce(string_agg(d, ', ' ORDER BY d), '') FROM ("
            + "SELECT conname || ' ' || pg_get_constraintdef(oid) AS d FROM pg_constraint WHERE conrelid = 't'::regclass "
            + "UNION ALL SELECT attname || ' NOT NULL' FROM pg_attribute "
            + "  WHERE attrelid = 't'::regclass AND attnum > 0 AND attnotnull) s";

    record Case(String id, String field, String label, String value, PostgresConstraintSpec spec, boolean genuine) {
    }

    record Result(Case c, String outcome, String reason, String message) {
    }

    record Check(boolean genuine, String label, String expression) {
    }

    private int serverVersion;
    private final Set<String> allowedOnT = new HashSet<>();
    private final List<String> allowedCommentPrefixes = new ArrayList<>();

    @Test
    void everyHostileIdentifierAndCheckExpressionIsRefusedOrStallsAndOnlyTheOperatorsOwnDdlRuns() throws Exception {
        long started = System.nanoTime();
        ConnectionInfo db = TestPostgres.newDatabase();
        boolean dblink = !TestPostgres.execFails(db, "CREATE EXTENSION dblink"); // without it, dblink_* is unknown
        exec(db, "CREATE TABLE t (id int, a int, b int, email text)",
                "INSERT INTO t SELECT g, g, g, 'e' || g FROM generate_series(1, 200) g",
                "CREATE TABLE ref (id int PRIMARY KEY, k int, UNIQUE (id, k))",
                "INSERT INTO ref SELECT g, g FROM generate_series(1, 200) g",
                "CREATE TABLE victim (id int, secret text)",
                "INSERT INTO victim SELECT g, md5(g::text) FROM generate_series(1, 500) g",
                "CREATE SEQUENCE victim_seq", "SELECT nextval('victim_seq')",
                "CREATE VIEW victim_view AS SELECT * FROM victim",
                "SELECT lo_create(" + LARGE_OBJECT + ")",
                "CREATE FUNCTION victim_delete() RETURNS boolean LANGUAGE plpgsql "
                        + "AS 'BEGIN DELETE FROM victim; RETURN true; END'",
                // declared IMMUTABLE, which it is not: the count's read-only transaction is what stops it
                "CREATE FUNCTION liar_delete() RETURNS boolean LANGUAGE plpgsql IMMUTABLE "
                        + "AS 'BEGIN DELETE FROM victim; RETURN true; END'");
        String conninfo = "host=" + db.host() + " port=" + db.port() + " dbname=" + db.database() + " user="
                + db.user() + " password=" + db.password();

        Map<String, String> identifiers = new LinkedHashMap<>();
        indexCorpusIdentifiers().forEach(v -> identifiers.putIfAbsent(v, "index-corpus"));
        int fromIndexCorpus = identifiers.size();
        List<Check> checks = new ArrayList<>();
        readValues(conninfo, (label, v) -> identifiers.put(v, label), checks::add);
        assertThat(fromIndexCorpus).as("identifier strings read from the PostgresIndex corpus").isGreaterThanOrEqualTo(10);
        assertThat(identifiers).as("hostile identifier values").hasSizeGreaterThanOrEqualTo(40);
        assertThat(checks.stream().filter(c -> !c.genuine())).as("hostile CHECK expressions").hasSizeGreaterThanOrEqualTo(40);

        List<Case> cases = cases(identifiers, checks);
        Set<String> expressions = new HashSet<>();
        cases.stream().filter(c -> c.spec().getCheck() != null).forEach(c -> expressions.add(c.spec().getCheck()
                .getExpression()));

        DdlAudit audit = DdlAudit.install(db, "pgindex_constraint_corpus_audit");

        List<Result> results = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Map<String, String> before;
        try (Connection sentinel = TestPostgres.connect(db)) {
            serverVersion = Integer.parseInt(one(sentinel, "SHOW server_version_num"));
            int sentinelPid = Integer.parseInt(one(sentinel, "SELECT pg_backend_pid()"));
            before = observe(sentinel);
            String tBaseline = one(sentinel, T_STATE);
            assertThat(tBaseline).as("t has no constraint to begin with").isEmpty();
            String outside = one(sentinel, CATALOG_OUTSIDE_T);
            for (Case c : cases) {
                try {
                    Result r = run(c, db);
                    results.add(r);
                    if (!r.outcome().equals("rejected-spec")) {
                        System.out.printf("constraint-corpus %-52s %-16s %-22s %s%n", c.id(), r.outcome(), r.reason(),
                                oneLine(r.message()));
                    }
                } catch (AssertionError | Exception e) {
                    failures.add(c.id() + ": " + oneLine(String.valueOf(e.getMessage())));
                    System.out.printf("constraint-corpus %-52s FAILED %s%n", c.id(), oneLine(String.valueOf(e.getMessage())));
                }
                String tNow = one(sentinel, T_STATE);
                if (!tNow.equals(tBaseline)) {
                    failures.add(c.id() + ": left on t: " + tNow);
                    exec(db, "ALTER EVENT TRIGGER pgindex_constraint_corpus_audit DISABLE");
                    resetT(db);
                    exec(db, "ALTER EVENT TRIGGER pgindex_constraint_corpus_audit ENABLE");
                }
                String outsideNow = one(sentinel, CATALOG_OUTSIDE_T);
                if (!outsideNow.equals(outside)) {
                    failures.add(c.id() + ": the catalog outside t changed");
                    outside = outsideNow;
                }
            }
            // the harnesses are closed; a statement they sent may still be ending
            waitForOperatorSessions(sentinel, Duration.ofSeconds(10));
            Map<String, String> after = observe(sentinel);
            before.forEach((k, v) -> {
                if (!v.equals(after.get(k))) {
                    failures.add("victim state " + k + " changed: " + v + " -> " + after.get(k));
                }
            });
            assertThat(sentinel.isValid(2)).as("the sentinel session survived").isTrue();
            assertThat(one(sentinel, "SELECT pg_backend_pid()")).isEqualTo(Integer.toString(sentinelPid));
            audit.remove();
        }

        // what the event trigger saw, across the whole corpus
        Map<String, Integer> byTag = new TreeMap<>();
        List<String> forbidden = new ArrayList<>();
        for (DdlAudit.Statement st : audit.statements()) {
            String tag = st.tag();
            String q = st.query();
            if (tag.equals("ALTER EVENT TRIGGER") && q.startsWith("ALTER EVENT TRIGGER pgindex_constraint_corpus_audit ")) {
                continue; // event triggers do not fire for event trigger DDL; kept for safety
            }
            byTag.merge(tag, 1, Integer::sum);
            if (!allowed(tag, q, expressions)) {
                forbidden.add(tag + ": " + q);
            }
        }

        long rejected = results.stream().filter(r -> r.outcome().equals("rejected-spec")).count();
        long stalled = results.stream().filter(r -> r.outcome().equals("stalled-postgres")).count();
        long ready = results.stream().filter(r -> r.outcome().equals("ready")).count();
        Map<String, Integer> reasons = new TreeMap<>();
        results.stream().filter(r -> r.outcome().equals("stalled-postgres"))
                .forEach(r -> reasons.merge(r.reason(), 1, Integer::sum));
        boolean victimUnchanged = failures.stream().noneMatch(f -> f.startsWith("victim state"));
        System.out.printf("ConstraintHostileCorpusTest summary: cases=%d (identifier values=%d, %d of them from the "
                + "index corpus, x %d fields; CHECK expressions=%d, %d hostile) rejected-by-spec=%d "
                + "stalled-by-postgresql=%d %s ready=%d failed=%d; DDL seen by the event trigger by tag: %s; "
                + "forbidden statements: %d; victim unchanged: %s; dblink installed: %s; took %.1f s%n",
                cases.size(), identifiers.size(), fromIndexCorpus, FIELDS.size(), checks.size(),
                checks.stream().filter(c -> !c.genuine()).count(), rejected, stalled, reasons, ready,
                failures.size(), byTag, forbidden.size(), victimUnchanged, dblink, (System.nanoTime() - started) / 1e9);
        forbidden.forEach(f -> System.out.println("ConstraintHostileCorpusTest forbidden: " + oneLine(f)));
        failures.forEach(f -> System.out.println("ConstraintHostileCorpusTest failure: " + f));

        assertThat(failures).as("cases that were neither refused nor Stalled (or Ready when genuine), or that left "
                + "something behind").isEmpty();
        assertThat(forbidden).as("DDL other than the operator's own").isEmpty();
        assertThat(byTag.keySet()).isSubsetOf("CREATE TABLE", "ALTER TABLE", "COMMENT");
        assertThat(ready).as("the genuine cases end Ready").isEqualTo(cases.stream().filter(Case::genuine).count());
    }

    // ---- the corpus

    /** The fields a hostile identifier goes into: the field's name and how to put a value there. */
    static final Map<String, java.util.function.Function<String, PostgresConstraintSpec>> FIELDS = fields();

    private static Map<String, java.util.function.Function<String, PostgresConstraintSpec>> fields() {
        Map<String, java.util.function.Function<String, PostgresConstraintSpec>> f = new LinkedHashMap<>();
        f.put("check.schema", v -> with(checkCarrier(), s -> s.setSchema(v)));
        f.put("check.table", v -> with(checkCarrier(), s -> s.setTable(v)));
        f.put("check.name", v -> with(checkCarrier(), s -> s.setName(v)));
        f.put("notNull.schema", v -> with(notNullCarrier(), s -> s.setSchema(v)));
        f.put("notNull.table", v -> with(notNullCarrier(), s -> s.setTable(v)));
        f.put("notNull.name", v -> with(notNullCarrier(), s -> s.setName(v)));
        f.put("notNull.column", v -> with(notNullCarrier(), s -> s.getNotNull().setColumn(v)));
        f.put("foreignKey.schema", v -> with(fkCarrier(), s -> s.setSchema(v)));
        f.put("foreignKey.table", v -> with(fkCarrier(), s -> s.setTable(v)));
        f.put("foreignKey.name", v -> with(fkCarrier(), s -> s.setName(v)));
        f.put("foreignKey.columns[0]", v -> with(fkCarrier(), s -> s.getForeignKey().setColumns(List.of(v))));
        f.put("foreignKey.columns[1]", v -> with(fk2Carrier(), s -> s.getForeignKey().setColumns(List.of("a", v))));
        f.put("foreignKey.references.schema", v -> with(fkCarrier(), s -> s.getForeignKey().getReferences()
                .setSchema(v)));
        f.put("foreignKey.references.table", v -> with(fkCarrier(), s -> s.getForeignKey().getReferences()
                .setTable(v)));
        f.put("foreignKey.references.columns[0]", v -> with(fkCarrier(), s -> s.getForeignKey().getReferences()
                .setColumns(List.of(v))));
        f.put("foreignKey.references.columns[1]", v -> with(fk2Carrier(), s -> s.getForeignKey().getReferences()
                .setColumns(List.of("id", v))));
        return f;
    }

    private static PostgresConstraintSpec checkCarrier() {
        return ConstraintHarness.check("t", "x", "a >= 0");
    }

    private static PostgresConstraintSpec notNullCarrier() {
        return ConstraintHarness.notNull("t", "x", "a");
    }

    private static PostgresConstraintSpec fkCarrier() {
        return ConstraintHarness.foreignKey("t", "x", List.of("a"), "ref", List.of("id"));
    }

    private static PostgresConstraintSpec fk2Carrier() {
        return ConstraintHarness.foreignKey("t", "x", List.of("a", "b"), "ref", List.of("id", "k"));
    }

    private static PostgresConstraintSpec with(PostgresConstraintSpec s, java.util.function.Consumer<PostgresConstraintSpec> set) {
        set.accept(s);
        return s;
    }

    private static List<Case> cases(Map<String, String> identifiers, List<Check> checks) {
        List<Case> out = new ArrayList<>();
        int n = 0;
        for (Map.Entry<String, String> v : identifiers.entrySet()) {
            for (Map.Entry<String, java.util.function.Function<String, PostgresConstraintSpec>> f : FIELDS.entrySet()) {
                n++;
                PostgresConstraintSpec spec = f.getValue().apply(v.getKey());
                boolean nameField = f.getKey().endsWith(".name");
                if (!nameField) {
                    spec.setName("hc" + n); // a name of its own: nothing of an earlier case is ever adopted
                }
                spec.setReclaimPolicy(ReclaimPolicy.Delete);
                // a valid identifier in a name field is a genuine constraint with a strange (quoted) name
                boolean genuine = nameField && validIdentifier(v.getKey());
                out.add(new Case(String.format(Locale.ROOT, "id%04d %s=%s", n, f.getKey(), v.getValue()),
                        f.getKey(), v.getValue(), v.getKey(), spec, genuine));
            }
        }
        for (Check c : checks) {
            n++;
            PostgresConstraintSpec spec = ConstraintHarness.check("t", "hc" + n, c.expression());
            spec.setReclaimPolicy(ReclaimPolicy.Delete);
            out.add(new Case(String.format(Locale.ROOT, "ck%04d %s %s", n, c.genuine() ? "genuine" : "hostile",
                    c.label()), "check.expression", c.label(), c.expression(), spec, c.genuine()));
        }
        return out;
    }

    private static boolean validIdentifier(String v) {
        return !v.isEmpty() && v.getBytes(StandardCharsets.UTF_8).length <= Quoting.MAX_IDENTIFIER_BYTES
                && Pattern.matches(Quoting.IDENTIFIER_PATTERN, v);
    }

    /** The hostile identifier strings of the PostgresIndex corpus: its schema, table, name and column manifests. */
    static List<String> indexCorpusIdentifiers() throws Exception {
        Pattern file = Pattern.compile("^\\d+-(schema|table|name|column)-.*\\.yaml$");
        Set<String> out = new LinkedHashSet<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(INDEX_CORPUS)) {
            files = s.sorted().toList();
        }
        for (Path p : files) {
            Matcher m = file.matcher(p.getFileName().toString());
            if (!m.matches()) {
                continue;
            }
            String text = Files.readString(p, StandardCharsets.UTF_8);
            if (!text.contains("# case: " + m.group(1) + " = ")) {
                continue; // a manifest about something else than a hostile string (a system schema, a view ...)
            }
            PostgresIndex r;
            try {
                r = Serialization.unmarshal(text.split("(?m)^---\\s*$")[0], PostgresIndex.class);
            } catch (Exception e) {
                continue;
            }
            if (r == null || r.getSpec() == null) {
                continue;
            }
            String v = switch (m.group(1)) {
                case "schema" -> r.getSpec().getSchema();
                case "table" -> r.getSpec().getTable();
                case "name" -> r.getSpec().getName();
                default -> r.getSpec().getColumns() == null || r.getSpec().getColumns().isEmpty() ? null
                        : r.getSpec().getColumns().get(0).getName();
            };
            if (v != null) {
                out.add(v);
            }
        }
        return List.copyOf(out);
    }

    /** Reads values.txt: each identifier to {@code identifier}, each CHECK expression to {@code check}. */
    static void readValues(String conninfo, BiConsumer<String, String> identifier,
            java.util.function.Consumer<Check> check) throws Exception {
        Pattern line = Pattern.compile("^(?:(hostile|genuine) )?([a-z0-9-]+):(?: (.*))?$");
        String section = null;
        for (String raw : Files.readAllLines(VALUES, StandardCharsets.UTF_8)) {
            if (raw.startsWith("#") || raw.isBlank()) {
                continue;
            }
            if (raw.startsWith("[")) {
                section = raw.strip();
                continue;
            }
            Matcher m = line.matcher(raw);
            if (!m.matches()) {
                throw new IllegalStateException("values.txt: cannot read line " + raw);
            }
            String value = DdlAudit.unescape(repeat(m.group(3) == null ? "" : m.group(3))).replace("${CONNINFO}", conninfo);
            if ("[identifiers]".equals(section) && m.group(1) == null) {
                identifier.accept(m.group(2), value);
            } else if ("[checks]".equals(section) && m.group(1) != null) {
                check.accept(new Check(m.group(1).equals("genuine"), m.group(2), value));
            } else {
                throw new IllegalStateException("values.txt: line out of place: " + raw);
            }
        }
    }

    private static String repeat(String s) {
        Matcher m = Pattern.compile("\\$\\{repeat:(\\d+):([^}]*)}").matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(2).repeat(Integer.parseInt(m.group(1)))));
        }
        m.appendTail(out);
        return out.toString();
    }


    // ---- one case

    private Result run(Case c, ConnectionInfo db) throws Exception {
        String specRejection = null;
        ConstraintDefinition def = null;
        try {
            def = ParsedConstraint.of(c.spec(), Windows.NONE).definition();
        } catch (InvalidDefinitionException e) {
            specRejection = e.getMessage();
            assertThat(specRejection).as("spec check message").isNotBlank();
        }
        if (c.genuine() && def == null) {
            throw new AssertionError("a genuine case was refused by the spec check: " + specRejection);
        }
        if (c.genuine()) {
            allow(def);
        }
        try (ConstraintHarness h = new ConstraintHarness(c.id().substring(0, 6), db, c.spec())) {
            Instant end = Instant.now().plus(PER_CASE);
            while (true) {
                h.reconcile();
                if (ConstraintHarness.ready().test(h.status)
                        || ConstraintHarness.is(ConditionType.STALLED, null).test(h.status)) {
                    break;
                }
                if (Instant.now().isAfter(end)) {
                    throw new AssertionError("neither Stalled nor Ready within " + PER_CASE.toSeconds() + " s: "
                            + h.reasons() + "; events " + h.events);
                }
                Thread.sleep(Math.min(200, h.lastRequeue == null ? 100 : Math.max(20, h.lastRequeue.toMillis())));
            }
            var cond = h.status.getConditions().stream().filter(k -> "True".equals(k.getStatus())
                    && (k.getType().equals(ConditionType.READY) || k.getType().equals(ConditionType.STALLED)))
                    .findFirst().orElseThrow();
            assertThat(cond.getMessage()).as("condition message").isNotBlank();
            if (cond.getType().equals(ConditionType.READY)) {
                if (!c.genuine()) {
                    throw new AssertionError("became Ready: " + cond.getMessage() + "; status definition "
                            + h.status.getDefinition());
                }
                String onT = scalarOn(db, "SELECT string_agg(conrelid::regclass::text, ',') FROM pg_constraint "
                        + "WHERE conname = " + Quoting.literal(def.name()));
                if (def.shape() instanceof ConstraintDefinition.NotNull && def.needsHelperCheck(serverVersion)) {
                    assertThat(onT).as("the helper CHECK is gone").isNull();
                    assertThat(scalarOn(db, "SELECT attnotnull FROM pg_attribute WHERE attrelid = 't'::regclass "
                            + "AND attname = 'a'")).isEqualTo("t");
                } else {
                    assertThat(onT).as("the constraint is on t only").isEqualTo("t");
                }
                if (!h.releasedWithin(Duration.ofSeconds(10))) {
                    throw new AssertionError("the genuine constraint was not released: " + h.reasons());
                }
                return new Result(c, "ready", cond.getReason(), cond.getMessage());
            }
            if (c.genuine()) {
                throw new AssertionError("a genuine case Stalled: " + cond.getReason() + ": " + cond.getMessage());
            }
            if (specRejection != null) {
                assertThat(cond.getReason()).as("a spec the check refuses stalls as InvalidSpec")
                        .isEqualTo(Reason.InvalidSpec.name());
                return new Result(c, "rejected-spec", cond.getReason(), specRejection);
            }
            return new Result(c, "stalled-postgres", cond.getReason(), cond.getMessage());
        }
    }

    /** The statements a genuine case may send on "public"."t", exactly as the operator composes them. */
    private void allow(ConstraintDefinition d) {
        allowedOnT.add(d.addNotValid(serverVersion));
        allowedOnT.add(d.validate());
        allowedOnT.add(d.drop());
        if (d.needsHelperCheck(serverVersion)) {
            allowedOnT.addAll(d.setNotNullAndDropHelper());
            allowedOnT.add(d.dropNotNull());
        }
        allowedCommentPrefixes.add("COMMENT ON CONSTRAINT " + Quoting.ident(d.name()) + " ON " + d.qualifiedTable()
                + " IS ");
    }

    private boolean allowed(String tag, String q, Set<String> expressions) {
        return switch (tag) {
            case "CREATE TABLE" -> q.equals(SCRATCH_CREATE);
            case "ALTER TABLE" -> allowedOnT.contains(q) || scratch(q, SCRATCH_CHECK_PREFIX, SCRATCH_CHECK_SUFFIX,
                    expressions) || scratch(q, SCRATCH_IMMUTABLE_PREFIX, SCRATCH_IMMUTABLE_SUFFIX, expressions);
            case "COMMENT" -> allowedCommentPrefixes.stream().anyMatch(p -> q.startsWith(p)
                    && q.substring(p.length()).matches("(?s)NULL|'([^']|'')*'"));
            default -> false;
        };
    }

    /** {@code q} is the scratch statement {@code prefix expression suffix} for one of the corpus's expressions. */
    private static boolean scratch(String q, String prefix, String suffix, Set<String> expressions) {
        return q.startsWith(prefix) && q.endsWith(suffix) && q.length() >= prefix.length() + suffix.length()
                && expressions.contains(q.substring(prefix.length(), q.length() - suffix.length()));
    }

    // ---- the victim

    /** What no case may change: the victim's rows, sequence, view and large object, locks, sessions, statistics. */
    private static Map<String, String> observe(Connection c) throws SQLException {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("victim rows", one(c, CHECKSUM.formatted("victim")));
        m.put("t rows", one(c, CHECKSUM.formatted("t")));
        m.put("ref rows", one(c, CHECKSUM.formatted("ref")));
        m.put("victim_seq", one(c, "SELECT last_value || '/' || is_called FROM victim_seq"));
        m.put("victim_view", one(c, "SELECT to_regclass('public.victim_view') IS NOT NULL "
                + "AND (SELECT count(*) FROM victim_view) = 500"));
        m.put("large object", one(c, "SELECT count(*) FROM pg_largeobject_metadata WHERE oid = " + LARGE_OBJECT));
        m.put("advisory locks", one(c, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"));
        m.put("other sessions (operator, builder, dblink)", one(c, "SELECT count(*) FROM pg_stat_activity "
                + "WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()"));
        one(c, "SELECT pg_stat_clear_snapshot()::text");
        m.put("sessions killed", String.valueOf(one(c, "SELECT to_jsonb(d) ->> 'sessions_killed' "
                + "FROM pg_stat_database d WHERE datname = current_database()"))); // PostgreSQL 14+, else null
        m.put("statistics reset", String.valueOf(one(c, "SELECT stats_reset FROM pg_stat_database "
                + "WHERE datname = current_database()")));
        m.put("default_transaction_read_only (new sessions)", one(c, "SELECT setting FROM pg_settings "
                + "WHERE name = 'default_transaction_read_only'"));
        return m;
    }

    private static void waitForOperatorSessions(Connection c, Duration timeout) throws Exception {
        Instant end = Instant.now().plus(timeout);
        while (Instant.now().isBefore(end) && !"0".equals(one(c, "SELECT count(*) FROM pg_stat_activity "
                + "WHERE application_name LIKE 'pgindex%' AND pid <> pg_backend_pid()"))) {
            Thread.sleep(100);
        }
        Thread.sleep(1200); // session statistics (sessions_killed) reach the shared counters when a backend exits
    }

    private static void resetT(ConnectionInfo db) {
        for (List<String> row : TestPostgres.query(db, "SELECT conname FROM pg_constraint WHERE conrelid = 't'::regclass")) {
            exec(db, "ALTER TABLE t DROP CONSTRAINT " + Quoting.ident(row.get(0)));
        }
        exec(db, "ALTER TABLE t ALTER COLUMN a DROP NOT NULL");
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static String scalarOn(ConnectionInfo db, String sql) {
        return TestPostgres.scalar(db, sql);
    }

    private static String oneLine(String s) {
        String t = s == null ? "" : s.replace('\n', ' ').replace('\r', ' ').replace('\0', '?');
        return t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }
}
