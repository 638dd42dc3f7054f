package dev.pgindex.operator.engine;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The in-process build-slot queue: who may ask the database, who is woken when a slot frees, and in what order. */
class SlotQueueTest {
    private final List<String> woken = new ArrayList<>();
    private final SlotQueue q = new SlotQueue(1);

    private Runnable wake(String uid) {
        return () -> woken.add(uid);
    }

    @Test
    void shouldLetTheFirstBuildAskTheDatabaseAndQueueTheRestWhileItsOwnJobHoldsTheSlot() {
        assertThat(q.mayTry("db", "a", wake("a"))).isTrue();
        q.started("db", "a");
        assertThat(q.mayTry("db", "b", wake("b"))).isFalse();
        assertThat(q.mayTry("db", "c", wake("c"))).isFalse();
        assertThat(q.queuedBehindOwnJobs("db", "b")).isTrue();
        assertThat(q.mayTry("other-db", "d", wake("d"))).as("slots are per database").isTrue();
        assertThat(woken).isEmpty();
    }

    @Test
    void shouldWakeOnlyTheNextWaiterInOrderWhenTheJobEnds() {
        q.started("db", "a");
        q.mayTry("db", "b", wake("b"));
        q.mayTry("db", "c", wake("c"));
        q.ended("db");
        assertThat(woken).containsExactly("b");
        assertThat(q.queuedBehindOwnJobs("db", "c")).as("the invitation to b still fills the slot").isTrue();
        assertThat(q.mayTry("db", "b", wake("b"))).isTrue();
        assertThat(q.mayTry("db", "late", wake("late"))).as("a newcomer queues behind the invited one").isFalse();
    }

    @Test
    void shouldPassAnUnusedInvitationToTheNextWaiter() {
        q.started("db", "a");
        q.mayTry("db", "b", wake("b"));
        q.mayTry("db", "c", wake("c"));
        q.ended("db");
        q.settled("db", "b"); // b's reconcile ended without starting a job (its spec changed, say)
        assertThat(woken).containsExactly("b", "c");
    }

    @Test
    void shouldKeepTheSlotWhenTheInvitedResourceStartsItsJob() {
        q.started("db", "a");
        q.mayTry("db", "b", wake("b"));
        q.mayTry("db", "c", wake("c"));
        q.ended("db");
        q.started("db", "b");
        q.settled("db", "b");
        assertThat(woken).containsExactly("b");
        assertThat(q.queuedBehindOwnJobs("db", "c")).isTrue();
    }

    @Test
    void shouldRequeueAResourceTheDatabaseRefused() {
        assertThat(q.mayTry("db", "a", wake("a"))).isTrue();
        q.refused("db", "a", wake("a")); // another replica, or an orphaned build, holds the slot
        assertThat(q.waiting("db")).isEqualTo(1);
        assertThat(q.queuedBehindOwnJobs("db", "a")).as("not behind a job of this process: it keeps polling")
                .isFalse();
        q.started("db", "x");
        q.ended("db");
        assertThat(woken).containsExactly("a");
    }

    @Test
    void shouldPassTheInvitationOfADeletedResourceOn() {
        q.started("db", "a");
        q.mayTry("db", "b", wake("b"));
        q.mayTry("db", "c", wake("c"));
        q.ended("db");
        q.forget("b");
        assertThat(woken).containsExactly("b", "c");
        q.forget("c");
        assertThat(q.waiting("db")).isZero();
    }

    @Test
    void shouldWakeAsManyWaitersAsThereAreFreeSlots() {
        SlotQueue two = new SlotQueue(2);
        two.started("db", "a");
        two.started("db", "b");
        for (String uid : List.of("c", "d", "e")) {
            assertThat(two.mayTry("db", uid, wake(uid))).isFalse();
        }
        two.ended("db");
        two.ended("db");
        assertThat(woken).containsExactly("c", "d");
    }

    @Test
    void shouldPassOnAnInvitationNobodyTookUpInTime() {
        long[] now = {0};
        SlotQueue clocked = new SlotQueue(1, () -> now[0]);
        clocked.started("db", "a");
        clocked.mayTry("db", "b", wake("b"));
        clocked.mayTry("db", "c", wake("c"));
        clocked.ended("db");
        assertThat(woken).containsExactly("b"); // b was deleted before its reconcile ran: nothing settles it
        now[0] = SlotQueue.INVITATION_TTL_NANOS - 1;
        assertThat(clocked.queuedBehindOwnJobs("db", "c")).isTrue();
        now[0] = SlotQueue.INVITATION_TTL_NANOS + 1;
        assertThat(clocked.queuedBehindOwnJobs("db", "c")).as("c was invited in b's place").isFalse();
        assertThat(woken).containsExactly("b", "c");
    }
}
