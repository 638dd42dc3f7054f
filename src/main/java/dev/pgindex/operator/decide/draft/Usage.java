package dev.pgindex.operator.decide.draft;

import dev.pgindex.operator.api.v1alpha1.UsageSource;
import dev.pgindex.operator.api.v1alpha1.UsageStatus;
import dev.pgindex.operator.postgres.UsageReads;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The usage accounting, pure: the last {@link UsageStatus}, what each server reports now, the clock and the unused
 * threshold in; the next {@link UsageStatus} out. The running total never goes down: a counter that went down, or a
 * statistics reset time that moved, means the server's counter started again, and what it counted since then is
 * added (the scans between the last reading and the reset are the only ones missed).
 */
public final class Usage {
    /** The name of the primary among the sources. */
    public static final String PRIMARY = "primary";

    /** What one server said: a reading, or why it could not be read (a replica only). */
    public record Seen(String name, UsageReads.Reading reading, String problem) {
        public static Seen read(String name, UsageReads.Reading r) {
            return new Seen(name, r, null);
        }

        public static Seen unread(String name, String problem) {
            return new Seen(name, null, problem);
        }
    }

    private Usage() {
    }

    /**
     * The next usage of an index whose primary reported {@code primary}, with the replicas in {@code replicas}.
     *
     * @param builtAt when this operator built the index (its counters started then), or null
     */
    public static UsageStatus next(UsageStatus last, UsageReads.Reading primary, List<Seen> replicas, Instant now,
            Duration unusedAfter, Instant builtAt) {
        List<Seen> all = new ArrayList<>();
        all.add(Seen.read(PRIMARY, primary));
        all.addAll(replicas);
        Map<String, UsageSource> before = new LinkedHashMap<>();
        if (last != null && last.getSources() != null) {
            last.getSources().forEach(s -> before.put(s.getName(), s));
        }
        boolean first = last == null || last.getScans() == null;
        long total = first ? 0 : last.getScans();
        Instant lastUsed = last == null ? null : parse(last.getLastUsed());
        Instant latestReset = null;
        List<UsageSource> sources = new ArrayList<>();
        List<String> unread = new ArrayList<>();
        for (Seen s : all) {
            UsageSource prev = before.get(s.name());
            if (s.reading() == null) {
                unread.add(s.name() + ": " + s.problem());
                if (prev != null) {
                    sources.add(prev);
                }
                continue;
            }
            UsageReads.Reading r = s.reading();
            String reset = r.statsReset() == null ? null : r.statsReset().toString();
            boolean restarted = prev != null && (r.idxScan() < nz(prev.getIdxScan())
                    || !Objects.equals(reset, prev.getStatsReset()));
            long added = prev == null || restarted ? r.idxScan() : r.idxScan() - nz(prev.getIdxScan());
            total += added;
            if (r.hasLastIdxScan()) {
                lastUsed = later(lastUsed, r.lastIdxScan());
            } else if (added > 0) {
                lastUsed = later(lastUsed, now); // seen growing (or first seen non-zero) by this reading
            }
            latestReset = later(latestReset, r.statsReset());
            UsageSource src = new UsageSource();
            src.setName(s.name());
            src.setIdxScan(r.idxScan());
            src.setStatsReset(reset);
            sources.add(src);
        }

        UsageStatus next = new UsageStatus();
        next.setSizeBytes(primary.sizeBytes());
        next.setSize(human(primary.sizeBytes()));
        next.setScans(total);
        next.setEnforces(primary.enforces());
        next.setFirstReadAt(first ? now.toString() : last.getFirstReadAt());
        next.setCountingSince(first ? str(later(builtAt, latestReset)) : last.getCountingSince());
        next.setLastUsed(str(lastUsed));
        next.setReadAt(now.toString());
        next.setUnreadReplicas(unread.isEmpty() ? null : unread);
        next.setSources(sources);
        next.setUnusedSince(unusedSince(next, last, unread.isEmpty(), now, unusedAfter));
        return next;
    }

    /**
     * When the index has gone unused since, once that is at least {@code unusedAfter} ago; null while used and for
     * an index that enforces something. While a replica cannot be read, an index is not newly called unused.
     */
    static String unusedSince(UsageStatus u, UsageStatus last, boolean everyServerRead, Instant now,
            Duration unusedAfter) {
        if (u.getEnforces() != null) {
            return null;
        }
        Instant since = parse(u.getLastUsed());
        if (since == null) {
            since = parse(u.getCountingSince()) != null ? parse(u.getCountingSince()) : parse(u.getFirstReadAt());
        }
        if (since == null || Duration.between(since, now).compareTo(unusedAfter) < 0) {
            return null;
        }
        if (!everyServerRead && (last == null || last.getUnusedSince() == null)) {
            return null;
        }
        return since.toString();
    }

    /** Bytes for people: 512 B, 8.2 KiB, 8.2 MiB, 1.5 GiB. */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static long nz(Long v) {
        return v == null ? 0 : v;
    }

    private static Instant later(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }

    private static Instant parse(String s) {
        return s == null ? null : Instant.parse(s);
    }

    private static String str(Instant i) {
        return i == null ? null : i.toString();
    }
}
