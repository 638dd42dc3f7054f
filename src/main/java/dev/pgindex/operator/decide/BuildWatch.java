package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.BlockerInfo;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.ProgressInfo;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.postgres.Blocker;
import dev.pgindex.operator.postgres.Observation;
import dev.pgindex.operator.postgres.Progress;
import dev.pgindex.operator.postgres.SqlErrors;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * A running build as status shows it: pg_stat_progress_create_index as progress, the sessions it waits for as
 * blockers, and one BuildBlocked Warning event once it has waited blockedEventThreshold.
 */
public final class BuildWatch {
    private BuildWatch() {
    }

    /**
     * Writes the watch into status; returns WaitingForLock, WaitingForTransactions, or null when not blocked.
     * {@code role}: the role of this process's job (quoted), or null for a build it did not start.
     */
    public static Reason record(DecisionContext ctx, Observation.Watch watch, String role) {
        PostgresIndexStatus st = ctx.st;
        Instant now = ctx.now;
        watch.progress().ifPresent(p -> progress(st, p, now));
        List<Blocker> blockers = watch.blockers();
        if (blockers.isEmpty()) {
            clearBlockers(st);
            return null;
        }
        List<BlockerInfo> infos = new ArrayList<>();
        for (Blocker b : blockers) {
            BlockerInfo i = new BlockerInfo();
            i.setPid(b.pid());
            i.setUser(b.user());
            i.setApplicationName(b.applicationName());
            i.setState(b.state());
            i.setTransactionAgeSeconds(b.transactionAgeSeconds());
            i.setQuery(b.query());
            i.setWaitingOn(b.waitingOn());
            infos.add(i);
        }
        st.setBlockers(infos);
        String summary = blockers.get(0).summary() + (blockers.size() > 1 ? " (+" + (blockers.size() - 1) + " more)" : "");
        if (blockers.stream().anyMatch(Blocker::queryHidden)) {
            summary = summary + " [grant pg_read_all_stats to " + SqlErrors.operatorsRole(role) + " to see other "
                    + "sessions' queries]";
        }
        st.setBlockedBy(summary);
        if (st.getBlockedSince() == null) {
            st.setBlockedSince(now.truncatedTo(ChronoUnit.SECONDS).toString());
        }
        Duration blockedFor = Duration.between(Instant.parse(st.getBlockedSince()), now);
        if (blockedFor.compareTo(ctx.settings.blockedEventThreshold()) >= 0 && st.getBuild() != null
                && !Boolean.TRUE.equals(st.getBuild().getBlockedWarningSent())) {
            st.getBuild().setBlockedWarningSent(true);
            ctx.event(Decision.Event.warning(Reason.BuildBlocked, "the build of " + ctx.def.qualifiedName()
                    + " has been waiting for " + Durations.human(blockedFor) + " for " + summary));
        }
        return "relation".equals(blockers.get(0).waitingOn()) ? Reason.WaitingForLock : Reason.WaitingForTransactions;
    }

    private static void progress(PostgresIndexStatus st, Progress p, Instant now) {
        ProgressInfo info = st.getProgress() == null ? new ProgressInfo() : st.getProgress();
        int pct = Math.max(p.percent(), info.getPercent() == null ? 0 : info.getPercent());
        info.setCommand(p.command());
        info.setPhase(p.phase());
        info.setPercent(pct);
        info.setDisplay(pct + "%");
        info.setBlocksDone(p.blocksDone());
        info.setBlocksTotal(p.blocksTotal());
        info.setTuplesDone(p.tuplesDone());
        info.setTuplesTotal(p.tuplesTotal());
        info.setLockersDone(p.lockersDone());
        info.setLockersTotal(p.lockersTotal());
        info.setUpdatedAt(now.truncatedTo(ChronoUnit.SECONDS).toString());
        st.setProgress(info);
    }

    public static void clearBlockers(PostgresIndexStatus st) {
        st.setBlockers(null);
        st.setBlockedBy(null);
        st.setBlockedSince(null);
    }
}
