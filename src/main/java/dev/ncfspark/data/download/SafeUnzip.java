package dev.ncfspark.data.download;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** Unpacks a zip into a folder, refusing any entry that would land outside it (zip slip). */
final class SafeUnzip {

    private SafeUnzip() {
    }

    /**
     * Extracts every entry of {@code zip} below {@code into}.
     *
     * @throws IOException when an entry escapes {@code into} (absolute, {@code ..}) or is written twice;
     *                     the caller owns {@code into} and must discard it on failure
     */
    static void unzip(Path zip, Path into) throws IOException {
        Path root = into.toAbsolutePath().normalize();
        try (ZipFile zipFile = new ZipFile(zip.toFile())) {
            for (Enumeration<? extends ZipEntry> entries = zipFile.entries(); entries.hasMoreElements(); ) {
                ZipEntry entry = entries.nextElement();
                Path target = resolveInside(root, entry.getName(), zip);
                if (target.equals(root)) {
                    continue;
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    try (InputStream in = zipFile.getInputStream(entry)) {
                        Files.copy(in, target);
                    }
                }
            }
        }
    }

    private static Path resolveInside(Path root, String entryName, Path zip) throws IOException {
        try {
            Path target = root.resolve(entryName).normalize();
            if (target.startsWith(root)) {
                return target;
            }
        } catch (InvalidPathException e) {
            // falls through to the rejection below
        }
        throw new IOException("Zip entry '" + entryName + "' in " + zip + " would be written outside "
                + root + "; refusing to unpack");
    }
}
