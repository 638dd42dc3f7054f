package dev.pgindex.operator.api.v1alpha1;

/**
 * Admission-time rules for PostgreSQL identifiers in the spec. The engine checks the same patterns again
 * (postgres.Quoting; ArchitectureTest keeps the two equal without api/ importing postgres/).
 */
public final class Identifiers {
    /** ASCII letters, digits, '_' and '$', not starting with a digit or '$'; at most 63 bytes (checked separately). */
    public static final String PATTERN = "^[A-Za-z_][A-Za-z0-9_$]*$";
    /** Collation names may also carry '-', '.' and '@' (en-US-x-icu, en_US.utf8, de@collation=phonebook). */
    public static final String COLLATION_PATTERN = "^[A-Za-z_][A-Za-z0-9_$.@=-]*$";
    public static final int MAX_BYTES = 63;
    public static final String RULE = "At most 63 bytes; letters, digits, '_' and '$', not starting with a digit.";

    /**
     * The characters SqlFragments refuses, as a CEL rule for the API server: what the operator would refuse is
     * refused at admission, so the description, the admission and the engine say the same.
     */
    public static final String SINGLE_EXPRESSION_RULE = "!self.contains(';') && !self.contains('--') "
            + "&& !self.contains('/*') && !self.contains('*/') && !self.contains('\\\\') && !self.contains('$')";
    public static final String SINGLE_EXPRESSION_MESSAGE = "must be a single SQL expression: ';', '--', '/*', '*/', "
            + "backslashes and '$' are not allowed";
    public static final String SINGLE_EXPRESSION = "The API server rejects ';', '--', '/*', '*/', backslashes and "
            + "'$'; the operator also checks that parentheses and quotes balance and refuses '{' and '}' outside "
            + "quotes (pgjdbc would read them as JDBC escapes) (otherwise the resource is Stalled "
            + "with reason InvalidSpec and nothing is sent to the database).";

    /** A list of column names: each an identifier of at most 63 characters, none twice. */
    public static final String COLUMN_LIST_RULE = "self.all(c, size(c) <= 63 && c.matches('^[A-Za-z_][A-Za-z0-9_$]*$')) "
            + "&& self.all(c, self.exists_one(d, d == c))";
    public static final String COLUMN_LIST_MESSAGE = "column names are identifiers (letters, digits, '_' and '$', not "
            + "starting with a digit; at most 63 bytes), each listed once";

    private Identifiers() {
    }
}
