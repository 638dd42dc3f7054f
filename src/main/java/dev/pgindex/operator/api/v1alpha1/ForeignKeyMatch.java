package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** MATCH SIMPLE (a row with any NULL key column is not checked) or MATCH FULL (all NULL or none). */
public enum ForeignKeyMatch {
    @JsonProperty("Simple") SIMPLE("SIMPLE", 's'),
    @JsonProperty("Full") FULL("FULL", 'f');

    private final String sql;
    private final char catalogCode;

    ForeignKeyMatch(String sql, char catalogCode) {
        this.sql = sql;
        this.catalogCode = catalogCode;
    }

    public String sql() {
        return sql;
    }

    /** pg_constraint.confmatchtype. */
    public char catalogCode() {
        return catalogCode;
    }
}
