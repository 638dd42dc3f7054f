package dev.pgindex.operator.controller;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Connection Secrets, read with {@code get} and used for {@code ttl} before they are read again, so that hundreds
 * of resources sharing one Secret, and every poll of a build, do not each cost an API request. Needs no more RBAC
 * than {@code get} on Secrets (a watch would need list and watch on every Secret of the watched namespaces). A
 * Secret that is not found is never cached; a login that fails {@linkplain #invalidate invalidates} the entry, so
 * a rotated password is picked up on the next reconcile. The cost: a changed host, port or database name is seen
 * at most {@code ttl} late.
 */
public final class SecretCache {
    private record Entry(Secret secret, Instant readAt) {
    }

    private final Duration ttl;
    /** A TTL of zero (or less) reads on every reconcile and keeps nothing. */
    private final boolean caching;
    private final Supplier<Instant> clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public SecretCache(Duration ttl, Supplier<Instant> clock) {
        this.ttl = ttl;
        this.caching = !ttl.isZero() && !ttl.isNegative();
        this.clock = clock;
    }

    /** The Secret, from the cache while it is fresh, otherwise from the API server; null when it does not exist. */
    Secret get(KubernetesClient client, String namespace, String name) {
        return get(namespace, name, () -> client.secrets().inNamespace(namespace).withName(name).get());
    }

    /**
     * The Secret, from the cache while it is fresh, otherwise from {@code read}. Reconciles that need the same
     * Secret at the same moment (hundreds of resources applied at once) wait for one read instead of each making one.
     */
    Secret get(String namespace, String name, Supplier<Secret> read) {
        String key = namespace + "/" + name;
        Secret fresh = fresh(key);
        if (fresh != null) {
            return fresh;
        }
        synchronized (locks.computeIfAbsent(key, k -> new Object())) {
            fresh = fresh(key);
            if (fresh != null) {
                return fresh;
            }
            Secret s = read.get();
            if (s == null || !caching) {
                entries.remove(key);
            } else {
                entries.put(key, new Entry(s, clock.get()));
            }
            return s;
        }
    }

    private Secret fresh(String key) {
        Entry e = entries.get(key);
        if (e != null && caching && clock.get().isBefore(e.readAt().plus(ttl))) {
            return e.secret();
        }
        return null;
    }

    /** Forgets a Secret, so the next reconcile reads it again (its credentials or address did not work). */
    void invalidate(String namespace, String name) {
        entries.remove(namespace + "/" + name);
    }

    int size() {
        return entries.size();
    }
}
