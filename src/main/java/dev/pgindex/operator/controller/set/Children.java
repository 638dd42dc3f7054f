package dev.pgindex.operator.controller.set;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.PostgresIndex;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The PostgresIndexes a set stamps: deterministic names and labels, and what a child's status means for the
 * rollout. Pure functions.
 */
public final class Children {
    public static final String SET_LABEL = "pgindex.dev/set";
    public static final String DATABASE_LABEL = "pgindex.dev/database-secret";
    public static final String SCHEMA_LABEL = "pgindex.dev/schema";
    /** Longest child name: DNS subdomain (253) less room for the ".xxxxx" suffix of event names. */
    static final int MAX_NAME = 240;
    private static final int HASH_CHARS = 10;
    private static final java.util.regex.Pattern LABEL_VALUE =
            java.util.regex.Pattern.compile("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$");

    private Children() {
    }

    /**
     * {@code <set>-<secret>-<schema>-<hash>}: readable, and unique per (database, schema, index name) through a
     * hash of the three. A new template name gives every target a new child next to the old one.
     */
    public static String name(String set, String secret, String schema, String indexName) {
        String hash = hash(secret + "\0" + schema + "\0" + indexName);
        String base = dns(set + "-" + secret + "-" + schema);
        int room = MAX_NAME - HASH_CHARS - 1;
        if (base.length() > room) {
            base = base.substring(0, room).replaceAll("[-.]+$", "");
        }
        return base + "-" + hash;
    }

    /** Labels to select a set's children: by set, by database Secret, by schema. */
    public static Map<String, String> labels(String set, String secret, String schema) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(SET_LABEL, labelValue(set));
        labels.put(DATABASE_LABEL, labelValue(secret));
        labels.put(SCHEMA_LABEL, labelValue(schema));
        return labels;
    }

    /** The value itself when it is a valid label value, else a shortened form with a hash of the whole. */
    public static String labelValue(String value) {
        if (value.length() <= 63 && LABEL_VALUE.matcher(value).matches()) {
            return value;
        }
        String clean = value.replaceAll("[^-A-Za-z0-9_.]", "_");
        String head = clean.length() > 52 ? clean.substring(0, 52) : clean;
        head = head.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
        return (head.isEmpty() ? "x" : head) + "-" + hash(value);
    }

    /** Where a child stands, from its status. */
    public static Rollout.State state(PostgresIndex child) {
        if (child == null) {
            return Rollout.State.ABSENT;
        }
        var status = child.getStatus();
        if (status == null || status.getConditions() == null) {
            return Rollout.State.WAITING;
        }
        long generation = child.getMetadata().getGeneration() == null ? 0 : child.getMetadata().getGeneration();
        if (isTrue(child, ConditionType.READY) && status.getObservedGeneration() != null
                && status.getObservedGeneration() >= generation) {
            return Rollout.State.READY;
        }
        if (isTrue(child, ConditionType.STALLED)) {
            return reason(child).filter(Reason.TableNotFound::equals).isPresent() ? Rollout.State.TABLE_MISSING
                    : Rollout.State.STALLED;
        }
        // a stalled child re-checks a permanent failure now and then (a new build attempt): it stays a failure
        // for the rollout until it is Ready (the engine clears lastError only on success or a new generation)
        var last = status.getLastError();
        if (last != null && Boolean.FALSE.equals(last.getTransientError())) {
            return last.getReason() == Reason.TableNotFound ? Rollout.State.TABLE_MISSING
                    : Rollout.State.STALLED;
        }
        return status.getPhase() == Phase.Building ? Rollout.State.BUILDING : Rollout.State.WAITING;
    }

    /** Why a child is stalled: the Stalled condition's reason, or that of the permanent failure it re-checks. */
    public static Optional<Reason> reason(PostgresIndex child) {
        if (!isTrue(child, ConditionType.STALLED) && child.getStatus() != null
                && child.getStatus().getLastError() != null && child.getStatus().getLastError().getReason() != null) {
            return Optional.of(child.getStatus().getLastError().getReason());
        }
        return condition(child, ConditionType.READY).flatMap(c -> Conditions.reasonOf(c, Reason.class));
    }

    private static boolean isTrue(PostgresIndex child, String type) {
        return condition(child, type).map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    private static Optional<Condition> condition(PostgresIndex child, String type) {
        if (child.getStatus() == null || child.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return child.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    static String dns(String s) {
        String out = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("-{2,}", "-")
                .replaceAll("^-+", "").replaceAll("-+$", "");
        return out.isEmpty() ? "x" : out;
    }

    static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, HASH_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
