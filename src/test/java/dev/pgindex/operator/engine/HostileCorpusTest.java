package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.PostgresIndex;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.controller.PostgresIndexReconciler;
import dev.pgindex.operator.controller.SecretCache;
import dev.pgindex.operator.decide.Request;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.postgres.InvalidDefinitionException;
import dev.pgindex.operator.spec.Specs;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.status.StatusCopies;
import dev.pgindex.operator.support.DdlAudit;
import dev.pgindex.operator.support.EngineHarness;
import dev.pgindex.operator.support.TestPostgres;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.query;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hostile corpus (src/test/resources/corpus/hostile): every manifest is mapped the way the API client maps it,
 * turned into an engine request by the reconciler's own {@code request} (with a fake client that serves the
 * manifest's Secret), and reconciled by the real engine against one database that holds a victim table. Each must
 * be rejected at mapping, or end Stalled with a message. A DDL event trigger records every DDL statement the
 * server starts, including those in rolled-back transactions (it writes one file per statement with COPY, which no
 * rollback undoes, besides the audit table the brief asks for), and the data of both tables is checksummed.
 *
 * <p>Manifest format: a PostgresIndex document, optionally followed by a Secret document after {@code ---}; without
 * one, a valid Secret {@code db-app} pointing at the test database is served. {@code ${PGHOST}}, {@code ${PGPORT}}
 * and {@code ${PGDATABASE}} in a file are replaced with the test database's. A {@code # case:} line says what the
 * manifest tries. A {@code # real-build-attempt:} line declares (and explains) that the engine is known to send the
 * real CREATE INDEX CONCURRENTLY for this manifest and let PostgreSQL reject it; that statement is then allowed for
 * that index name only, counted in the summary, and must still leave no index behind.
 */
class HostileCorpusTest {
    static final Path CORPUS = Path.of("src/test/resources/corpus/hostile");
    static final Set<String> ALLOWED_TAGS = Set.of("CREATE TABLE", "CREATE FUNCTION", "CREATE INDEX", "COMMENT");
    static final Pattern DESTRUCTIVE_ON_VICTIM = Pattern.compile(
            "\\b(DROP|ALTER|TRUNCATE|DELETE|UPDATE)\\b.*\\bvictim\\b", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    static final String CHECKSUM = "SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM %s t";

    record Result(String file, String outcome, String reason, String message) {
    }

    /** Index names of manifests whose header declares that a real (failing) build attempt is expected. */
    private final Set<String> declaredBuildAttempts = new java.util.HashSet<>();

    @Test
    void everyHostileManifestIsRejectedOrStallsAndOnlyTheOperatorsOwnScratchDdlRuns() throws Exception {
        long started = System.nanoTime();
        List<Path> files;
        try (Stream<Path> s = Files.list(CORPUS)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).as("hostile manifests").hasSizeGreaterThanOrEqualTo(100);

        ConnectionInfo db = TestPostgres.newDatabase();
        exec(db, "CREATE TABLE t (id int, a int, email text, tags int[])",
                "INSERT INTO t SELECT g, g, 'e' || g, ARRAY[g] FROM generate_series(1, 200) g",
                "CREATE TABLE victim (id int, secret text)",
                "INSERT INTO victim SELECT g, md5(g::text) FROM generate_series(1, 500) g",
                "CREATE SEQUENCE victim_seq", "CREATE VIEW victim_view AS SELECT * FROM victim");
        DdlAudit audit = DdlAudit.install(db, "pgindex_corpus_audit");
        String victimBefore = scalar(db, CHECKSUM.formatted("victim"));
        String tableBefore = scalar(db, CHECKSUM.formatted("t"));

        List<Result> results = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Path f : files) {
            String file = f.getFileName().toString();
            try {
                Result r = run(file, Files.readString(f, StandardCharsets.UTF_8)
                        .replace("${PGHOST}", db.host()).replace("${PGPORT}", Integer.toString(db.port()))
                        .replace("${PGDATABASE}", db.database()), db);
                results.add(r);
                System.out.printf("corpus %-48s %-18s %-26s %s%n", file, r.outcome(), r.reason(),
                        oneLine(r.message()));
            } catch (AssertionError | Exception e) {
                failures.add(file + ": " + e);
                System.out.printf("corpus %-48s FAILED %s%n", file, oneLine(String.valueOf(e.getMessage())));
            }
        }

        // what the event trigger saw, across the whole corpus
        Map<String, Integer> byTag = new TreeMap<>();
        List<String> forbidden = new ArrayList<>();
        List<String> buildAttempts = new ArrayList<>();
        for (DdlAudit.Statement st : audit.statements()) {
            String tag = st.tag();
            String q = st.query();
            byTag.merge(tag, 1, Integer::sum);
            String upper = q.toUpperCase(Locale.ROOT);
            boolean declaredAttempt = tag.equals("CREATE INDEX") && upper.startsWith("CREATE INDEX CONCURRENTLY ")
                    && declaredBuildAttempts.stream().anyMatch(n -> q.contains(" \"" + n + "\" ON "));
            if (declaredAttempt) {
                buildAttempts.add(q.strip());
                continue;
            }
            boolean ok = ALLOWED_TAGS.contains(tag)
                    && !DESTRUCTIVE_ON_VICTIM.matcher(q).find()
                    && (!tag.equals("CREATE TABLE") || upper.startsWith("CREATE TEMP TABLE"))
                    && (!tag.equals("CREATE FUNCTION") || upper.startsWith("CREATE FUNCTION PG_TEMP.PGINDEX_PROBE("))
                    // every CREATE INDEX is the scratch candidate on the operator's temp table: no real build
                    && (!tag.equals("CREATE INDEX") || (!upper.contains("CONCURRENTLY") && upper.contains(" ON PG_TEMP.")));
            if (!ok) {
                forbidden.add(tag + ": " + q);
            }
        }
        List<List<String>> committed = query(db, "SELECT tag, query FROM public.ddl_audit ORDER BY n");
        for (List<String> row : committed) {
            if (!ALLOWED_TAGS.contains(row.get(0)) || DESTRUCTIVE_ON_VICTIM.matcher(row.get(1)).find()) {
                forbidden.add("(committed) " + row.get(0) + ": " + row.get(1));
            }
        }
        audit.remove();

        long mapping = results.stream().filter(r -> r.outcome().equals("rejected-mapping")).count();
        long spec = results.stream().filter(r -> r.outcome().equals("rejected-spec")).count();
        long secret = results.stream().filter(r -> r.outcome().equals("stalled-secret")).count();
        long postgres = results.stream().filter(r -> r.outcome().equals("stalled-postgres")).count();
        Map<String, Integer> reasons = new TreeMap<>();
        results.forEach(r -> reasons.merge(r.reason(), 1, Integer::sum));
        System.out.printf("HostileCorpusTest summary: manifests=%d rejected-at-mapping=%d rejected-by-spec-check=%d "
                + "stalled-on-secret=%d stalled-by-postgresql=%d failed=%d; DDL seen by the event trigger by tag: %s "
                + "(committed: %d); declared real build attempts: %d; forbidden statements: %d; victim checksum "
                + "unchanged: %s; took %.1f s%n",
                files.size(), mapping, spec, secret, postgres, failures.size(), byTag, committed.size(),
                buildAttempts.size(), forbidden.size(), victimBefore.equals(scalar(db, CHECKSUM.formatted("victim"))),
                (System.nanoTime() - started) / 1e9);
        System.out.println("HostileCorpusTest reasons: " + reasons);
        buildAttempts.forEach(q -> System.out.println("HostileCorpusTest declared real build attempt: " + q));

        assertThat(failures).as("manifests that were neither rejected nor Stalled").isEmpty();
        assertThat(forbidden).as("DDL other than the operator's scratch checks").isEmpty();
        assertThat(byTag.keySet()).isSubsetOf(ALLOWED_TAGS);
        assertThat(buildAttempts.size()).as("declared real build attempts").isLessThanOrEqualTo(declaredBuildAttempts.size());
        assertThat(scalar(db, CHECKSUM.formatted("victim"))).isEqualTo(victimBefore);
        assertThat(scalar(db, CHECKSUM.formatted("t"))).isEqualTo(tableBefore);
        assertThat(scalar(db, "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
                + "WHERE c.relname IN ('t', 'victim')")).as("indexes on t and victim").isEqualTo("0");
        assertThat(scalar(db, "SELECT to_regclass('public.victim_view') IS NOT NULL")).isEqualTo("t");
    }

    /** One manifest: map, check, reconcile until Stalled. Throws when it does anything else. */
    private Result run(String file, String text, ConnectionInfo db) throws Exception {
        String indexDoc = null;
        Map<String, Secret> secrets = new HashMap<>();
        Secret defaultSecret = new Secret();
        defaultSecret.setMetadata(new ObjectMeta());
        defaultSecret.getMetadata().setName("db-app");
        defaultSecret.setStringData(Map.of("host", db.host(), "port", Integer.toString(db.port()), "dbname",
                db.database(), "user", db.user(), "password", db.password()));
        secrets.put("db-app", defaultSecret);
        boolean ownSecret = false;
        for (String doc : text.split("(?m)^---\\s*$")) {
            if (doc.matches("(?s).*(?m)^kind:\\s*Secret\\s*$.*")) {
                Secret s = Serialization.unmarshal(doc, Secret.class);
                if (!ownSecret) {
                    secrets.clear();
                    ownSecret = true;
                }
                secrets.put(s.getMetadata().getName(), s);
            } else if (indexDoc == null) {
                indexDoc = doc;
            }
        }
        PostgresIndex r;
        try {
            r = Serialization.unmarshal(indexDoc, PostgresIndex.class);
            if (r == null) {
                throw new IllegalArgumentException("the document is empty");
            }
        } catch (Exception e) {
            String why = e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage());
            assertThat(why).isNotBlank();
            return new Result(file, "rejected-mapping", "-", why);
        }
        if (r.getMetadata() == null) {
            r.setMetadata(new ObjectMeta());
        }
        r.getMetadata().setNamespace("default");
        r.getMetadata().setUid(UUID.randomUUID().toString());
        r.getMetadata().setGeneration(1L);
        if (r.getMetadata().getName() == null) {
            r.getMetadata().setName("hostile");
        }
        String specRejection = null;
        try {
            Specs.definition(r.getSpec());
            Specs.duration(r.getSpec().getBuildDeadline());
        } catch (InvalidDefinitionException e) {
            specRejection = e.getMessage();
            assertThat(specRejection).as("spec check message").isNotBlank();
        }
        if (text.contains("\n# real-build-attempt: ") && r.getSpec() != null && r.getSpec().getName() != null) {
            declaredBuildAttempts.add(r.getSpec().getName());
        }
        Request req = PostgresIndexReconciler.request(r, fakeClient(secrets),
                new SecretCache(java.time.Duration.ZERO, java.time.Instant::now));
        try (EngineHarness h = new EngineHarness(r.getMetadata().getName(), db, r.getSpec())) {
            PostgresIndexStatus st = new PostgresIndexStatus();
            Instant end = Instant.now().plus(Duration.ofSeconds(20));
            while (true) {
                PostgresIndexStatus[] holder = {st};
                Outcome o = h.engine().reconcile(req, st, s -> holder[0] = StatusCopies.copy(s),
                        new Events() {
                            @Override
                            public void normal(Reason reason, String message) {
                                h.events.add("Normal " + reason + ": " + message);
                            }

                            @Override
                            public void warning(Reason reason, String message) {
                                h.events.add("Warning " + reason + ": " + message);
                            }
                        }, () -> { });
                st = o.status();
                if (Conditions.isTrue(st, ConditionType.READY)) {
                    throw new AssertionError("became Ready: " + Conditions.get(st, ConditionType.READY)
                            .orElseThrow().getMessage());
                }
                if (Conditions.isTrue(st, ConditionType.STALLED)) {
                    break;
                }
                if (Instant.now().isAfter(end)) {
                    throw new AssertionError("not Stalled within 20 s; phase " + st.getPhase() + ", events " + h.events);
                }
                Thread.sleep(o.requeueAfter() == null ? 100 : Math.min(500, Math.max(20, o.requeueAfter().toMillis())));
            }
            var stalled = Conditions.get(st, ConditionType.STALLED).orElseThrow();
            assertThat(stalled.getMessage()).as("Stalled message").isNotBlank();
            String reason = stalled.getReason();
            if (specRejection != null) {
                assertThat(reason).as("a spec the check rejects stalls as InvalidSpec").isEqualTo(Reason.InvalidSpec.name());
                return new Result(file, "rejected-spec", reason, stalled.getMessage());
            }
            if (reason.equals(Reason.SecretInvalid.name()) || reason.equals(Reason.SecretNotFound.name())) {
                return new Result(file, "stalled-secret", reason, stalled.getMessage());
            }
            return new Result(file, "stalled-postgres", reason, stalled.getMessage());
        }
    }

    /** Serves {@code client.secrets().inNamespace(ns).withName(n).get()} from the map, as the reconciler calls it. */
    static KubernetesClient fakeClient(Map<String, Secret> secrets) {
        return (KubernetesClient) proxy(KubernetesClient.class, secrets, null);
    }

    private static Object proxy(Class<?> type, Map<String, Secret> secrets, String name) {
        InvocationHandler handler = (self, method, args) -> switch (method.getName()) {
            case "secrets" -> proxy(io.fabric8.kubernetes.client.dsl.MixedOperation.class, secrets, name);
            case "inNamespace" -> proxy(io.fabric8.kubernetes.client.dsl.NonNamespaceOperation.class, secrets, name);
            case "withName" -> proxy(io.fabric8.kubernetes.client.dsl.Resource.class, secrets, (String) args[0]);
            case "get" -> secrets.get(name);
            case "toString" -> "fake " + type.getSimpleName();
            case "hashCode" -> System.identityHashCode(self);
            case "equals" -> self == args[0];
            default -> throw new UnsupportedOperationException(method.toString());
        };
        return Proxy.newProxyInstance(HostileCorpusTest.class.getClassLoader(), new Class<?>[] {type}, handler);
    }

    private static String oneLine(String s) {
        String t = s == null ? "" : s.replace('\n', ' ');
        return t.length() > 160 ? t.substring(0, 160) + "..." : t;
    }
}
