package dev.pgindex.operator.cli;

import dev.pgindex.operator.api.v1alpha1.PostgresIndex;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.postgres.IndexCatalog;
import dev.pgindex.operator.postgres.IndexDefinition;
import dev.pgindex.operator.postgres.IndexHealth;
import dev.pgindex.operator.postgres.OwnershipMark;
import dev.pgindex.operator.postgres.Quoting;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What needs attention in a database, read in one READ ONLY transaction that is rolled back: nothing is changed,
 * every fix is a suggestion (a statement to review, or a manifest).
 */
final class Audit {
    static final Pattern LEFTOVER = Pattern.compile(".*_cc(new|old)[0-9]*");

    /**
     * One thing found; {@code manifest} is set for an unindexed foreign key (a PostgresIndex) and for a constraint
     * left NOT VALID (a PostgresConstraint); {@code constraint} for the findings about a constraint, when
     * {@code index} is null, and for an unindexed foreign key.
     */
    record Finding(String check, String schema, String table, String index, String detail, String fix,
            HasMetadata manifest, Constraint constraint) {
        Finding(String check, String schema, String table, String index, String detail, String fix,
                HasMetadata manifest) {
            this(check, schema, table, index, detail, fix, manifest, null);
        }

        /** The index, or else the constraint, the finding is about. */
        String name() {
            return index != null ? index : constraint.name();
        }
    }

    /** A constraint: {@code kind}, {@code definition} and {@code owner} (ns/name or null) only when it is the subject. */
    record Constraint(String name, String kind, String definition, String owner) {
    }

    record Report(List<Finding> findings, List<String> notes) {
    }

    /** The PostgresIndex resources that exist, as namespace/name to uid; empty when the cluster cannot be asked. */
    interface Resources {
        Optional<Map<String, String>> uids(Set<String> namespaces, List<String> notes);
    }

    private Audit() {
    }

    static Report run(Connection c, Duration minStatsAge, String secret, String namespace, Resources resources)
            throws SQLException {
        List<Finding> findings = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            List<IndexCatalog.Listed> all = IndexCatalog.list(c);
            Set<Long> building = IndexHealth.beingBuilt(c);
            invalid(all, building, findings, notes);
            List<IndexHealth.Shape> shapes = IndexHealth.shapes(c);
            duplicatesAndPrefixes(shapes, findings);
            unused(c, minStatsAge, findings, notes);
            Map<String, String> fkIndexes = new HashMap<>();
            for (IndexHealth.UnindexedForeignKey fk : IndexHealth.unindexedForeignKeys(c)) {
                PostgresIndex m = fkManifest(fk, secret, namespace);
                fkIndexes.put(fk.schema() + "." + fk.table() + "." + fk.constraint(), m.getMetadata().getName());
                findings.add(new Finding("unindexed-foreign-key", fk.schema(), fk.table(), m.getSpec().getName(),
                        "foreign key " + fk.constraint() + " (" + String.join(", ", fk.columns()) + ") references "
                                + fk.referenced() + " and no index leads with its columns: every DELETE or key "
                                + "UPDATE on " + fk.referenced() + " scans " + fk.schema() + "." + fk.table(),
                        "apply the manifest (kubectl pgindex audit -o yaml)", m,
                        new Constraint(fk.constraint(), null, null, null)));
            }
            findings.addAll(ConstraintAudit.notValid(c, secret, namespace, fkIndexes));
            orphans(all, resources, findings, notes);
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
        return new Report(findings, notes);
    }

