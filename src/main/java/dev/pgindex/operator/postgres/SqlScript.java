package dev.pgindex.operator.postgres;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a SQL script (a migration file, a structure.sql) into statements with PostgreSQL's own lexical rules, so
 * that a ';' inside a string, a quoted identifier, a dollar-quoted body or a comment never ends a statement:
 * '...' with doubled quotes, E'...' with backslash escapes, "..." identifiers, $tag$...$tag$ (a '$' inside an
 * identifier starts nothing), -- line comments and nested block comments. A psql meta-command (a line starting
 * with a backslash, such as pg_dump's \restrict) is a statement of its own. Unterminated quotes or comments are an
 * error naming the line. Nothing here executes SQL; it is the first of two gates (see {@link ScratchIndex}).
 */
public final class SqlScript {
    private SqlScript() {
    }

    public enum Kind { WORD, QUOTED_IDENTIFIER, STRING, PUNCT, META }

    /** One token; {@code value} is a WORD folded to lower case, or a quoted identifier unescaped. */
    public record Token(Kind kind, String value, int start, int end) {
        public boolean isWord(String w) {
            return kind == Kind.WORD && value.equals(w);
        }
    }

    /** One statement: its text (without the ';'), the line it starts on, its tokens (comments dropped). */
    public record Statement(String text, int line, List<Token> tokens, int offset) {
        /** The statement as one line, shortened, for messages. */
        public String summary() {
            String s = text.replaceAll("\\s+", " ").trim();
            return s.length() > 80 ? s.substring(0, 77) + "..." : s;
        }
    }

    /** The script has an unterminated quote, identifier, dollar quote or comment. */
    public static final class SyntaxException extends Exception {
        public SyntaxException(String message) {
            super(message);
        }
    }

    public static List<Statement> split(String sql) throws SyntaxException {
        List<Statement> out = new ArrayList<>();
        List<Token> tokens = new ArrayList<>();
        int n = sql.length();
        int i = 0;
        int stmtStart = -1;
        while (i < n) {
            char ch = sql.charAt(i);
            if (Character.isWhitespace(ch)) {
                i++;
            } else if (ch == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
            } else if (ch == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = blockComment(sql, i);
            } else if (ch == ';') {
                if (!tokens.isEmpty()) {
                    out.add(statement(sql, stmtStart, i, tokens));
                    tokens = new ArrayList<>();
                }
                i++;
            } else if (ch == '\\' && tokens.isEmpty()) {
                int e = sql.indexOf('\n', i);
                e = e < 0 ? n : e;
                tokens.add(new Token(Kind.META, sql.substring(i, e).trim(), i, e));
                out.add(statement(sql, i, e, tokens));
                tokens = new ArrayList<>();
                i = e;
            } else {
                if (tokens.isEmpty()) {
                    stmtStart = i;
                }
                Token t = token(sql, i);
                tokens.add(t);
                i = t.end();
            }
        }
        if (!tokens.isEmpty()) {
            out.add(statement(sql, stmtStart, n, tokens));
        }
        return out;
    }

    private static Statement statement(String sql, int start, int end, List<Token> tokens) {
        int line = 1;
        for (int k = 0; k < start; k++) {
            if (sql.charAt(k) == '\n') {
                line++;
            }
        }
        return new Statement(sql.substring(start, end).trim(), line, List.copyOf(tokens), start);
    }

    private static Token token(String sql, int i) throws SyntaxException {
        int n = sql.length();
        char ch = sql.charAt(i);
        char next = i + 1 < n ? sql.charAt(i + 1) : 0;
        if ((ch == 'E' || ch == 'e') && next == '\'') {
            int e = quoted(sql, i + 1, '\'', true);
            return new Token(Kind.STRING, sql.substring(i, e), i, e);
        }
        if ((ch == 'U' || ch == 'u') && next == '&' && i + 2 < n && (sql.charAt(i + 2) == '\'' || sql.charAt(i + 2) == '"')) {
            char q = sql.charAt(i + 2);
            int e = quoted(sql, i + 2, q, false);
            return new Token(q == '"' ? Kind.QUOTED_IDENTIFIER : Kind.STRING, sql.substring(i, e), i, e);
        }
        if ((ch == 'B' || ch == 'b' || ch == 'X' || ch == 'x' || ch == 'N' || ch == 'n') && next == '\'') {
            int e = quoted(sql, i + 1, '\'', false);
            return new Token(Kind.STRING, sql.substring(i, e), i, e);
        }
        if (ch == '\'') {
            int e = quoted(sql, i, '\'', false);
            return new Token(Kind.STRING, sql.substring(i, e), i, e);
        }
        if (ch == '"') {
            int e = quoted(sql, i, '"', false);
            return new Token(Kind.QUOTED_IDENTIFIER, sql.substring(i + 1, e - 1).replace("\"\"", "\""), i, e);
        }
        if (ch == '$') {
            int e = dollarQuote(sql, i);
            if (e > 0) {
                return new Token(Kind.STRING, sql.substring(i, e), i, e);
            }
            int k = i + 1;
            while (k < n && Character.isDigit(sql.charAt(k))) {
                k++; // a parameter, $1
            }
            return new Token(Kind.PUNCT, sql.substring(i, k), i, k);
        }
        if (identStart(ch)) {
            int k = i + 1;
            while (k < n && (identStart(sql.charAt(k)) || Character.isDigit(sql.charAt(k)) || sql.charAt(k) == '$')) {
                k++;
            }
            return new Token(Kind.WORD, foldAscii(sql.substring(i, k)), i, k);
        }
        if (Character.isDigit(ch)) {
            int k = i + 1;
            while (k < n && (Character.isLetterOrDigit(sql.charAt(k)) || sql.charAt(k) == '.' || sql.charAt(k) == '_')) {
                k++;
            }
            return new Token(Kind.WORD, sql.substring(i, k), i, k);
        }
        return new Token(Kind.PUNCT, String.valueOf(ch), i, i + 1);
    }

    /** PostgreSQL folds unquoted identifiers to lower case, ASCII letters only. */
    private static String foldAscii(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            b.append(ch >= 'A' && ch <= 'Z' ? (char) (ch + 32) : ch);
        }
        return b.toString();
    }

    private static boolean identStart(char ch) {
        return ch == '_' || (ch < 128 ? Character.isLetter(ch) : true);
    }

    /** The end (exclusive) of a quoted run starting at {@code i} (the opening quote). */
    private static int quoted(String sql, int i, char q, boolean backslashEscapes) throws SyntaxException {
        int n = sql.length();
        int k = i + 1;
        while (k < n) {
            char ch = sql.charAt(k);
            if (backslashEscapes && ch == '\\') {
                k += 2;
                continue;
            }
            if (ch == q) {
                if (k + 1 < n && sql.charAt(k + 1) == q) {
                    k += 2;
                    continue;
                }
                return k + 1;
            }
            k++;
        }
        throw new SyntaxException("unterminated " + (q == '"' ? "quoted identifier" : "string") + " starting on line "
                + line(sql, i));
    }

    /** The end of a dollar-quoted string starting at {@code i}, or -1 when '$' starts none here. */
    private static int dollarQuote(String sql, int i) throws SyntaxException {
        int n = sql.length();
        int k = i + 1;
        if (k < n && Character.isDigit(sql.charAt(k))) {
            return -1;
        }
        while (k < n && sql.charAt(k) != '$') {
            char ch = sql.charAt(k);
            if (!(identStart(ch) || Character.isDigit(ch))) {
                return -1;
            }
            k++;
        }
        if (k >= n) {
            return -1;
        }
        String tag = sql.substring(i, k + 1);
        int close = sql.indexOf(tag, k + 1);
        if (close < 0) {
            throw new SyntaxException("unterminated dollar-quoted string " + tag + " starting on line " + line(sql, i));
        }
        return close + tag.length();
    }

    private static int blockComment(String sql, int i) throws SyntaxException {
        int n = sql.length();
        int depth = 0;
        int k = i;
        while (k < n) {
            if (sql.startsWith("/*", k)) {
                depth++;
                k += 2;
            } else if (sql.startsWith("*/", k)) {
                depth--;
                k += 2;
                if (depth == 0) {
                    return k;
                }
            } else {
                k++;
            }
        }
        throw new SyntaxException("unterminated comment starting on line " + line(sql, i));
    }

    private static int line(String sql, int offset) {
        int line = 1;
        for (int k = 0; k < offset; k++) {
            if (sql.charAt(k) == '\n') {
                line++;
            }
        }
        return line;
    }
}
