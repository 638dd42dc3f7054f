package dev.pgindex.operator.e2e;

import dev.pgindex.operator.support.Cli;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator needs exactly the RBAC in deploy/: the suite's operator runs as that ServiceAccount (never as
 * cluster-admin), and an operator that lacks a permission says so in status instead of failing silently.
 */
class RbacIT {
    static E2eEnvironment env;

    @BeforeAll
    static void up() {
        env = E2eEnvironment.get();
    }

    Cli.Result canI(String verb, String resource, String namespace) {
        return env.kubectl("auth", "can-i", verb, resource, "-n", namespace, "--as",
                "system:serviceaccount:pgindex-system:pgindex-operator");
    }

    @Test
    void shouldGrantTheServiceAccountOnlyWhatTheOperatorUses() {
        assertThat(canI("watch", "postgresindexes.pgindex.dev", "anywhere").out().trim()).isEqualTo("yes");
        assertThat(canI("update", "postgresindexes.pgindex.dev/status", "anywhere").out().trim()).isEqualTo("yes");
        assertThat(canI("get", "secrets", "anywhere").out().trim()).isEqualTo("yes");
        assertThat(canI("create", "events", "anywhere").out().trim()).isEqualTo("yes");
        assertThat(canI("list", "secrets", "anywhere").out().trim()).isEqualTo("no");
        // a PostgresIndexSet creates and deletes the PostgresIndexes it owns
        assertThat(canI("delete", "postgresindexes.pgindex.dev", "anywhere").out().trim()).isEqualTo("yes");
        assertThat(canI("watch", "postgresindexsets.pgindex.dev", "anywhere").out().trim()).isEqualTo("yes");
        assertThat(canI("delete", "postgresindexsets.pgindex.dev", "anywhere").out().trim()).isEqualTo("no");
        assertThat(canI("watch", "postgresconstraints.pgindex.dev", "anywhere").out().trim()).isEqualTo("yes");
        assertThat(canI("update", "postgresconstraints.pgindex.dev/status", "anywhere").out().trim()).isEqualTo("yes");
        assertThat(canI("delete", "postgresconstraints.pgindex.dev", "anywhere").out().trim()).isEqualTo("no");
        assertThat(canI("create", "pods", "anywhere").out().trim()).isEqualTo("no");
        assertThat(canI("*", "*", "anywhere").out().trim()).isEqualTo("no");
    }

    @Test
    void shouldReportAMissingPermissionClearlyInStatus() {
        E2eEnvironment.Tenant t = env.newTenant("rbac");
        String ns = t.namespace();
        // a namespace-scoped operator whose Role lacks "get secrets"
        env.apply(ns, """
                apiVersion: v1
                kind: ServiceAccount
                metadata:
                  name: restricted
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata:
                  name: restricted
                rules:
                  - apiGroups: ["pgindex.dev"]
                    resources: ["postgresindexes"]
                    verbs: ["get", "list", "watch", "patch", "update"]
                  - apiGroups: ["pgindex.dev"]
                    resources: ["postgresindexes/status"]
                    verbs: ["get", "patch", "update"]
                  - apiGroups: ["pgindex.dev"]
                    resources: ["postgresindexes/finalizers"]
                    verbs: ["update"]
                  - apiGroups: ["pgindex.dev"]
                    resources: ["postgresindexsets", "postgresindexsets/status"]
                    verbs: ["get", "list", "watch", "patch", "update"]
                  - apiGroups: ["pgindex.dev"]
                    resources: ["postgresconstraints", "postgresconstraints/status"]
                    verbs: ["get", "list", "watch", "patch", "update"]
                  - apiGroups: [""]
                    resources: ["events"]
                    verbs: ["create", "patch"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata:
                  name: restricted
                roleRef:
                  apiGroup: rbac.authorization.k8s.io
                  kind: Role
                  name: restricted
                subjects:
                  - kind: ServiceAccount
                    name: restricted
                """).check();
        Path kubeconfig = env.controlPlane.serviceAccountKubeconfig(ns, "restricted");
        env.operator.stop();
        try {
            env.operator = new OperatorProcess(kubeconfig, env.logDir, Map.of("QUARKUS_OPERATOR_SDK_NAMESPACES", ns));
            env.apply(ns, KubectlUserJourneyIT.manifest("idx", "users", "users_email_idx", "")).check();
            env.awaitJsonPath(ns, "pgindex/idx", ".status.conditions[?(@.type==\"Stalled\")].status", "True",
                    Duration.ofSeconds(60));
            String message = env.kubectl("get", "pgindex", "idx", "-n", ns, "-o",
                    "jsonpath={.status.conditions[?(@.type==\"Stalled\")].message}").check().out();
            assertThat(message).contains("may not read Secret " + ns + "/db-app").contains("grant it get on secrets");
        } finally {
            env.restartOperator(Map.of(), env.operatorKubeconfig);
        }
        // with the deploy/ RBAC the same resource goes Ready
        KubectlUserJourneyIT.createShopTables(t);
        env.awaitJsonPath(ns, "pgindex/idx", ".status.phase", "Ready", Duration.ofSeconds(90));
    }
}
