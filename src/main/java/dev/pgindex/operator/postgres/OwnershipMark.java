package dev.pgindex.operator.postgres;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The mark the operator writes with COMMENT ON INDEX on every index it owns, so a restarted operator or a second
 * replica can tell its own indexes from anyone else's: {@code pgindex-operator owner=<uid> resource=<ns>/<name>
 * spec=<hash> adopted=<true|false>}. {@code adopted=true} means the index existed before and was claimed, never
 * built: such an index is never dropped by the operator.
 */
public record OwnershipMark(String ownerUid, String resource, String specHash, boolean adopted) {
    static final String PREFIX = "pgindex-operator ";

    public String render() {
        return PREFIX + "owner=" + ownerUid + " resource=" + resource + " spec=" + specHash + " adopted=" + adopted;
    }

    /** Parses a comment; empty when the comment is absent or not ours. */
    public static Optional<OwnershipMark> parse(String comment) {
        if (comment == null || !comment.startsWith(PREFIX)) {
            return Optional.empty();
        }
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : comment.substring(PREFIX.length()).trim().split("\\s+")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                kv.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        if (!kv.containsKey("owner")) {
            return Optional.empty();
        }
        return Optional.of(new OwnershipMark(kv.get("owner"), kv.getOrDefault("resource", "?"),
                kv.getOrDefault("spec", ""), Boolean.parseBoolean(kv.getOrDefault("adopted", "false"))));
    }
}
