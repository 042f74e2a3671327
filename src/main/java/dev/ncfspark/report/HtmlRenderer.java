package dev.ncfspark.report;

import java.util.List;

/** Renders the report's blocks as one self-contained HTML page (inline CSS; images beside it). */
final class HtmlRenderer {

    private static final String CSS = String.join("\n",
            "body { margin: 0; background: #fff; color: #1f2328; line-height: 1.5;",
            "       font-family: -apple-system, \"Segoe UI\", Roboto, \"Helvetica Neue\", Arial, sans-serif; }",
            "main { max-width: 1100px; margin: 0 auto; padding: 24px 32px 48px; }",
            "h1 { font-size: 1.75em; margin: 0.3em 0; overflow-wrap: anywhere; }",
            "h2 { font-size: 1.3em; margin-top: 1.8em; padding-bottom: 0.2em; border-bottom: 1px solid #d0d7de; }",
            ".scroll { overflow-x: auto; }",
            "table { border-collapse: collapse; font-size: 0.92em; margin: 0.6em 0 0.2em; }",
            "th, td { padding: 5px 8px; border: 1px solid #d0d7de; text-align: left; vertical-align: top; }",
            "thead th { background: #eaeef2; white-space: nowrap; }",
            "th.group { text-align: center; }",
            "th.sub { font-weight: normal; }",
            "tbody tr:nth-child(even) { background: #f6f8fa; }",
            ".num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }",
            ".mark { display: inline-block; width: 0.8em; text-align: left; padding-left: 2px; }",
            ".note { color: #57606a; font-size: 0.88em; margin-top: 0.2em; }",
            "figure { margin: 1em 0; }",
            "img { max-width: 100%; height: auto; border: 1px solid #d0d7de; }",
            "pre { background: #f6f8fa; border: 1px solid #d0d7de; padding: 12px; overflow-x: auto;",
            "      font-family: ui-monospace, Menlo, Consolas, \"DejaVu Sans Mono\", monospace;",
            "      font-size: 0.85em; line-height: 1.4; }");

    private HtmlRenderer() {
    }

    static String render(String title, List<Doc.Block> blocks) {
        StringBuilder out = new StringBuilder(16_384);
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(escape(title)).append("</title>\n")
                .append("<style>\n").append(CSS).append("\n</style>\n</head>\n<body>\n<main>\n");
        for (Doc.Block block : blocks) {
            if (block instanceof Doc.Heading h) {
                out.append("<h").append(h.level()).append('>').append(escape(h.text()))
                        .append("</h").append(h.level()).append(">\n");
            } else if (block instanceof Doc.Para p) {
                out.append("<p>");
                for (Doc.Span s : p.spans()) {
                    out.append(s.bold() ? "<strong>" + escape(s.text()) + "</strong>" : escape(s.text()));
                }
                out.append("</p>\n");
            } else if (block instanceof Doc.Table t) {
                table(out, t);
            } else if (block instanceof Doc.Figure f) {
                out.append("<figure><img src=\"").append(escape(f.src())).append("\" alt=\"")
                        .append(escape(f.alt())).append("\" width=\"").append(f.width()).append("\" height=\"")
                        .append(f.height()).append("\"></figure>\n");
            } else if (block instanceof Doc.Code c) {
                out.append("<pre><code>").append(escape(c.text())).append("</code></pre>\n");
            } else {
                throw new IllegalStateException("unknown block " + block);
            }
        }
        return out.append("</main>\n</body>\n</html>\n").toString();
    }

    private static void table(StringBuilder out, Doc.Table t) {
        int columns = t.headers().size();
        boolean[] marked = new boolean[columns];
        for (List<Doc.Cell> row : t.rows()) {
            for (int i = 0; i < columns; i++) {
                marked[i] |= !row.get(i).marker().isEmpty();
            }
        }
        out.append("<div class=\"scroll\"><table>\n<thead>");
        header(out, t.headers());
        out.append("</thead>\n<tbody>\n");
        for (List<Doc.Cell> row : t.rows()) {
            out.append("<tr>");
            for (int i = 0; i < columns; i++) {
                Doc.Cell c = row.get(i);
                out.append(t.headers().get(i).numeric() ? "<td class=\"num\">" : "<td>");
                out.append(c.bold() ? "<strong>" + escape(c.text()) + "</strong>" : escape(c.text()));
                if (marked[i]) {
                    out.append("<span class=\"mark\">").append(escape(c.marker())).append("</span>");
                }
                out.append("</td>");
            }
            out.append("</tr>\n");
        }
        out.append("</tbody>\n</table></div>\n");
        if (t.note() != null) {
            out.append("<p class=\"note\">").append(escape(t.note())).append("</p>\n");
        }
    }

    /** One header row, or two when some columns share a group header (e.g. HR over @5, @10, @20). */
    private static void header(StringBuilder out, List<Doc.Header> headers) {
        if (headers.stream().allMatch(h -> h.group() == null)) {
            out.append("<tr>");
            for (Doc.Header h : headers) {
                out.append(h.numeric() ? "<th class=\"num\">" : "<th>").append(escape(h.text())).append("</th>");
            }
            out.append("</tr>");
            return;
        }
        StringBuilder subs = new StringBuilder();
        out.append("<tr>");
        for (int i = 0; i < headers.size(); ) {
            Doc.Header h = headers.get(i);
            if (h.group() == null) {
                out.append("<th rowspan=\"2\"").append(h.numeric() ? " class=\"num\"" : "").append('>')
                        .append(escape(h.text())).append("</th>");
                i++;
                continue;
            }
            int span = 0;
            for (; i < headers.size() && h.group().equals(headers.get(i).group()); i++, span++) {
                Doc.Header sub = headers.get(i);
                subs.append("<th class=\"num sub\">").append(escape(sub.sub())).append("</th>");
            }
            out.append("<th class=\"group\" colspan=\"").append(span).append("\">").append(escape(h.group()))
                    .append("</th>");
        }
        out.append("</tr>\n<tr>").append(subs).append("</tr>");
    }

    /** Escapes text for HTML element content and double- or single-quoted attribute values. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }
}
