package dev.pgindex.operator.controller.set;

import dev.pgindex.operator.api.v1alpha1.ConnectionRef;
import dev.pgindex.operator.api.v1alpha1.IndexColumn;
import dev.pgindex.operator.api.v1alpha1.IndexTemplate;
import dev.pgindex.operator.api.v1alpha1.PostgresIndex;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSet;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSetSpec;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.ReclaimPolicy;
import dev.pgindex.operator.api.v1alpha1.SetDatabases;
import dev.pgindex.operator.api.v1alpha1.SetReason;
import dev.pgindex.operator.api.v1alpha1.SslMode;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * What one reconcile of a set decides besides the rollout ({@link RolloutDecisionTest}): which children go, which
 * follow a template change, and when the status needs writing. Pure: no cluster, no database.
 *
 * <p>Children are written {@code database/schema/index:state} ({@code R} ready, {@code B} building, {@code S}
 * stalled, {@code D} being deleted); the set builds index {@code idx_v2} in databases a and b, schema public.
 */
class SetPlanTest {
    static final Instant NOW = Instant.parse("2026-12-08T00:00:00Z");

    static Stream<Arguments> rows() {
        return Stream.of(
                row("the old index's child goes once its replacement is Ready",
                        found("a", "b"), "a/public/idx_v1:R a/public/idx_v2:R b/public/idx_v2:R", s -> { },
                        List.of("a/public/idx_v1: deleted PostgresIndex %s (replaced by %s, index idx_v2); its "
                                + "reclaimPolicy Retain applies"), List.of()),
                row("the old index's child stays while its replacement builds",
                        found("a", "b"), "a/public/idx_v1:R a/public/idx_v2:B b/public/idx_v2:R", s -> { },
                        List.of(), List.of()),
                row("the old index's child goes when the replacement finds no table",
                        found("a", "b"), "a/public/idx_v1:R a/public/idx_v2:T b/public/idx_v2:R", s -> { },
                        List.of("a/public/idx_v1: deleted PostgresIndex %s (replaced by %s, index idx_v2); its "
                                + "reclaimPolicy Retain applies"), List.of()),
                row("a child whose database is no longer a target goes (the Secret list is complete)",
                        found("a"), "a/public/idx_v2:R b/public/idx_v2:R", s -> { },
                        List.of("b/public/idx_v2: deleted PostgresIndex %s (no longer a target); its reclaimPolicy "
                                + "Retain applies"), List.of()),
                row("a child whose database's schemas could not be read stays",
                        unreadable("a", "b"), "a/public/idx_v2:R b/public/idx_v2:R", s -> { },
                        List.of(), List.of()),
                row("a child whose Secret list is incomplete stays",
                        incomplete("a"), "a/public/idx_v2:R b/public/idx_v2:R", s -> { },
                        List.of(), List.of()),
                row("a child already being deleted is not deleted again",
                        found("a", "b"), "a/public/idx_v1:D a/public/idx_v2:R b/public/idx_v2:R", s -> { },
                        List.of(), List.of()),
                row("a reclaimPolicy changed in the template reaches every current child",
                        found("a", "b"), "a/public/idx_v2:R b/public/idx_v2:B",
                        s -> s.getSpec().getTemplate().setReclaimPolicy(ReclaimPolicy.Delete),
                        List.of(), List.of("a/public/idx_v2", "b/public/idx_v2")),
                row("a rebuild token in the template reaches every current child, not the old index's",
                        found("a", "b"), "a/public/idx_v1:R a/public/idx_v2:B b/public/idx_v2:R",
                        s -> s.getSpec().getTemplate().setRebuild("2026-12-08"),
                        List.of(), List.of("a/public/idx_v2", "b/public/idx_v2")),
                row("the set's sslMode reaches every current child",
                        found("a"), "a/public/idx_v2:R",
                        s -> s.getSpec().getDatabases().setSslMode(SslMode.REQUIRE),
                        List.of(), List.of("a/public/idx_v2")),
                row("children that match the template are left alone",
                        found("a", "b"), "a/public/idx_v2:R b/public/idx_v2:R", s -> { },
                        List.of(), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void setPlan(String name, TargetDiscovery.Found found, String children, Consumer<PostgresIndexSet> change,
            List<String> removed, List<String> updated) {
        PostgresIndexSet set = set();
        change.accept(set);
        Map<String, PostgresIndex> byKey = children(set, children);
        SetPlan plan = SetPlan.decide(set, found, List.copyOf(byKey.values()), 1, NOW);

        List<String> expectedRemovals = new ArrayList<>();
        for (String r : removed) {
            String key = r.substring(0, r.indexOf(':'));
            String replacement = key.replaceAll("/[^/]+$", "/idx_v2");
            expectedRemovals.add(key + ":" + r.substring(r.indexOf(':') + 1).formatted(
                    byKey.get(key).getMetadata().getName(), childName(replacement)));
        }
        assertThat(plan.removals().stream().map(x -> keyOf(byKey, x.child()) + ": " + x.message()).toList())
                .as("removed").containsExactlyElementsOf(expectedRemovals);
        assertThat(plan.templateUpdates().stream().map(c -> keyOf(byKey, c)).toList()).as("follow the template")
                .containsExactlyElementsOf(updated);
        assertThat(plan.starts()).as("nothing absent to start").isEmpty();
    }

    @org.junit.jupiter.api.Test
    void shouldWriteTheStatusOnlyWhenItChanged() {
        PostgresIndexSet set = set();
        List<PostgresIndex> children = List.copyOf(children(set, "a/public/idx_v2:R b/public/idx_v2:R").values());
        SetPlan first = SetPlan.decide(set, found("a", "b"), children, 1, NOW);
        assertThat(first.statusChanged()).isTrue();
        assertThat(first.verdict().reason()).isEqualTo(SetReason.AllTargetsReady);
        set.setStatus(first.status());
        SetPlan again = SetPlan.decide(set, found("a", "b"), children, 1, NOW.plusSeconds(60));
        assertThat(again.statusChanged()).as("same targets, same states, a minute later").isFalse();
    }

    // ---------------------------------------------------------------------------------------------- fixtures

    static Arguments row(String name, TargetDiscovery.Found found, String children, Consumer<PostgresIndexSet> change,
            List<String> removed, List<String> updated) {
        return arguments(name, found, children, change, removed, updated);
    }

    static TargetDiscovery.Found found(String... databases) {
        Map<String, List<String>> schemas = new LinkedHashMap<>();
        for (String db : databases) {
            schemas.put(db, List.of("public"));
        }
        return new TargetDiscovery.Found(schemas, List.of(), null, true);
    }

    static TargetDiscovery.Found unreadable(String... databases) {
        Map<String, List<String>> schemas = new LinkedHashMap<>();
        for (String db : databases) {
            schemas.put(db, null);
        }
        return new TargetDiscovery.Found(schemas, List.of(databases), null, true);
    }

    static TargetDiscovery.Found incomplete(String... databases) {
        TargetDiscovery.Found f = found(databases);
        return new TargetDiscovery.Found(f.schemas(), List.of(), "secrets are forbidden", false);
    }

    static PostgresIndexSet set() {
        PostgresIndexSet set = new PostgresIndexSet();
        set.setMetadata(new ObjectMetaBuilder().withName("orders").withNamespace("shop").withUid("set-uid")
                .withGeneration(1L).build());
        PostgresIndexSetSpec spec = new PostgresIndexSetSpec();
        IndexTemplate t = new IndexTemplate();
        t.setTable("orders");
        t.setName("idx_v2");
        t.setColumns(new ArrayList<>(List.of(IndexColumn.named("a"))));
        t.setReclaimPolicy(ReclaimPolicy.Retain);
        spec.setTemplate(t);
        SetDatabases dbs = new SetDatabases();
        dbs.setSecretNames(List.of("a", "b"));
        spec.setDatabases(dbs);
        set.setSpec(spec);
        return set;
    }

    static String childName(String key) {
        String[] p = key.split("/");
        return Children.name("orders", p[0], p[1], p[2]);
    }

    /** The children, by key database/schema/index, as the set stamped them (spec from the template). */
    static Map<String, PostgresIndex> children(PostgresIndexSet set, String spec) {
        Map<String, PostgresIndex> out = new LinkedHashMap<>();
        for (String item : spec.split(" ")) {
            String key = item.substring(0, item.indexOf(':'));
            char state = item.charAt(item.length() - 1);
            String[] p = key.split("/");
            PostgresIndex c = state == 'R' ? ChildrenTest.child("Ready", "IndexReady", null, null)
                    : state == 'S' ? ChildrenTest.child("Stalled", "UniqueViolation", null, null)
                    : state == 'T' ? ChildrenTest.child("Stalled", "TableNotFound", null, null)
                    : ChildrenTest.child("Reconciling", "Building", dev.pgindex.operator.api.v1alpha1.Phase.Building,
                    null);
            c.getMetadata().setName(childName(key));
            c.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder().withUid("set-uid")
                    .withController(true).build()));
            if (state == 'D') {
                c.getMetadata().setDeletionTimestamp("2026-12-07T23:59:00Z");
            }
            PostgresIndexSpec s = new PostgresIndexSpec();
            s.setTable("orders");
            s.setName(p[2]);
            s.setSchema(p[1]);
            s.setReclaimPolicy(ReclaimPolicy.Retain);
            ConnectionRef ref = new ConnectionRef();
            ref.setSecretName(p[0]);
            s.setConnection(ref);
            c.setSpec(s);
            out.put(key, c);
        }
        return out;
    }

    static String keyOf(Map<String, PostgresIndex> byKey, PostgresIndex c) {
        return byKey.entrySet().stream().filter(e -> e.getValue() == c).map(Map.Entry::getKey).findFirst()
                .orElseThrow();
    }
}
