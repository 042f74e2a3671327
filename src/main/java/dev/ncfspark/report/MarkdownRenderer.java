package dev.ncfspark.report;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Renders the report's blocks as GitHub-flavoured Markdown (tables, fenced code, images beside it). */
final class MarkdownRenderer {

    /** Characters that Markdown (or inline HTML in it) could interpret; a backslash makes them literal. */
    private static final String SPECIAL = "\\`*_[]<>|&~";
    private static final Pattern EDGE_SPACE = Pattern.compile("^(\\s*)(.*?)(\\s*)$", Pattern.DOTALL);
    private static final Pattern BACKTICKS = Pattern.compile("`+");

    private MarkdownRenderer() {
    }

    static String render(List<Doc.Block> blocks) {
        StringBuilder out = new StringBuilder(8_192);
        for (Doc.Block block : blocks) {
            if (!out.isEmpty()) {
                out.append('\n');
            }
            if (block instanceof Doc.Heading h) {
                out.append("#".repeat(h.level())).append(' ').append(escape(h.text())).append('\n');
            } else if (block instanceof Doc.Para p) {
                for (Doc.Span s : p.spans()) {
                    out.append(s.bold() ? bold(s.text()) : escape(s.text()));
                }
                out.append('\n');
            } else if (block instanceof Doc.Table t) {
                table(out, t);
            } else if (block instanceof Doc.Figure f) {
                out.append("![").append(escape(f.alt())).append("](").append(f.src()).append(")\n");
            } else if (block instanceof Doc.Code c) {
                String fence = "`".repeat(Math.max(3, longestBacktickRun(c.text()) + 1));
                out.append(fence).append(c.language()).append('\n').append(c.text()).append('\n')
                        .append(fence).append('\n');
            } else {
                throw new IllegalStateException("unknown block " + block);
            }
        }
        return out.toString();
    }

    private static void table(StringBuilder out, Doc.Table t) {
        out.append('|');
        for (Doc.Header h : t.headers()) {
            out.append(' ').append(escape(h.text())).append(" |");
        }
        out.append("\n|");
        for (Doc.Header h : t.headers()) {
            out.append(h.numeric() ? " ---: |" : " :--- |");
        }
        out.append('\n');
        for (List<Doc.Cell> row : t.rows()) {
            out.append('|');
            for (Doc.Cell c : row) {
                out.append(' ').append(c.bold() ? bold(c.text()) : escape(c.text()));
                if (!c.marker().isEmpty()) {
                    out.append(' ').append(escape(c.marker()));
                }
                out.append(" |");
            }
            out.append('\n');
        }
        if (t.note() != null) {
            out.append('\n').append(escape(t.note())).append('\n');
        }
    }

    /** Bold, with surrounding spaces kept outside the asterisks (CommonMark ignores {@code ** x **}). */
    private static String bold(String text) {
        Matcher m = EDGE_SPACE.matcher(ReportContent.oneLine(text));
        if (!m.matches() || m.group(2).isEmpty()) {
            return escape(text);
        }
        return m.group(1) + "**" + escape(m.group(2)) + "**" + m.group(3);
    }

    /** One line, with every Markdown-significant character (including the table pipe) backslash-escaped. */
    static String escape(String s) {
        String line = ReportContent.oneLine(s);
        StringBuilder b = new StringBuilder(line.length() + 8);
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (SPECIAL.indexOf(ch) >= 0) {
                b.append('\\');
            }
            b.append(ch);
        }
        return b.toString();
    }

    private static int longestBacktickRun(String s) {
        int longest = 0;
        Matcher m = BACKTICKS.matcher(s);
        while (m.find()) {
            longest = Math.max(longest, m.group().length());
        }
        return longest;
    }
}
