package dev.pgindex.operator.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * This process's view of the build slots of each database, so that a resource waiting for a slot starts when one
 * frees (its reconcile is woken) instead of on its next poll, and waits without opening a connection while this
 * process's own jobs hold every slot. PostgreSQL's advisory locks ({@code postgres.BuildSlots}) stay the authority
 * across replicas, restarts and orphaned builds: this only saves time and work inside one process, and a resource
 * the database refuses still polls as before.
 *
 * <p>Waiters are woken in the order they queued, as many as there are free slots. A woken resource holds an
 * invitation until its reconcile ends: it either starts a job (the slot is taken) or passes the invitation on to the
 * next waiter ({@link #settled}), so a slot never idles because the resource it was offered no longer needs it. An
 * invitation nobody takes up within {@link #INVITATION_TTL_NANOS} (its resource vanished without a reconcile) lapses
 * and passes on as well.
 */
final class SlotQueue {
    static final long INVITATION_TTL_NANOS = 30_000_000_000L;

    private final int slotsPerDatabase;
    private final LongSupplier nanoClock;
    private final Map<String, Db> databases = new HashMap<>();

    private static final class Db {
        int running;
        final LinkedHashMap<String, Runnable> waiting = new LinkedHashMap<>();
        /** Invited resources and when they were invited (nanoClock). */
        final Map<String, Long> invited = new HashMap<>();
    }

    SlotQueue(int slotsPerDatabase) {
        this(slotsPerDatabase, System::nanoTime);
    }

    SlotQueue(int slotsPerDatabase, LongSupplier nanoClock) {
        this.slotsPerDatabase = Math.max(1, slotsPerDatabase);
        this.nanoClock = nanoClock;
    }

    /**
     * Whether {@code uid} should ask the database for a slot now. False when this process's own jobs (and the
     * waiters already invited) fill every slot: {@code uid} then queues and {@code wake} runs when a slot frees.
     */
    boolean mayTry(String db, String uid, Runnable wake) {
        List<Runnable> lapsed;
        boolean may;
        synchronized (this) {
            Db d = db(db);
            lapsed = expire(d);
            if (d.invited.containsKey(uid)) {
                may = true;
            } else if (d.running + d.invited.size() >= slotsPerDatabase) {
                d.waiting.putIfAbsent(uid, wake);
                may = false;
            } else {
                may = true;
            }
        }
        lapsed.forEach(Runnable::run);
        return may;
    }

    /** True while {@code uid} queues behind this process's own jobs and no slot was offered to it yet. */
    boolean queuedBehindOwnJobs(String db, String uid) {
        List<Runnable> lapsed;
        boolean queued;
        synchronized (this) {
            Db d = databases.get(db);
            if (d == null) {
                return false;
            }
            lapsed = expire(d);
            queued = d.waiting.containsKey(uid) && d.running + d.invited.size() >= slotsPerDatabase;
        }
        lapsed.forEach(Runnable::run);
        return queued;
    }

    /** {@code uid} took a slot and launched its job. */
    synchronized void started(String db, String uid) {
        Db d = db(db);
        d.running++;
        d.invited.remove(uid);
        d.waiting.remove(uid);
    }

    /** The database refused {@code uid} a slot (a build of another process or an orphan holds it): queue again. */
    synchronized void refused(String db, String uid, Runnable wake) {
        Db d = db(db);
        d.invited.remove(uid);
        d.waiting.putIfAbsent(uid, wake);
    }

    /** A job of this process in {@code db} ended: its slot goes to the next waiter. */
    void ended(String db) {
        List<Runnable> wake;
        synchronized (this) {
            Db d = db(db);
            d.running = Math.max(0, d.running - 1);
            wake = inviteNext(d);
        }
        wake.forEach(Runnable::run);
    }

    /** The reconcile of {@code uid} ended; an invitation it did not use passes to the next waiter. */
    void settled(String db, String uid) {
        List<Runnable> wake = List.of();
        synchronized (this) {
            Db d = databases.get(db);
            if (d != null && d.invited.remove(uid) != null) {
                wake = inviteNext(d);
            }
        }
        wake.forEach(Runnable::run);
    }

    /** {@code uid} is gone (deleted): it queues nowhere, and an invitation it held passes on. */
    void forget(String uid) {
        List<Runnable> wake = new ArrayList<>();
        synchronized (this) {
            for (Db d : databases.values()) {
                d.waiting.remove(uid);
                if (d.invited.remove(uid) != null) {
                    wake.addAll(inviteNext(d));
                }
            }
        }
        wake.forEach(Runnable::run);
    }

    /** How many resources queue for {@code db} (for tests and the log). */
    synchronized int waiting(String db) {
        Db d = databases.get(db);
        return d == null ? 0 : d.waiting.size();
    }

    private List<Runnable> inviteNext(Db d) {
        List<Runnable> wake = new ArrayList<>();
        Iterator<Map.Entry<String, Runnable>> it = d.waiting.entrySet().iterator();
        while (d.running + d.invited.size() < slotsPerDatabase && it.hasNext()) {
            Map.Entry<String, Runnable> next = it.next();
            it.remove();
            d.invited.put(next.getKey(), nanoClock.getAsLong());
            wake.add(next.getValue());
        }
        return wake;
    }

    /** Drops invitations nobody took up in time; their slots go to the next waiters (returned, to wake). */
    private List<Runnable> expire(Db d) {
        long now = nanoClock.getAsLong();
        if (d.invited.values().removeIf(at -> now - at > INVITATION_TTL_NANOS)) {
            return inviteNext(d);
        }
        return List.of();
    }

    private Db db(String db) {
        return databases.computeIfAbsent(db, k -> new Db());
    }
}
