package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** libpq / pgjdbc sslmode values. */
public enum SslMode {
    @JsonProperty("disable") DISABLE("disable"),
    @JsonProperty("allow") ALLOW("allow"),
    @JsonProperty("prefer") PREFER("prefer"),
    @JsonProperty("require") REQUIRE("require"),
    @JsonProperty("verify-ca") VERIFY_CA("verify-ca"),
    @JsonProperty("verify-full") VERIFY_FULL("verify-full");

    private final String value;

    SslMode(String value) { this.value = value; }

    public String value() { return value; }
}
