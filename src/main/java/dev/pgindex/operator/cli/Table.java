package dev.pgindex.operator.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table like kubectl get prints: upper-case headers, columns padded with three spaces. */
final class Table {
    private final List<String[]> rows = new ArrayList<>();

    Table(String... headers) {
        rows.add(headers);
    }

    void row(String... cells) {
        rows.add(cells);
    }

    boolean isEmpty() {
        return rows.size() == 1;
    }

    void print(PrintWriter out) {
        int n = rows.get(0).length;
        int[] width = new int[n];
        for (String[] r : rows) {
            for (int i = 0; i < n - 1; i++) {
                width[i] = Math.max(width[i], r[i] == null ? 0 : r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < n; i++) {
                String cell = r[i] == null ? "" : r[i];
                b.append(i < n - 1 ? String.format("%-" + (width[i] + 3) + "s", cell) : cell);
            }
            out.println(b.toString().stripTrailing());
        }
        out.flush();
    }
}
