package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Index access methods: the USING clause of CREATE INDEX. */
public enum IndexMethod {
    @JsonProperty("btree") BTREE,
    @JsonProperty("hash") HASH,
    @JsonProperty("gist") GIST,
    @JsonProperty("spgist") SPGIST,
    @JsonProperty("gin") GIN,
    @JsonProperty("brin") BRIN;

    /** The SQL keyword, as PostgreSQL's pg_am.amname spells it. */
    public String sql() { return name().toLowerCase(java.util.Locale.ROOT); }
}
