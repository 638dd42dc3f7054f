package dev.pgindex.operator.decide.draft;

import dev.pgindex.operator.api.v1alpha1.BlockerInfo;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.ProgressInfo;
import dev.pgindex.operator.postgres.Blocker;
import dev.pgindex.operator.postgres.Progress;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** status.progress (pg_stat_progress_create_index) and the sessions a build waits for (status.blockers). */
public final class ProgressDraft {
    private final PostgresIndexStatus st;

    ProgressDraft(PostgresIndexStatus st) {
        this.st = st;
    }

    /** A build about to start: 0%. */
    public void starting(Instant now) {
        ProgressInfo progress = new ProgressInfo();
        progress.setPhase("starting");
        progress.setPercent(0);
        progress.setDisplay("0%");
        progress.setUpdatedAt(now.truncatedTo(ChronoUnit.SECONDS).toString());
        st.setProgress(progress);
    }

    /** What pg_stat_progress_create_index says now; the percent never goes back. */
    public void observed(Progress p, Instant now) {
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

    /** The work is done: a progress shown so far ends at 100%. */
    public void done() {
        if (st.getProgress() != null) {
            st.getProgress().setPhase("done");
            st.getProgress().setPercent(100);
            st.getProgress().setDisplay("100%");
        }
    }

    /** The sessions the build waits for, {@code summary} as status.blockedBy; blockedSince set the first time. */
    public void blocked(List<Blocker> blockers, String summary, Instant now) {
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
        st.setBlockedBy(summary);
        if (st.getBlockedSince() == null) {
            st.setBlockedSince(now.truncatedTo(ChronoUnit.SECONDS).toString());
        }
    }

    public void clearBlockers() {
        st.setBlockers(null);
        st.setBlockedBy(null);
        st.setBlockedSince(null);
    }
}
