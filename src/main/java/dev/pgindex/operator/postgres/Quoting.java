package dev.pgindex.operator.postgres;

import java.nio.charset.StandardCharsets;

/**
 * The one door for identifiers and literals that go into SQL text. Identifiers are always double-quoted (never
 * bare), so case and reserved words survive; literals are single-quoted for a server with
 * standard_conforming_strings on (every session the operator opens sets it).
 */
public final class Quoting {
    public static final int MAX_IDENTIFIER_BYTES = 63;
    /** What the API accepts as a name: ASCII letters, digits, '_' and '$', not starting with a digit or '$'. */
    public static final String IDENTIFIER_PATTERN = "^[A-Za-z_][A-Za-z0-9_$]*$";
    /** Collation names may also carry '-', '.', '@' and '=' (en-US-x-icu, en_US.utf8, de@collation=phonebook). */
    public static final String COLLATION_PATTERN = "^[A-Za-z_][A-Za-z0-9_$.@=-]*$";
    /** The two patterns in words, as a refusal names them. */
    static final String IDENTIFIER_RULE = "identifier rule (ASCII letters, digits, '_' and '$', not starting with a "
            + "digit or '$')";
    static final String COLLATION_RULE = "collation rule (ASCII letters, digits, '_', '$', '.', '@', '=' and '-', "
            + "not starting with a digit or one of '$.@=-')";

    private Quoting() {
    }

    /** Quotes an identifier: {@code Orders} becomes {@code "Orders"}, {@code a"b} becomes {@code "a""b"}. */
    public static String ident(String name) {
        checkIdentifier(name);
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** {@code "schema"."name"}. */
    public static String qualified(String schema, String name) {
        return ident(schema) + '.' + ident(name);
    }

    /** Quotes a string literal: {@code it's} becomes {@code 'it''s'}. Backslashes stay literal. */
    public static String literal(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new InvalidDefinitionException("a literal may not contain a NUL character");
        }
        return '\'' + value.replace("'", "''") + '\'';
    }

    /**
     * {@link #checkIdentifier} plus the API's pattern. The refusal says exactly what refuses the name: the field,
     * the name, its first character the rule does not accept, and the rule, for example {@code columns[0].name
     * 'user id' contains a space, which the API's identifier rule (...) does not accept}.
     */
    public static void checkName(String field, String name, String pattern) {
        if (name == null || name.isEmpty()) {
            throw new InvalidDefinitionException(field + " may not be empty");
        }
        String shown = field + " '" + name.replace("\0", "\\0") + "'";
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_IDENTIFIER_BYTES) {
            throw new InvalidDefinitionException(shown + " is " + bytes + " bytes long; the API accepts at most 63 "
                    + "bytes (PostgreSQL would silently truncate it)");
        }
        checkIdentifier(name);
        if (!java.util.regex.Pattern.matches(pattern, name)) {
            throw new InvalidDefinitionException(shown + " " + offence(name, pattern) + ", which the API's "
                    + (IDENTIFIER_PATTERN.equals(pattern) ? IDENTIFIER_RULE : COLLATION_PATTERN.equals(pattern)
                    ? COLLATION_RULE : "pattern " + pattern) + " does not accept");
        }
    }

    /** In words, the name's first character {@code pattern} refuses: where the first prefix it refuses ends. */
    static String offence(String name, String pattern) {
        for (int i = 0; i < name.length(); i = name.offsetByCodePoints(i, 1)) {
            int end = name.offsetByCodePoints(i, 1);
            if (java.util.regex.Pattern.matches(pattern, name.substring(0, end))) {
                continue;
            }
            int c = name.codePointAt(i);
            String what = c == ' ' ? "a space" : c == '\'' ? "a single quote" : c == '"' ? "a double quote"
                    : Character.isISOControl(c) ? codePoint(c)
                    : c > 0x7e ? "'" + Character.toString(c) + "' (" + codePoint(c) + ")"
                    : "'" + Character.toString(c) + "'";
            if (i > 0) {
                return "contains " + what;
            }
            return Character.isDigit(c) ? "starts with a digit (" + what + ")" : "starts with " + what;
        }
        return "does not match " + pattern;
    }

    private static String codePoint(int c) {
        return String.format(java.util.Locale.ROOT, "U+%04X", c);
    }

    /** Rejects what PostgreSQL would refuse or silently truncate: empty, NUL, more than 63 UTF-8 bytes. */
    public static void checkIdentifier(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidDefinitionException("an identifier may not be empty");
        }
        if (name.indexOf('\0') >= 0) {
            throw new InvalidDefinitionException("an identifier may not contain a NUL character");
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_IDENTIFIER_BYTES) {
            throw new InvalidDefinitionException("identifier \"" + name + "\" is " + bytes
                    + " bytes long; PostgreSQL keeps at most 63 bytes and would silently truncate it");
        }
    }
}
