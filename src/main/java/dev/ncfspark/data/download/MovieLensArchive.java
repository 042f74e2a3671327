package dev.ncfspark.data.download;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One published MovieLens archive: its name (ml-latest-small, ml-100k, ml-1m, ml-20m, ml-25m),
 * the zip file name, the folder inside the zip, and its published MD5 when it is a frozen release.
 *
 * <p>The embedded MD5 lets a frozen release be verified even when the {@code .md5} file GroupLens
 * publishes next to the zip cannot be read; {@code ml-latest-small} changes over time, so it has
 * none and relies on the published {@code .md5} alone.
 *
 * @param name         dataset name used on the command line, e.g. {@code ml-20m}
 * @param zipName      file name of the archive under the download base URL
 * @param folder       top-level folder inside the zip, which becomes {@code targetDir/folder}
 * @param publishedMd5 lowercase hex MD5 of a frozen release, or empty when it may change
 */
public record MovieLensArchive(String name, String zipName, String folder, Optional<String> publishedMd5) {

    private static final Pattern MD5_HEX = Pattern.compile("[0-9a-f]{32}");

    private static final List<MovieLensArchive> KNOWN = List.of(
            new MovieLensArchive("ml-latest-small", "ml-latest-small.zip", "ml-latest-small", Optional.empty()),
            frozen("ml-100k", "0e33842e24a9c977be4e0107933c0723"),
            frozen("ml-1m", "c4d9eecfca2ab87c1945afe126590906"),
            frozen("ml-20m", "cd245b17a1ae2cc31bb14903e1204af3"),
            frozen("ml-25m", "6b51fb2759a8657d3bfcbfc42b592ada"));

    /** Validates the names (plain file names, no path separators) and normalises the MD5 to lowercase. */
    public MovieLensArchive {
        requirePlainName(name, "name");
        requirePlainName(zipName, "zipName");
        requirePlainName(folder, "folder");
        publishedMd5 = Objects.requireNonNull(publishedMd5, "publishedMd5").map(m -> m.toLowerCase(Locale.ROOT));
        if (publishedMd5.isPresent() && !MD5_HEX.matcher(publishedMd5.get()).matches()) {
            throw new IllegalArgumentException("Not an MD5 hex digest: '" + publishedMd5.get() + "'");
        }
    }

    /** The archives GroupLens publishes that this project knows how to fetch. */
    public static List<MovieLensArchive> known() {
        return KNOWN;
    }

    /**
     * The known archive with this name.
     *
     * @throws IllegalArgumentException naming the known archives when there is none by that name
     */
    public static MovieLensArchive byName(String name) {
        return KNOWN.stream()
                .filter(a -> a.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unknown MovieLens dataset '" + name
                        + "'; known: " + KNOWN.stream().map(MovieLensArchive::name).collect(Collectors.joining(", "))));
    }

    private static MovieLensArchive frozen(String name, String md5) {
        return new MovieLensArchive(name, name + ".zip", name, Optional.of(md5));
    }

    private static void requirePlainName(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isBlank() || value.equals(".") || value.equals("..") || value.contains("/") || value.contains("\\")) {
            throw new IllegalArgumentException(what + " must be a plain file name, got '" + value + "'");
        }
    }
}
