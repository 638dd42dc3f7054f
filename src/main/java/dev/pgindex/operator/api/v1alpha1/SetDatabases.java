package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The databases of a set, as connection Secrets in the set's namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "(has(self.secretNames) && size(self.secretNames) > 0) || has(self.secretSelector)",
        message = "name at least one Secret in secretNames, or select Secrets with secretSelector")
public class SetDatabases {
    @Size(max = 1000)
    @JsonPropertyDescription("Names of connection Secrets in this namespace, one per database, in the order the "
            + "rollout visits them. Each Secret has the shape a PostgresIndex's spec.connection.secretName takes "
            + "(the keys CloudNativePG writes into <cluster>-app). Reading them needs only get on Secrets.")
    private List<String> secretNames;

    @JsonPropertyDescription("Also take every Secret in this namespace that carries all these labels (after the "
            + "named ones, by name). Needs list on Secrets: the Helm chart grants it only with "
            + "indexSet.secretSelector.enabled=true; without it the set says SecretListForbidden.")
    private SecretSelector secretSelector;

    @JsonPropertyDescription("libpq sslmode for every database of the set: disable, allow, prefer, require, "
            + "verify-ca or verify-full. Omitted: the 'sslmode' in each Secret's uri, or prefer.")
    private SslMode sslMode;

    public List<String> getSecretNames() { return secretNames; }
    public void setSecretNames(List<String> secretNames) { this.secretNames = secretNames; }
    public SecretSelector getSecretSelector() { return secretSelector; }
    public void setSecretSelector(SecretSelector secretSelector) { this.secretSelector = secretSelector; }
    public SslMode getSslMode() { return sslMode; }
    public void setSslMode(SslMode sslMode) { this.sslMode = sslMode; }

    /** Selects Secrets by their labels. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class SecretSelector {
        @Size(min = 1, max = 16)
        @JsonPropertyDescription("Labels a Secret must carry, all of them, with these exact values (as in a "
                + "label selector's matchLabels), for example {cnpg.io/reload: \"true\"} or "
                + "{pgindex.dev/customer-db: \"true\"}.")
        private Map<String, String> matchLabels;

        public Map<String, String> getMatchLabels() { return matchLabels; }
        public void setMatchLabels(Map<String, String> matchLabels) {
            this.matchLabels = matchLabels == null ? null : new LinkedHashMap<>(matchLabels);
        }
    }
}
