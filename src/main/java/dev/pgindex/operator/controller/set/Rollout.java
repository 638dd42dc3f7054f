package dev.pgindex.operator.controller.set;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rollout of a PostgresIndexSet as a pure function: which targets start now, given where every target stands.
 * No I/O, no clock: {@code RolloutDecisionTest} is its table. Starting a target means creating its PostgresIndex;
 * from then on the child builds by itself (and the engine's per-database build slots keep one build per database).
 */
public final class Rollout {
    private Rollout() {
    }

    /** Where one target stands, read from its PostgresIndex (ABSENT: none created yet). */
    public enum State {
        ABSENT, WAITING, BUILDING, READY, STALLED, TABLE_MISSING;

        /** Started and not settled: counts against maxInFlight and the per-database slots. */
        boolean inFlight() {
            return this == WAITING || this == BUILDING;
        }
    }

    /** One target (a database, by its connection Secret, and a schema) in rollout order. */
    public record Target(String database, String schema, State state, String detail) {
        public Target(String database, String schema, State state) {
            this(database, schema, state, null);
        }

        public String key() {
            return database + "/" + schema;
        }
    }

    /** spec.rollout, plus the operator's builds-per-database (the most targets of one database in flight). */
    public record Limits(int canary, int maxInFlight, int failureBudget, int perDatabase) {
    }

    /** Why some absent targets do not start now; the first that applies, in this order. */
    public enum Hold {
        /** Stalled targets reached spec.rollout.failureBudget: nothing new starts until they are fixed. */
        FAILURE_BUDGET,
        /** The canary targets are not all Ready yet. */
        CANARY,
        /** maxInFlight or the per-database slots are taken. */
        IN_FLIGHT,
        /** Every target has started. */
        NONE
    }

    /**
     * The decision: the targets to start now (in order), why the others wait, and the counts for the status.
     * {@code canary} lists the targets the canary consists of; {@code notStarted} counts the absent targets left
     * after this plan's starts.
     */
    public record Plan(List<Target> start, Hold hold, List<Target> canary, boolean canaryDone, int ready,
            int building, int waiting, int stalled, int tableMissing, List<Target> stalledTargets,
            List<Target> tableMissingTargets, int notStarted) {
        public int targets() {
            return ready + building + waiting + stalled + tableMissing;
        }

        /** Every target Ready or without the table: nothing left to do. */
        public boolean complete() {
            return ready + tableMissing == targets();
        }

        public boolean budgetExhausted() {
            return hold == Hold.FAILURE_BUDGET;
        }
    }

    public static Plan decide(List<Target> targets, Limits limits) {
        int ready = 0;
        int building = 0;
        int waiting = 0;
        int stalled = 0;
        int tableMissing = 0;
        int inFlight = 0;
        Map<String, Integer> perDatabase = new HashMap<>();
        List<Target> stalledTargets = new ArrayList<>();
        List<Target> missing = new ArrayList<>();
        for (Target t : targets) {
            switch (t.state()) {
                case READY -> ready++;
                case BUILDING -> building++;
                case ABSENT, WAITING -> waiting++;
                case STALLED -> {
                    stalled++;
                    stalledTargets.add(t);
                }
                case TABLE_MISSING -> {
                    tableMissing++;
                    missing.add(t);
                }
            }
            if (t.state().inFlight()) {
                inFlight++;
                perDatabase.merge(t.database(), 1, Integer::sum);
            }
        }
        // the canary: the first `canary` targets that have (or may have) the table
        List<Target> canary = new ArrayList<>();
        for (Target t : targets) {
            if (canary.size() >= limits.canary()) {
                break;
            }
            if (t.state() != State.TABLE_MISSING) {
                canary.add(t);
            }
        }
        boolean canaryDone = canary.stream().allMatch(t -> t.state() == State.READY);
        List<Target> start = new ArrayList<>();
        boolean anyAbsent = targets.stream().anyMatch(t -> t.state() == State.ABSENT);
        Hold hold;
        if (stalled >= Math.max(1, limits.failureBudget())) {
            hold = anyAbsent ? Hold.FAILURE_BUDGET : Hold.NONE;
        } else {
            List<Target> candidates = (canaryDone ? targets : canary).stream()
                    .filter(t -> t.state() == State.ABSENT).toList();
            boolean full = false;
            for (Target t : candidates) {
                if (inFlight >= limits.maxInFlight()) {
                    full = true;
                    break;
                }
                if (perDatabase.getOrDefault(t.database(), 0) >= Math.max(1, limits.perDatabase())) {
                    full = true;
                    continue;
                }
                start.add(t);
                inFlight++;
                perDatabase.merge(t.database(), 1, Integer::sum);
            }
            if (!canaryDone && targets.stream().anyMatch(t -> t.state() == State.ABSENT && !canary.contains(t))) {
                hold = Hold.CANARY;
            } else if (full) {
                hold = Hold.IN_FLIGHT;
            } else {
                hold = Hold.NONE;
            }
        }
        return new Plan(List.copyOf(start), hold, List.copyOf(canary), canaryDone, ready, building, waiting,
                stalled, tableMissing, List.copyOf(stalledTargets), List.copyOf(missing),
                (int) targets.stream().filter(t -> t.state() == State.ABSENT).count() - start.size());
    }
}
