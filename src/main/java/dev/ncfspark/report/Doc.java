package dev.ncfspark.report;

import java.util.List;

/**
 * The report as a list of format-neutral blocks, built once and rendered to both HTML and Markdown, so the two
 * files always say the same thing. All text in the blocks is raw (unescaped): the renderers escape it.
 */
final class Doc {

    private Doc() {
    }

    sealed interface Block permits Heading, Para, Table, Figure, Code {
    }

    /** A section heading; level 1 is the page title. */
    record Heading(int level, String text) implements Block {
    }

    /** A paragraph of text runs. */
    record Para(List<Span> spans) implements Block {
        static Para of(String text) {
            return new Para(List.of(new Span(text, false)));
        }
    }

    /** A run of text, bold or not. */
    record Span(String text, boolean bold) {
    }

    /** A table; cells of numeric columns are right-aligned. {@code note} (may be null) is printed below it. */
    record Table(List<Header> headers, List<List<Cell>> rows, String note) implements Block {
    }

    /**
     * A column header. In HTML, consecutive headers of the same {@code group} (e.g. the metric {@code HR}) share a
     * group header above their {@code sub} headers (e.g. {@code @10}), which keeps wide tables narrow; Markdown shows
     * {@code text}. Both are null for a header without a group.
     */
    record Header(String text, boolean numeric, String group, String sub) {
        Header(String text, boolean numeric) {
            this(text, numeric, null, null);
        }
    }

    /** A cell: its text, whether it is bold, and a marker (may be empty) printed after it, not bold. */
    record Cell(String text, boolean bold, String marker) {
        static Cell plain(String text) {
            return new Cell(text, false, "");
        }
    }

    /** An image beside the page, by its relative path. */
    record Figure(String src, String alt, int width, int height) implements Block {
    }

    /** Preformatted text shown verbatim. */
    record Code(String language, String text) implements Block {
    }
}
