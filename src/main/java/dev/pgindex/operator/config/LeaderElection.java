package dev.pgindex.operator.config;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.quarkus.arc.Unremovable;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.Optional;

/**
 * Leader election through a coordination.k8s.io Lease, for more than one replica (the Helm chart turns it on when
 * replicaCount > 1). quarkus-operator-sdk enables it only when a {@link LeaderElectionConfiguration} bean exists and
 * the profile is one of {@code quarkus.operator-sdk.activate-leader-election-for-profiles} (a build-time setting,
 * {@code prod} by default, which is the profile of the packaged operator). This producer supplies that bean when
 * {@code pgindex.leader-election.enabled=true} and nothing otherwise, so one build serves both.
 *
 * <p>Only the leader reconciles; the other replicas keep their informers warm and take over when the Lease is not
 * renewed. Correctness never rests on the Lease alone: builds hold PostgreSQL advisory locks and every index carries
 * its owner mark, so even two active replicas (for example during a rolling update without leader election) never
 * build twice.
 */
@Singleton
public class LeaderElection {

    /** {@code pgindex.leader-election.*}, or env vars such as PGINDEX_LEADER_ELECTION_ENABLED. */
    @ConfigMapping(prefix = "pgindex.leader-election")
    public interface Settings {
        @WithDefault("false")
        boolean enabled();

        /** The Lease's name. */
        @WithDefault("pgindex-operator")
        String leaseName();

        /** The Lease's namespace; default: the namespace of the operator's kubeconfig or in-cluster ServiceAccount. */
        Optional<String> leaseNamespace();

        /** This replica's name in the Lease; default: HOSTNAME (the pod name), else a random UUID. */
        Optional<String> identity();
    }

    /** Null (no leader election) unless enabled; {@code @Dependent} is the scope in which CDI allows null. */
    @Produces
    @Dependent
    @Unremovable
    LeaderElectionConfiguration leaderElectionConfiguration(Settings settings) {
        return configuration(settings);
    }

    static LeaderElectionConfiguration configuration(Settings settings) {
        if (!settings.enabled()) {
            return null;
        }
        LeaderElectionConfigurationBuilder b = LeaderElectionConfigurationBuilder
                .aLeaderElectionConfiguration(settings.leaseName());
        settings.leaseNamespace().filter(s -> !s.isBlank()).ifPresent(b::withLeaseNamespace);
        settings.identity().filter(s -> !s.isBlank()).ifPresent(b::withIdentity);
        return b.build();
    }
}
