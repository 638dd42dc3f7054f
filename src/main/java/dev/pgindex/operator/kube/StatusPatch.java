package dev.pgindex.operator.kube;

import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;

import java.util.function.UnaryOperator;

/**
 * The one way a controller writes its resource's status: the status subresource, with optimistic locking on the
 * resource version it read, and the framework's cache updated at once so that the next reconcile sees the write
 * (JOSDK's PrimaryUpdateAndCacheUtils). Callers decide whether anything changed; {@code copy} keeps the caller's
 * object out of the cache.
 */
public final class StatusPatch {
    private StatusPatch() {
    }

    public static <S, R extends CustomResource<?, S>> R write(R resource, Context<R> context, S status,
            UnaryOperator<S> copy) {
        S written = copy.apply(status);
        return PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(resource, context, r -> {
            r.setStatus(copy.apply(written));
            return r;
        });
    }
}
