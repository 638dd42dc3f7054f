package dev.pgindex.operator;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.pgindex.operator.api.v1alpha1.Identifiers;
import dev.pgindex.operator.postgres.Quoting;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.status.StatusCopies;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/** The layering of docs/design.md, enforced: each rule names the package it protects and why. */
class ArchitectureTest {
    static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.pgindex.operator");
    }

    @Test
    void postgresKnowsNothingOfKubernetes() {
        // SQL text, catalog reads and the job runner are tested against PostgreSQL alone
        noClasses().that().resideInAPackage("..operator.postgres..").should().dependOnClassesThat()
                .resideInAnyPackage("io.fabric8..", "io.javaoperatorsdk..", "io.quarkiverse..",
                        "dev.pgindex.operator.api..", "dev.pgindex.operator.controller..",
                        "dev.pgindex.operator.engine..", "dev.pgindex.operator.decide..",
                        "dev.pgindex.operator.kube..", "dev.pgindex.operator.spec..", "dev.pgindex.operator.status..",
                        "dev.pgindex.operator.metrics..", "dev.pgindex.operator.config..",
                        "dev.pgindex.operator.startup..")
                .check(main);
    }

    @Test
    void apiImportsNothingFromTheOtherPackages() {
        // the CRD types are the contract; they depend on nothing the operator does
        noClasses().that().resideInAPackage("..operator.api..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.pgindex.operator.postgres..", "dev.pgindex.operator.controller..",
                        "dev.pgindex.operator.engine..", "dev.pgindex.operator.decide..",
                        "dev.pgindex.operator.kube..", "dev.pgindex.operator.spec..", "dev.pgindex.operator.status..",
                        "dev.pgindex.operator.metrics..", "dev.pgindex.operator.config..",
                        "dev.pgindex.operator.startup..")
                .check(main);
    }

    @Test
    void theEngineLayersNeverTouchJdbc() {
        // every statement goes through postgres/: the engine decides and acts, postgres/ talks to the server
        noClasses().that().resideInAnyPackage("..operator.controller..", "..operator.engine..",
                "..operator.decide..", "..operator.kube..").should().dependOnClassesThat()
                .resideInAnyPackage("java.sql..", "org.postgresql..").check(main);
    }

    @Test
    void decisionsAreMadeWithoutIo() {
        // a decision is a pure function of its context: no session, no Kubernetes client, no framework
        noClasses().that().resideInAPackage("..operator.decide..").should().dependOnClassesThat()
                .resideInAnyPackage("java.sql..", "io.fabric8.kubernetes.client..", "io.javaoperatorsdk..",
                        "dev.pgindex.operator.engine..", "dev.pgindex.operator.controller..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.pgindex.operator.postgres.Session")
                .check(main);
    }

    @Test
    void noPackageCycles() {
        // between every two packages, not only the top-level ones
        slices().matching("dev.pgindex.operator.(**)").should().beFreeOfCycles().check(main);
    }

    @Test
    void noLayerDependsOnOneAboveIt() {
        // controllers (JOSDK adapters) -> engine runtime -> decisions -> spec, status, postgres, api; the
        // Kubernetes kit serves the controllers and the plugin; start-up and metrics sit beside the controllers
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("controller").definedBy("..operator.controller..")
                .layer("startup").definedBy("..operator.startup..")
                .layer("metrics").definedBy("..operator.metrics..")
                .layer("engine").definedBy("..operator.engine..")
                .layer("decide").definedBy("..operator.decide..")
                .layer("spec").definedBy("..operator.spec..")
                .layer("status").definedBy("..operator.status..")
                .layer("kube").definedBy("..operator.kube..")
                .layer("postgres").definedBy("..operator.postgres..")
                .layer("api").definedBy("..operator.api..")
                .layer("cli").definedBy("..operator.cli..")
                .whereLayer("controller").mayNotBeAccessedByAnyLayer()
                .whereLayer("startup").mayNotBeAccessedByAnyLayer()
                .whereLayer("metrics").mayOnlyBeAccessedByLayers("controller")
                .whereLayer("engine").mayOnlyBeAccessedByLayers("controller", "metrics", "startup")
                .whereLayer("decide").mayOnlyBeAccessedByLayers("controller", "metrics", "startup", "engine")
                .whereLayer("kube").mayOnlyBeAccessedByLayers("controller", "cli")
                .whereLayer("spec").mayOnlyBeAccessedByLayers("controller", "startup", "engine", "decide", "cli")
                .check(main);
    }

    @Test
    void admissionAndEngineCheckIdentifiersWithTheSamePatterns() {
        assertThat(Identifiers.PATTERN).isEqualTo(Quoting.IDENTIFIER_PATTERN);
        assertThat(Identifiers.COLLATION_PATTERN).isEqualTo(Quoting.COLLATION_PATTERN);
        assertThat(Identifiers.MAX_BYTES).isEqualTo(Quoting.MAX_IDENTIFIER_BYTES);
    }

    @Test
    void noMainSourceFileIsOver300Lines() throws IOException {
        List<String> tooLong;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            tooLong = files.filter(p -> p.toString().endsWith(".java")).filter(p -> lines(p) > 300)
                    .map(p -> p + " (" + lines(p) + " lines)").toList();
        }
        assertThat(tooLong).as("split these by concern").isEmpty();
    }

    @Test
    void nothingDependsOnTheKubectlPlugin() {
        // the plugin (cli/) is a client of the operator's code; the operator never loads it or picocli
        noClasses().that().resideOutsideOfPackage("..operator.cli..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.pgindex.operator.cli..", "picocli..").check(main);
    }

    @Test
    void kubectlPluginUsesTheOperatorsDefinitionsButNotItsRuntime() {
        // it starts fast without Quarkus, and writes what the operator compares: api/ types, postgres/ catalog
        // reads and comparison, and the one mapping from spec to definition (spec/)
        noClasses().that().resideInAPackage("..operator.cli..").should().dependOnClassesThat()
                .resideInAnyPackage("io.quarkus..", "io.javaoperatorsdk..", "io.quarkiverse..", "jakarta..",
                        "dev.pgindex.operator.status..", "dev.pgindex.operator.metrics..",
                        "dev.pgindex.operator.config..", "dev.pgindex.operator.controller..",
                        "dev.pgindex.operator.engine..", "dev.pgindex.operator.decide..",
                        "dev.pgindex.operator.startup..")
                .check(main);
    }

    @Test
    void theSpecIsParsedWithoutTheEngine() {
        // spec/ turns spec text into typed values for the operator and the plugin alike: api/ and postgres/ only
        noClasses().that().resideInAPackage("..operator.spec..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.pgindex.operator.controller..", "dev.pgindex.operator.engine..",
                        "dev.pgindex.operator.decide..", "dev.pgindex.operator.status..",
                        "dev.pgindex.operator.metrics..", "dev.pgindex.operator.config..",
                        "dev.pgindex.operator.cli..", "io.fabric8.kubernetes.client..", "io.javaoperatorsdk..",
                        "java.sql..")
                .check(main);
    }

    @Test
    void onlyTheDraftChangesTheStatus() {
        // the last status is read-only and the next one a draft (docs/design.md): every change of a
        // PostgresIndex's status is made by decide/draft/ (StatusDraft and its concerns), so what a decision,
        // a job kind or the engine writes is found in one package. Allowed besides, each for a reason:
        //  - api/v1alpha1: the types themselves;
        //  - status.Conditions: the draft's implementation of the three conditions (it also merges the
        //    PostgresIndexSet's, which are out of scope); only the draft calls its mutators (below);
        //  - status.StatusCopies: the write path's deep copy of a whole status, and a copy stripped of progress
        //    to compare two statuses; it never changes the status being decided.
        // PostgresIndexSetStatus (controller/set/) is not a PostgresIndex status and not covered.
        classes().that().resideOutsideOfPackages("..operator.api..", "..operator.decide.draft..")
                .and().doNotHaveFullyQualifiedName(Conditions.class.getName())
                .and().doNotHaveFullyQualifiedName(StatusCopies.class.getName())
                .should(new StatusMutations()).check(main);
    }

    @Test
    void onlyTheDraftSetsTheConditions() {
        // status.Conditions sets Ready, Reconciling and Stalled together; for a PostgresIndex it is called by the
        // draft alone (ConditionsDraft), so no step, job kind or engine class sets a condition behind its back
        noClasses().that().resideOutsideOfPackages("..operator.decide.draft..", "..operator.status..")
                .should().callMethodWhere(DescribedPredicate.describe("a mutator of status.Conditions",
                        (JavaMethodCall c) -> c.getTargetOwner().isEquivalentTo(Conditions.class)
                                && CONDITION_MUTATORS.contains(c.getName())))
                .check(main);
    }

    @Test
    void theStatusRuleKnowsEveryTypeNestedInTheStatus() {
        // a new block of status (a class under PostgresIndexStatus) is covered by onlyTheDraftChangesTheStatus
        Set<String> nested = new java.util.TreeSet<>();
        nestedTypes(dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus.class, nested);
        nestedTypes(dev.pgindex.operator.api.v1alpha1.PostgresConstraintStatus.class, nested);
        assertThat(StatusMutations.STATUS_TYPES).containsAll(nested);
    }

    private static void nestedTypes(Class<?> type, Set<String> into) {
        if (type.isEnum() || !type.getPackageName().equals(Identifiers.class.getPackageName())
                || !into.add(type.getName())) {
            return;
        }
        for (java.lang.reflect.Field f : type.getDeclaredFields()) {
            nestedTypes(f.getType(), into);
            if (f.getGenericType() instanceof java.lang.reflect.ParameterizedType pt) {
                for (java.lang.reflect.Type arg : pt.getActualTypeArguments()) {
                    if (arg instanceof Class<?> c) {
                        nestedTypes(c, into);
                    }
                }
            }
        }
    }

    private static final Set<String> CONDITION_MUTATORS = Set.of("ready", "reconciling", "stalled", "set",
            "settleObservedGeneration");

    private static long lines(Path p) {
        try (Stream<String> l = Files.lines(p)) {
            return l.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
