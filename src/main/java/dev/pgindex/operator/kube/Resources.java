package dev.pgindex.operator.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** What every controller reads the same way from a resource's metadata. */
public final class Resources {
    private Resources() {
    }

    /** metadata.generation, 0 before the API server set one. */
    public static long generation(HasMetadata r) {
        Long g = r.getMetadata().getGeneration();
        return g == null ? 0 : g;
    }
}
