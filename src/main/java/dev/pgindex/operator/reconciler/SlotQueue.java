package dev.pgindex.operator.reconciler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * This process's view of the build slots of each database, so that a resource waiting for a slot starts when one
 * frees (its reconcile is woken) instead of on its next poll, and waits without opening a connection while this
 * process's own jobs hold every slot. PostgreSQL's advisory locks ({@code postgres.BuildSlots}) stay the authority
 * across replicas, restarts and orphaned builds: this only saves time and work inside one process, and a resource
 * the database refuses still polls as before.
 *
 * <p>Waiters are woken in the order they queued, as many as there are free slots. A woken resource holds an
 * invitation until its reconcile ends: it either starts a job (the slot is taken) or passes the invitation on to the
 * next waiter ({@link #settled}), so a slot never idles because the resource it was offered no longer needs it.
 */
final class SlotQueue {
    private final int slotsPerDatabase;
    private final Map<String, Db> databases = new HashMap<>();

    private static final class Db {
        int running;
        final LinkedHashMap<String, Runnable> waiting = new LinkedHashMap<>();
        final Set<String> invited = new HashSet<>();
    }

    SlotQueue(int slotsPerDatabase) {
        this.slotsPerDatabase = Math.max(1, slotsPerDatabase);
    }

    /**
     * Whether {@code uid} should ask the database for a slot now. False when this process's own jobs (and the
     * waiters already invited) fill every slot: {@code uid} then queues and {@code wake} runs when a slot frees.
     */
    synchronized boolean mayTry(String db, String uid, Runnable wake) {
        Db d = db(db);
        if (d.invited.contains(uid)) {
            return true;
        }
        if (d.running + d.invited.size() >= slotsPerDatabase) {
            d.waiting.putIfAbsent(uid, wake);
            return false;
        }
        return true;
    }

    /** True while {@code uid} queues behind this process's own jobs and no slot was offered to it yet. */
    synchronized boolean queuedBehindOwnJobs(String db, String uid) {
        Db d = databases.get(db);
        return d != null && d.waiting.containsKey(uid) && d.running + d.invited.size() >= slotsPerDatabase;
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
            if (d != null && d.invited.remove(uid)) {
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
                if (d.invited.remove(uid)) {
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
            d.invited.add(next.getKey());
            wake.add(next.getValue());
        }
        return wake;
    }

    private Db db(String db) {
        return databases.computeIfAbsent(db, k -> new Db());
    }
}
