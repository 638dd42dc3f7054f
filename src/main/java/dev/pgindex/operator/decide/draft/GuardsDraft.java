package dev.pgindex.operator.decide.draft;

import dev.pgindex.operator.api.v1alpha1.GuardStatus;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * status.guards: what holds a job start back (a window, the replication lag), the estimate and ETA of a build,
 * and the blocking sessions the operator could not end. Removed when nothing is left in it.
 */
public final class GuardsDraft {
    private final PostgresIndexStatus st;

    GuardsDraft(PostgresIndexStatus st) {
        this.st = st;
    }

    /** Waiting for a maintenance window ({@code next}, {@code closes}: RFC 3339, null when unknown). */
    public void waitingForWindow(String waiting, String next, String closes) {
        update(g -> {
            g.setWaiting(waiting);
            g.setNextWindow(next);
            g.setWindowClosesAt(closes);
        });
    }

    /** No window holds the work back. */
    public void noWindowWait() {
        waitingForWindow(null, null, null);
    }

    /** Waiting for something else (the replication lag). */
    public void waiting(String waiting) {
        update(g -> g.setWaiting(waiting));
    }

    public void estimatedBuildTime(String estimate) {
        update(g -> g.setEstimatedBuildTime(estimate));
    }

    public void eta(String eta) {
        update(g -> g.setEta(eta));
    }

    public void replicaLag(String measured) {
        update(g -> g.setReplicaLag(measured));
    }

    /** A note about the blocking sessions (null keeps the one there). */
    public void blockingSessions(String note) {
        if (note != null) {
            update(g -> g.setBlockingSessions(note));
        } else {
            update(g -> { });
        }
    }

    /** A session the operator tried to end and could not, and why. */
    public void notEnded(int pid, String message) {
        update(g -> {
            List<Integer> pids = new ArrayList<>(g.getNotEnded() == null ? List.of() : g.getNotEnded());
            pids.add(pid);
            g.setNotEnded(pids);
            g.setBlockingSessions(message);
        });
    }

    /** Ready: the ETA and what was said about blocking sessions belonged to the work. */
    public void workDone() {
        update(g -> {
            g.setEta(null);
            g.setBlockingSessions(null);
            g.setNotEnded(null);
        });
    }

    private void update(Consumer<GuardStatus> change) {
        GuardStatus g = st.getGuards() == null ? new GuardStatus() : st.getGuards();
        change.accept(g);
        boolean empty = g.getWaiting() == null && g.getNextWindow() == null && g.getWindowClosesAt() == null
                && g.getEstimatedBuildTime() == null && g.getEta() == null && g.getBlockingSessions() == null
                && g.getReplicaLag() == null
                && (g.getNotEnded() == null || g.getNotEnded().isEmpty());
        st.setGuards(empty ? null : g);
    }
}
