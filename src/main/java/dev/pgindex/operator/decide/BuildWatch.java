package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.draft.StatusDraft;
import dev.pgindex.operator.postgres.Blocker;
import dev.pgindex.operator.postgres.Observation;
import dev.pgindex.operator.postgres.SqlErrors;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A running build as status shows it: pg_stat_progress_create_index as progress, the sessions it waits for as
 * blockers, and one BuildBlocked Warning event once it has waited blockedEventThreshold.
 */
public final class BuildWatch {
    private BuildWatch() {
    }

    /**
     * Writes the watch into the draft; returns WaitingForLock, WaitingForTransactions, or null when not blocked.
     * {@code role}: the role of this process's job (quoted), or null for a build it did not start.
     */
    public static Reason record(DecisionContext ctx, Observation.Watch watch, String role) {
        StatusDraft draft = ctx.draft();
        PostgresIndexStatus st = draft.status();
        Instant now = ctx.now;
        watch.progress().ifPresent(p -> draft.progress().observed(p, now));
        List<Blocker> blockers = watch.blockers();
        if (blockers.isEmpty()) {
            draft.progress().clearBlockers();
            return null;
        }
        String summary = blockers.get(0).summary() + (blockers.size() > 1 ? " (+" + (blockers.size() - 1) + " more)" : "");
        if (blockers.stream().anyMatch(Blocker::queryHidden)) {
            summary = summary + " [grant pg_read_all_stats to " + SqlErrors.operatorsRole(role) + " to see other "
                    + "sessions' queries]";
        }
        draft.progress().blocked(blockers, summary, now);
        Duration blockedFor = Duration.between(Instant.parse(st.getBlockedSince()), now);
        if (blockedFor.compareTo(ctx.settings.blockedEventThreshold()) >= 0 && st.getBuild() != null
                && !Boolean.TRUE.equals(st.getBuild().getBlockedWarningSent())) {
            draft.intent().blockedWarningSent();
            ctx.event(Decision.Event.warning(Reason.BuildBlocked, "the build of " + ctx.def.qualifiedName()
                    + " has been waiting for " + Durations.human(blockedFor) + " for " + summary));
        }
        return "relation".equals(blockers.get(0).waitingOn()) ? Reason.WaitingForLock : Reason.WaitingForTransactions;
    }
}
