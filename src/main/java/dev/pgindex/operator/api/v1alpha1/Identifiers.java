package dev.pgindex.operator.api.v1alpha1;

import dev.pgindex.operator.postgres.Quoting;

/** Admission-time rules for PostgreSQL identifiers in the spec, shared by the schema and the in-operator checks. */
public final class Identifiers {
    /** ASCII letters, digits, '_' and '$', not starting with a digit or '$'; at most 63 bytes (checked separately). */
    public static final String PATTERN = Quoting.IDENTIFIER_PATTERN;
    /** Collation names may also carry '-', '.' and '@' (en-US-x-icu, en_US.utf8, de@collation=phonebook). */
    public static final String COLLATION_PATTERN = Quoting.COLLATION_PATTERN;
    public static final int MAX_BYTES = 63;
    public static final String RULE = "At most 63 bytes; letters, digits, '_' and '$', not starting with a digit.";

    private Identifiers() {
    }
}
