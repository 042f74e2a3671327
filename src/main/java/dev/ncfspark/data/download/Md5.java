package dev.ncfspark.data.download;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** MD5 digests of files and parsing of {@code .md5} checksum files. */
final class Md5 {

    /** A 32-digit hex token; matches both {@code "<hex>  file.zip"} and {@code "MD5 (file.zip) = <hex>"}. */
    private static final Pattern HEX_TOKEN = Pattern.compile("(?<![0-9A-Fa-f])[0-9A-Fa-f]{32}(?![0-9A-Fa-f])");

    private Md5() {
    }

    /** A fresh MD5 digest; every Java platform is required to provide MD5. */
    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is not available in this JVM", e);
        }
    }

    /** Lowercase hex of a finished digest. */
    static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    /** Lowercase hex MD5 of a file's contents. */
    static String of(Path file) throws IOException {
        MessageDigest md5 = newDigest();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                md5.update(buffer, 0, n);
            }
        }
        return hex(md5.digest());
    }

    /** The first MD5 hex token in the text of a checksum file, lowercase; empty when there is none. */
    static Optional<String> parse(String checksumFileText) {
        Matcher m = HEX_TOKEN.matcher(checksumFileText);
        return m.find() ? Optional.of(m.group().toLowerCase(Locale.ROOT)) : Optional.empty();
    }
}
