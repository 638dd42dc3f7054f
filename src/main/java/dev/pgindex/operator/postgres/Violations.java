package dev.pgindex.operator.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;

/** What the preflight of a constraint counted ({@link ConstraintDefinition#preflight}'s one value, parsed). */
public record Violations(long count, List<String> sample) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public Violations {
        sample = List.copyOf(sample);
    }

    public static Violations parse(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            List<String> sample = new ArrayList<>();
            if (n.hasNonNull("sample")) {
                n.get("sample").forEach(s -> sample.add(s.asText()));
            }
            return new Violations(n.get("count").asLong(), sample);
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalStateException("unreadable preflight result: " + json, e);
        }
    }
}
