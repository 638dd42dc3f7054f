package dev.pgindex.operator.cli;

import dev.pgindex.operator.api.v1alpha1.PostgresConstraint;
import dev.pgindex.operator.api.v1alpha1.PostgresIndex;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

@Command(name = "audit", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true, usageHelpWidth = 100,
        header = "Report invalid, leftover, duplicate, redundant and unused indexes, unindexed foreign keys and "
                + "constraints left NOT VALID (read-only).",
        description = {"Report what needs attention, read-only (one READ ONLY transaction, rolled back): INVALID "
                + "indexes (owned by the operator or not), leftovers of failed rebuilds (_ccnew, _ccold), duplicate "
                + "indexes, redundant ones whose key columns lead another index, unused ones (never scanned, once "
                + "the statistics are older than --min-stats-age), foreign keys with no index that covers them (with "
                + "a ready PostgresIndex manifest for each), constraints left NOT VALID (with a PostgresConstraint "
                + "manifest that has the operator adopt and validate each one online), and indexes marked as owned "
                + "by a PostgresIndex that no longer exists (needs the cluster).",
                "",
                "Exit code 0 when nothing is found, 1 when something is.",
                "",
                "Examples:",
                "  kubectl pgindex audit -n shop --secret shop-db-app",
                "  kubectl pgindex audit -n shop --secret shop-db-app -o json | jq '.findings[].check'",
                "  kubectl pgindex audit -n shop --secret shop-db-app -o yaml | kubectl apply -f -"})
final class AuditCommand implements Callable<Integer> {
    private static final Pattern DURATION = Pattern.compile("([0-9]+)([dhms])");

    @Mixin
    Target target;

    @Option(names = "--min-stats-age", paramLabel = "DURATION", defaultValue = "7d", description = "Judge unused "
            + "indexes only when the scan statistics cover at least this long (default 7d; 0 always judges). "
            + "Units d, h, m, s.")
    String minStatsAge;

    @Option(names = "--no-cluster", description = "Do not ask the cluster which PostgresIndex resources exist "
            + "(skips the orphaned-mark check).")
    boolean noCluster;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table", description = "table "
            + "(default), json (every finding, for scripts) or yaml (only the manifests: PostgresIndex for unindexed "
            + "foreign keys, PostgresConstraint for constraints left NOT VALID).")
    Output output;

    @Spec
    CommandSpec command;


    @Override
    public Integer call() throws SQLException {
        Duration minAge = duration(minStatsAge);
        String secret = target.secret != null ? target.secret : "replace-with-the-connection-secret";
        Audit.Report report;
        try (Target t = target; Connection c = t.connect()) {
            report = Audit.run(c, minAge, secret, t.namespace, noCluster ? (ns, notes) -> Optional.empty()
                    : (ns, notes) -> resources(t, ns, notes));
        }
        PrintWriter out = command.commandLine().getOut();
        switch (output) {
            case table -> {
                if (report.findings().isEmpty()) {
                    out.println("No findings.");
                } else {
                    Table tab = new Table("CHECK", "NAME", "TABLE", "DETAIL", "FIX");
                    for (Audit.Finding f : report.findings()) {
                        tab.row(f.check(), f.schema() + "." + f.name(), f.table(), f.detail(), f.fix());
                    }
                    tab.print(out);
                }
                for (String n : report.notes()) {
                    out.println("note: " + n);
                }
            }
            case json -> {
                List<Map<String, Object>> items = new ArrayList<>();
                for (Audit.Finding f : report.findings()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("check", f.check());
                    m.put("schema", f.schema());
                    m.put("table", f.table());
                    if (f.index() != null) {
                        m.put("index", f.index());
                    }
                    if (f.constraint() != null) {
                        m.put("constraint", f.constraint().name());
                        if (f.constraint().kind() != null) {
                            m.put("kind", f.constraint().kind());
                            m.put("definition", f.constraint().definition());
                            m.put("owner", f.constraint().owner());
                        }
                    }
                    m.put("detail", f.detail());
                    m.put("fix", f.fix());
                    if (f.manifest() != null) {
                        m.put("manifest", Manifests.tree(f.manifest()));
                    }
                    items.add(m);
                }
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("findings", items);
                doc.put("notes", report.notes());
                out.print(Manifests.json(doc));
            }
            case yaml -> {
                List<HasMetadata> indexes = manifests(report, PostgresIndex.class);
                List<HasMetadata> constraints = manifests(report, PostgresConstraint.class);
                out.print("# kubectl pgindex audit: " + indexes.size() + " index(es) for unindexed foreign keys, "
                        + constraints.size() + " constraint(s) left NOT VALID; " + report.findings().size()
                        + " finding(s) in all (-o table shows them)\n");
                List<HasMetadata> all = new ArrayList<>(indexes);
                all.addAll(constraints);
                out.print(Manifests.yaml(all));
            }
        }
        out.flush();
        return report.findings().isEmpty() ? Main.OK : Main.FINDINGS;
    }

    private static List<HasMetadata> manifests(Audit.Report report, Class<? extends HasMetadata> kind) {
        return report.findings().stream().map(Audit.Finding::manifest).filter(kind::isInstance)
                .map(m -> (HasMetadata) m).toList();
    }

    /** namespace/name to uid of every PostgresIndex in the namespaces the marks name. */
    private static Optional<Map<String, String>> resources(Target t, Set<String> namespaces, List<String> notes) {
        Map<String, String> uids = new HashMap<>();
        try {
            for (String ns : namespaces) {
                for (GenericKubernetesResource r : t.client().genericKubernetesResources(
                        PostgresIndex.GROUP + "/" + PostgresIndex.VERSION, "PostgresIndex").inNamespace(ns).list()
                        .getItems()) {
                    uids.put(ns + "/" + r.getMetadata().getName(), r.getMetadata().getUid());
                }
            }
            return Optional.of(uids);
        } catch (Main.Failure e) {
            throw e;
        } catch (KubernetesClientException e) {
            notes.add("cannot list PostgresIndex resources: " + Target.rootMessage(e));
            return Optional.empty();
        } catch (RuntimeException e) {
            notes.add("no cluster access: " + Target.rootMessage(e));
            return Optional.empty();
        }
    }

    static Duration duration(String text) {
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = DURATION.matcher(text);
        Duration d = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            });
            end = m.end();
        }
        if (end == 0 || end != text.length()) {
            throw Main.Failure.usage("--min-stats-age '" + text + "' is not a duration such as 7d, 36h or 0");
        }
        return d;
    }
}