    private static void invalid(List<IndexCatalog.Listed> all, Set<Long> building, List<Finding> findings,
            List<String> notes) {
        for (IndexCatalog.Listed i : all) {
            if (i.valid()) {
                continue;
            }
            if (building.contains(i.oid())) {
                notes.add(i.schema() + "." + i.name() + " is INVALID because a build of it is running now; not "
                        + "reported");
                continue;
            }
            Optional<OwnershipMark> mark = OwnershipMark.parse(i.comment());
            String owner = mark.map(m -> "owned by PostgresIndex " + m.resource() + " (the operator drops and "
                    + "rebuilds it)").orElse("not owned by the operator (it never touches it)");
            String drop = "DROP INDEX CONCURRENTLY " + Quoting.qualified(i.schema(), i.name());
            if (LEFTOVER.matcher(i.name()).matches()) {
                findings.add(new Finding("rebuild-leftover", i.schema(), i.table(), i.name(), "INVALID leftover of a "
                        + "failed REINDEX CONCURRENTLY; " + owner, drop, null));
            } else {
                findings.add(new Finding("invalid", i.schema(), i.table(), i.name(), "INVALID (a failed CREATE INDEX "
                        + "CONCURRENTLY leaves one): writes still maintain it, no query uses it; " + owner,
                        mark.isPresent() ? "nothing: the operator rebuilds it" : drop + ", or REINDEX INDEX CONCURRENTLY "
                                + Quoting.qualified(i.schema(), i.name()), null));
            }
        }
    }

    private static void duplicatesAndPrefixes(List<IndexHealth.Shape> shapes, List<Finding> findings) {
        Set<Long> reported = new HashSet<>();
        for (IndexHealth.Shape a : shapes) {
            for (IndexHealth.Shape b : shapes) {
                if (a.oid() == b.oid() || a.tableOid() != b.tableOid() || !a.method().equals(b.method())) {
                    continue;
                }
                if (same(a, b)) {
                    // report the one to drop: never a constraint's index, else the later of the two
                    IndexHealth.Shape extra = a.constraint() ? b : b.constraint() ? a : a.oid() > b.oid() ? a : b;
                    IndexHealth.Shape keep = extra == a ? b : a;
                    if (extra.constraint() || !reported.add(extra.oid())) {
                        continue;
                    }
                    findings.add(new Finding("duplicate", extra.schema(), extra.table(), extra.name(), "same "
                            + "definition as " + keep.name() + " (" + extra.size() + " spent twice on every write)",
                            "DROP INDEX CONCURRENTLY " + Quoting.qualified(extra.schema(), extra.name()), null));
                } else if (redundant(a, b) && reported.add(a.oid())) {
                    findings.add(new Finding("redundant", a.schema(), a.table(), a.name(), "its key columns lead "
                            + b.name() + ", which serves the same lookups (" + a.size() + ")",
                            "DROP INDEX CONCURRENTLY " + Quoting.qualified(a.schema(), a.name())
                                    + " once no query needs its smaller size", null));
                }
            }
        }
    }

    private static boolean same(IndexHealth.Shape a, IndexHealth.Shape b) {
        return a.unique() == b.unique() && a.nullsNotDistinct() == b.nullsNotDistinct()
                && a.keyColumns() == b.keyColumns() && a.attnums().equals(b.attnums())
                && a.opclasses().equals(b.opclasses()) && a.collations().equals(b.collations())
                && a.options().equals(b.options()) && a.expressions().equals(b.expressions())
                && a.predicate().equals(b.predicate());
    }

    /** A plain btree whose key columns lead another full btree (or equal it, which adds INCLUDE columns). */
    private static boolean redundant(IndexHealth.Shape a, IndexHealth.Shape b) {
        if (!"btree".equals(a.method()) || a.unique() || a.constraint() || !a.predicate().isEmpty()
                || !b.predicate().isEmpty() || !a.expressions().isEmpty() || a.hasInclude()
                || a.attnums().contains(0)) {
            return false;
        }
        int n = a.keyColumns();
        if (n > b.keyColumns() || !a.keyPrefixOf(b, n)) {
            return false;
        }
        return n < b.keyColumns() || b.hasInclude();
    }

