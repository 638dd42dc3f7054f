package dev.pgindex.operator.controller;

import dev.pgindex.operator.api.v1alpha1.Reason;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Connection Secrets are read once per TTL per Secret, again at once after a refused login, never cached absent. */
class SecretCacheTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T00:00:00Z"));
    private final AtomicInteger reads = new AtomicInteger();
    private final AtomicReference<Secret> stored = new AtomicReference<>(secret("5432"));

    private final Supplier<Secret> api = () -> {
        reads.incrementAndGet();
        return stored.get();
    };

    private static Secret secret(String port) {
        return new SecretBuilder().withNewMetadata().withName("db-app").endMetadata()
                .addToStringData("port", port).build();
    }

    @Test
    void shouldReadASharedSecretOncePerTtlHoweverManyReconcilesUseIt() {
        SecretCache cache = new SecretCache(Duration.ofMinutes(1), now::get);
        for (int i = 0; i < 500; i++) {
            assertThat(cache.get("ns", "db-app", api).getStringData()).containsEntry("port", "5432");
        }
        assertThat(reads.get()).isEqualTo(1);
        stored.set(secret("6543"));
        now.set(now.get().plusSeconds(59));
        assertThat(cache.get("ns", "db-app", api).getStringData()).containsEntry("port", "5432");
        now.set(now.get().plusSeconds(1));
        assertThat(cache.get("ns", "db-app", api).getStringData()).as("read again once the TTL is over")
                .containsEntry("port", "6543");
        assertThat(reads.get()).isEqualTo(2);
    }

    @Test
    void shouldMakeOneReadWhenManyReconcilesNeedTheSameSecretAtOnce() throws Exception {
        SecretCache cache = new SecretCache(Duration.ofMinutes(1), now::get);
        java.util.concurrent.CountDownLatch inRead = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Supplier<Secret> slowApi = () -> {
            reads.incrementAndGet();
            inRead.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return stored.get();
        };
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            var results = new java.util.ArrayList<java.util.concurrent.Future<Secret>>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> cache.get("ns", "db-app", slowApi)));
            }
            inRead.await();
            Thread.sleep(100); // the other seven are waiting for the first read now
            release.countDown();
            for (var r : results) {
                assertThat(r.get().getStringData()).containsEntry("port", "5432");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(reads.get()).isEqualTo(1);
    }

    @Test
    void shouldReadAgainAtOnceAfterTheDatabaseRefusedTheConnection() {
        SecretCache cache = new SecretCache(Duration.ofMinutes(1), now::get);
        cache.get("ns", "db-app", api);
        stored.set(secret("6543"));
        cache.invalidate("ns", "db-app");
        assertThat(cache.get("ns", "db-app", api).getStringData()).containsEntry("port", "6543");
        assertThat(reads.get()).isEqualTo(2);
    }

    @Test
    void shouldNeverCacheAMissingSecret() {
        SecretCache cache = new SecretCache(Duration.ofMinutes(1), now::get);
        stored.set(null);
        assertThat(cache.get("ns", "db-app", api)).isNull();
        stored.set(secret("5432"));
        assertThat(cache.get("ns", "db-app", api)).as("created since: seen on the next reconcile").isNotNull();
        assertThat(reads.get()).isEqualTo(2);
    }

    @Test
    void shouldReadOnEveryReconcileWithATtlOfZero() {
        SecretCache cache = new SecretCache(Duration.ZERO, now::get);
        cache.get("ns", "db-app", api);
        cache.get("ns", "db-app", api);
        assertThat(reads.get()).isEqualTo(2);
        assertThat(cache.size()).isZero();
    }

    @Test
    void shouldTreatALoginFailureAsAReasonToReadTheSecretAgain() {
        var st = new dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus();
        assertThat(PostgresIndexReconciler.connectionRefused(st)).isFalse();
        new dev.pgindex.operator.decide.draft.StatusDraft(st).failure().record(Reason.AuthenticationFailed, "28P01",
                "password authentication failed", false, now.get());
        assertThat(PostgresIndexReconciler.connectionRefused(st)).isTrue();
        new dev.pgindex.operator.decide.draft.StatusDraft(st).failure().record(Reason.UniqueViolation, "23505", "duplicate",
                false, now.get());
        assertThat(PostgresIndexReconciler.connectionRefused(st)).isFalse();
    }
}
