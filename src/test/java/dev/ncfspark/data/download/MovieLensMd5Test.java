package dev.ncfspark.data.download;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link Md5} helper the downloader verifies with. */
class MovieLensMd5Test {

    private static final String HEX = "cd245b17a1ae2cc31bb14903e1204af3";

    @Test
    void parsesTheChecksumFileFormatsGroupLensUses() {
        assertEquals(Optional.of(HEX), Md5.parse("MD5 (ml-20m.zip) = " + HEX + "\n"));
        assertEquals(Optional.of(HEX), Md5.parse(HEX + "  ml-20m.zip\n"));
        assertEquals(Optional.of(HEX), Md5.parse(HEX.toUpperCase()));
    }

    @Test
    void findsNoChecksumInOtherText() {
        assertEquals(Optional.empty(), Md5.parse("<html>404 Not Found</html>"));
        assertEquals(Optional.empty(), Md5.parse(HEX + "00"), "a longer hex string is not an MD5");
    }

    @Test
    void digestsFiles(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("abc.txt"), "abc");
        assertEquals("900150983cd24fb0d6963f7d28e17f72", Md5.of(file));
    }
}
