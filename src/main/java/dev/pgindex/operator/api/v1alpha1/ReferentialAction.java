package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** ON DELETE / ON UPDATE of a foreign key. */
public enum ReferentialAction {
    @JsonProperty("NoAction") NO_ACTION("NO ACTION", 'a'),
    @JsonProperty("Restrict") RESTRICT("RESTRICT", 'r'),
    @JsonProperty("Cascade") CASCADE("CASCADE", 'c'),
    @JsonProperty("SetNull") SET_NULL("SET NULL", 'n'),
    @JsonProperty("SetDefault") SET_DEFAULT("SET DEFAULT", 'd');

    private final String sql;
    private final char catalogCode;

    ReferentialAction(String sql, char catalogCode) {
        this.sql = sql;
        this.catalogCode = catalogCode;
    }

    /** The SQL words. */
    public String sql() {
        return sql;
    }

    /** pg_constraint.confupdtype / confdeltype. */
    public char catalogCode() {
        return catalogCode;
    }
}
