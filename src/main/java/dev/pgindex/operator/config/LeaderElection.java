package dev.pgindex.operator.config;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.quarkus.arc.Unremovable;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Leader election through a coordination.k8s.io Lease, for more than one replica (the Helm chart turns it on when
 * replicaCount > 1). quarkus-operator-sdk enables it only when a {@link LeaderElectionConfiguration} bean exists and
 * the profile is one of {@code quarkus.operator-sdk.activate-leader-election-for-profiles} (a build-time setting,
 * {@code prod} by default, which is the profile of the packaged operator). This producer supplies that bean when
 * {@code pgindex.leader-election.enabled=true} and nothing otherwise, so one build serves both.
 *
 * <p>Only the leader reconciles; the other replicas keep their informers warm and take over when the Lease is not
 * renewed. A leader that loses the Lease exits (its pod restarts as a follower). Correctness never rests on the Lease
 * alone: builds hold PostgreSQL advisory locks and every index carries its owner mark, so even two active replicas
 * (for example during a rolling update without leader election) never build twice.
 *
 * <p>Why the exit is ours and not JOSDK's: JOSDK 5.2 calls {@code System.exit} when leadership stops, also when it
 * stops because the operator itself is shutting down (SIGTERM), from inside the JVM's shutdown hook, where
 * {@code System.exit} blocks forever: the pod would hang until the kubelet kills it. So JOSDK's exit is off, and
 * the callback below exits only when the Lease is lost while the operator is running.
 */
@Singleton
public class LeaderElection {
    private static final Logger LOG = Logger.getLogger(LeaderElection.class);
    private final AtomicBoolean shuttingDown = new AtomicBoolean();

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
        if (!settings.enabled()) {
            return null;
        }
        LeaderElectionConfigurationBuilder b = LeaderElectionConfigurationBuilder
                .aLeaderElectionConfiguration(settings.leaseName())
                .withExitOnStopLeading(false)
                .withLeaderCallbacks(new LeaderCallbacks(() -> { }, this::stoppedLeading, leader -> { }));
        settings.leaseNamespace().filter(s -> !s.isBlank()).ifPresent(b::withLeaseNamespace);
        settings.identity().filter(s -> !s.isBlank()).ifPresent(b::withIdentity);
        return b.build();
    }

    /** Before quarkus-operator-sdk stops the operator (its observer has the default priority, which runs later). */
    void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
        shuttingDown.set(true);
    }

    void stoppedLeading() {
        if (shuttingDown.get()) {
            LOG.info("Shutting down: no longer leading");
            return;
        }
        // another replica holds the Lease now: stop reconciling at once, the way a fresh follower would start
        LOG.error("Lost the leader-election Lease; exiting so that only the new leader reconciles");
        Quarkus.asyncExit(1);
    }
}
