package dev.pgindex.operator.postgres;

/**
 * Client-side gate for the user's SQL fragments (a WHERE predicate, an index expression). It guarantees the
 * fragment cannot end the statement it is placed in: the DDL that carries it stays a single CREATE INDEX.
 * The server then parses the fragment in place with a single-statement cursor (see {@link IndexInspector}).
 *
 * <p>Rejected: ';' (pgjdbc splits statements there), comments ('--', '/*'), NUL, backslashes and '$' (escape
 * strings and dollar quoting, which this scanner does not model), unterminated quotes and unbalanced parentheses
 * (which could close the parentheses the operator puts around the fragment), and '{' or '}' outside quotes
 * (PostgreSQL has no use for them there, and the JDBC driver would rewrite {fn ...}, {d ...} as escape syntax, so
 * the server would run another statement than the one composed).
 */
public final class SqlFragments {
    private SqlFragments() {
    }

    public static void check(String what, String fragment) {
        if (fragment == null || fragment.isBlank()) {
            throw new InvalidDefinitionException(what + " is empty");
        }
        if (fragment.length() > 4096) {
            throw new InvalidDefinitionException(what + " is longer than 4096 characters");
        }
        for (String forbidden : new String[] {";", "--", "/*", "*/", "\\", "$", "\0"}) {
            if (fragment.contains(forbidden)) {
                String shown = forbidden.equals("\0") ? "NUL" : "'" + forbidden + "'";
                throw new InvalidDefinitionException(what + " may not contain " + shown
                        + ": it must be a single SQL expression");
            }
        }
        int depth = 0;
        char quote = 0;
        for (int i = 0; i < fragment.length(); i++) {
            char ch = fragment.charAt(i);
            if (quote != 0) {
                if (ch == quote) {
                    if (i + 1 < fragment.length() && fragment.charAt(i + 1) == quote) {
                        i++; // doubled quote inside a literal or identifier
                    } else {
                        quote = 0;
                    }
                }
                continue;
            }
            if (ch == '\'' || ch == '"') {
                quote = ch;
            } else if (ch == '(') {
                depth++;
            } else if (ch == '{' || ch == '}') {
                throw new InvalidDefinitionException(what + " may not contain '" + ch + "' outside a string or a "
                        + "quoted identifier: PostgreSQL has no use for it there, and the JDBC driver would rewrite "
                        + "it as escape syntax");
            } else if (ch == ')') {
                if (--depth < 0) {
                    throw new InvalidDefinitionException(what + " has a ')' without a matching '('");
                }
            } else if (Character.isISOControl(ch) && ch != '\n' && ch != '\t' && ch != '\r') {
                throw new InvalidDefinitionException(what + " may not contain control characters");
            }
        }
        if (quote != 0) {
            throw new InvalidDefinitionException(what + " has an unterminated " + (quote == '\'' ? "string" : "quoted identifier"));
        }
        if (depth != 0) {
            throw new InvalidDefinitionException(what + " has a '(' without a matching ')'");
        }
    }
}
