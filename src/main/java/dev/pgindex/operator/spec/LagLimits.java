package dev.pgindex.operator.spec;

import dev.pgindex.operator.api.v1alpha1.ReplicaLagLimit;
import dev.pgindex.operator.postgres.InvalidDefinitionException;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** spec.replicaLag (or the operator's default) parsed: a duration and a byte size, each optional. */
public record LagLimits(Duration maxLag, Long maxBytes) {
    private static final Pattern SIZE = Pattern.compile("([0-9]+)(Ki|Mi|Gi|Ti)?");

    /** The limits that apply: the resource's, else the operator's default; null when none. */
    public static LagLimits of(ReplicaLagLimit spec, ReplicaLagLimit operatorDefault) {
        ReplicaLagLimit l = spec != null ? spec : operatorDefault;
        if (l == null || (blank(l.getMaxLag()) && blank(l.getMaxBytes()))) {
            return null;
        }
        return new LagLimits(Specs.duration(l.getMaxLag()), bytes(l.getMaxBytes()));
    }

    /** 512Mi, 2Gi, 1048576; null or blank: none. */
    public static Long bytes(String text) {
        if (blank(text)) {
            return null;
        }
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches() || m.group(1).length() > 15) {
            throw new InvalidDefinitionException("'" + text + "' is not a size such as 512Mi, 2Gi or 1048576");
        }
        int shift = m.group(2) == null ? 0 : switch (m.group(2)) {
            case "Ki" -> 10;
            case "Mi" -> 20;
            case "Gi" -> 30;
            default -> 40;
        };
        return Long.parseLong(m.group(1)) << shift;
    }

    /** Bytes for people: 40 MiB, 3 GiB, 512 B. */
    public static String human(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        double v = bytes;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return (u == 0 ? Long.toString(bytes) : String.format(java.util.Locale.ROOT, "%.1f", v)) + " " + units[u];
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
