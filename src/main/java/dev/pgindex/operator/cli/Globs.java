package dev.pgindex.operator.cli;

import java.util.List;
import java.util.regex.Pattern;

/** Shell-style name patterns (* and ?) for the filter options; case-sensitive, like PostgreSQL's quoted names. */
final class Globs {
    private Globs() {
    }

    static Pattern compile(String glob) {
        StringBuilder b = new StringBuilder();
        for (char ch : glob.toCharArray()) {
            if (ch == '*') {
                b.append(".*");
            } else if (ch == '?') {
                b.append('.');
            } else {
                b.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return Pattern.compile(b.toString());
    }

    /** True when no pattern is given or one of them matches. */
    static boolean any(List<String> globs, String... candidates) {
        if (globs == null || globs.isEmpty()) {
            return true;
        }
        for (String g : globs) {
            Pattern p = compile(g);
            for (String c : candidates) {
                if (c != null && p.matcher(c).matches()) {
                    return true;
                }
            }
        }
        return false;
    }
}