    private static void unused(Connection c, Duration minStatsAge, List<Finding> findings, List<String> notes)
            throws SQLException {
        IndexHealth.StatsAge age = IndexHealth.statsAge(c);
        String window = human(Duration.ofSeconds(age.seconds()));
        if (age.seconds() < minStatsAge.toSeconds()) {
            notes.add("statistics cover only " + window + " (since " + age.since() + "), less than --min-stats-age "
                    + human(minStatsAge) + ": unused indexes not judged");
            return;
        }
        for (IndexHealth.Unused u : IndexHealth.unused(c)) {
            findings.add(new Finding("unused", u.schema(), u.table(), u.name(), "never scanned in " + window
                    + " (statistics since " + age.since() + "; scans on replicas are not counted here); " + u.size(),
                    "check the replicas, then DROP INDEX CONCURRENTLY " + Quoting.qualified(u.schema(), u.name()),
                    null));
        }
    }

    /** 7d, 36h, 21m43s: the units people write. */
    static String human(Duration d) {
        long s = d.toSeconds();
        if (s == 0) {
            return "0s";
        }
        StringBuilder b = new StringBuilder();
        long[] sizes = {86400, 3600, 60, 1};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (s >= sizes[i]) {
                b.append(s / sizes[i]).append(units[i]);
                s %= sizes[i];
            }
        }
        return b.toString();
    }

    static PostgresIndex fkManifest(IndexHealth.UnindexedForeignKey fk, String secret, String namespace) {
        String name = fk.table() + "_" + String.join("_", fk.columns()) + "_fk_idx";
        if (name.getBytes(StandardCharsets.UTF_8).length > Quoting.MAX_IDENTIFIER_BYTES
                || !name.matches(Quoting.IDENTIFIER_PATTERN)) {
            name = "fk_" + Integer.toHexString((fk.schema() + "." + fk.table() + "." + fk.constraint()).hashCode())
                    + "_idx";
        }
        IndexDefinition d = IndexDefinition.of(fk.schema(), fk.table(), name,
                fk.columns().stream().map(IndexDefinition.Column::of).toList());
        PostgresIndexSpec spec = Manifests.spec(d, secret, null);
        return Manifests.resource(Manifests.resourceName(fk.schema(), name), namespace, spec,
                "index for foreign key " + fk.constraint());
    }

    private static void orphans(List<IndexCatalog.Listed> all, Resources resources, List<Finding> findings,
            List<String> notes) {
        List<IndexCatalog.Listed> marked = all.stream().filter(i -> OwnershipMark.parse(i.comment()).isPresent())
                .toList();
        if (marked.isEmpty()) {
            return;
        }
        Set<String> namespaces = new HashSet<>();
        marked.forEach(i -> namespaces.add(OwnershipMark.parse(i.comment()).get().resource().split("/")[0]));
        Optional<Map<String, String>> uids = resources.uids(namespaces, notes);
        if (uids.isEmpty()) {
            notes.add(marked.size() + " index(es) carry the operator's ownership mark; not checked against the "
                    + "cluster (no cluster access), so orphaned marks are not reported");
            return;
        }
        for (IndexCatalog.Listed i : marked) {
            OwnershipMark m = OwnershipMark.parse(i.comment()).get();
            String uid = uids.get().get(m.resource());
            if (m.ownerUid().equals(uid)) {
                continue;
            }
            findings.add(new Finding("orphaned", i.schema(), i.table(), i.name(), "marked as owned by PostgresIndex "
                    + m.resource() + (uid == null ? ", which no longer exists" : ", which was recreated (uid " + uid
                    + ", mark " + m.ownerUid() + ")") + (m.adopted() ? "; adopted, never built by it" : "; built by it"),
                    "kubectl pgindex import --name " + i.name() + " (after COMMENT ON INDEX "
                            + Quoting.qualified(i.schema(), i.name()) + " IS NULL) to manage it again, or DROP INDEX "
                            + "CONCURRENTLY " + Quoting.qualified(i.schema(), i.name()), null));
        }
    }
}
