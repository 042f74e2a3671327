package dev.ncfspark.data.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MovieLensArchiveTest {

    @Test
    void knowsTheFivePublishedArchives() {
        assertEquals(List.of("ml-latest-small", "ml-100k", "ml-1m", "ml-20m", "ml-25m"),
                MovieLensArchive.known().stream().map(MovieLensArchive::name).toList());
        for (MovieLensArchive a : MovieLensArchive.known()) {
            assertEquals(a.name() + ".zip", a.zipName());
            assertEquals(a.name(), a.folder());
        }
    }

    @Test
    void frozenReleasesCarryTheirPublishedMd5AndLatestSmallNone() {
        assertEquals(Optional.empty(), MovieLensArchive.byName("ml-latest-small").publishedMd5());
        assertEquals(Optional.of("0e33842e24a9c977be4e0107933c0723"), MovieLensArchive.byName("ml-100k").publishedMd5());
        assertEquals(Optional.of("c4d9eecfca2ab87c1945afe126590906"), MovieLensArchive.byName("ml-1m").publishedMd5());
        assertEquals(Optional.of("cd245b17a1ae2cc31bb14903e1204af3"), MovieLensArchive.byName("ml-20m").publishedMd5());
        assertEquals(Optional.of("6b51fb2759a8657d3bfcbfc42b592ada"), MovieLensArchive.byName("ml-25m").publishedMd5());
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MovieLensArchive.byName("ml-10m"));
        assertTrue(e.getMessage().contains("'ml-10m'"), e.getMessage());
        assertTrue(e.getMessage().contains("ml-latest-small, ml-100k, ml-1m, ml-20m, ml-25m"), e.getMessage());
    }

    @Test
    void rejectsPathLikeNamesAndMalformedMd5() {
        assertThrows(IllegalArgumentException.class,
                () -> new MovieLensArchive("x", "x.zip", "../x", Optional.empty()));
        assertThrows(IllegalArgumentException.class,
                () -> new MovieLensArchive("x", "a/x.zip", "x", Optional.empty()));
        assertThrows(IllegalArgumentException.class,
                () -> new MovieLensArchive("x", "x.zip", "x", Optional.of("not-hex")));
        assertEquals(Optional.of("cd245b17a1ae2cc31bb14903e1204af3"),
                new MovieLensArchive("x", "x.zip", "x", Optional.of("CD245B17A1AE2CC31BB14903E1204AF3")).publishedMd5());
    }
}
