package dev.ncfspark.data.download;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the downloader against a local HTTP server that serves archives built by the test. */
class MovieLensDownloaderTest {

    private static final String PREFIX = "/datasets/movielens/";
    private static final String RATINGS = "userId,movieId,rating,timestamp\n1,10,4.0,964982703\n2,20,3.5,964981247\n";
    private static final MovieLensArchive UNFROZEN =
            new MovieLensArchive("ml-test", "ml-test.zip", "ml-test", Optional.empty());

    @TempDir
    Path tmp;

    private Path target;
    private HttpServer server;
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private MovieLensDownloader downloader;
    private String base;

    @BeforeEach
    void startServer() throws IOException {
        target = tmp.resolve("data");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.add(path);
            byte[] body = served.get(path);
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort() + PREFIX;
        downloader = new MovieLensDownloader(URI.create(base), client());
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void downloadsVerifiesAndUnpacks() throws IOException {
        byte[] zip = zip(Map.of("ml-test/ratings.csv", RATINGS));
        serve("ml-test.zip", zip);
        serve("ml-test.zip.md5", ("MD5 (ml-test.zip) = " + md5(zip) + "\n").getBytes(UTF_8));

        Path folder = downloader.download(UNFROZEN, target);

        assertEquals(target.resolve("ml-test"), folder);
        assertEquals(RATINGS, Files.readString(folder.resolve("ratings.csv")));
        assertEquals(md5(zip) + "  ml-test.zip\n", Files.readString(folder.resolve(MovieLensDownloader.MARKER)));
        assertEquals(Set.of("ml-test", "ml-test.zip"), listing(target), "no temporary files are left behind");
        assertEquals(List.of(PREFIX + "ml-test.zip.md5", PREFIX + "ml-test.zip"), requests);
    }

    @Test
    void embeddedChecksumSufficesWhenNoMd5FileIsPublished() throws IOException {
        byte[] zip = zip(Map.of("ml-test/ratings.csv", RATINGS));
        serve("ml-test.zip", zip);
        MovieLensArchive frozen = new MovieLensArchive("ml-test", "ml-test.zip", "ml-test", Optional.of(md5(zip)));

        Path folder = downloader.download(frozen, target);

        assertEquals(RATINGS, Files.readString(folder.resolve("ratings.csv")));
    }

    @Test
    void wrongChecksumFailsNamingExpectedAndActualAndLeavesNothing() throws IOException {
        byte[] zip = zip(Map.of("ml-test/ratings.csv", RATINGS));
        String wrong = md5("not the archive".getBytes(UTF_8));
        serve("ml-test.zip", zip);
        serve("ml-test.zip.md5", (wrong + "  ml-test.zip\n").getBytes(UTF_8));

        IOException e = assertThrows(IOException.class, () -> downloader.download(UNFROZEN, target));

        assertTrue(e.getMessage().contains(base + "ml-test.zip"), e.getMessage());
        assertTrue(e.getMessage().contains("expected MD5 " + wrong), e.getMessage());
        assertTrue(e.getMessage().contains("actual " + md5(zip)), e.getMessage());
        assertEquals(Set.of(), listing(target), "neither the folder nor the bad download may remain");
    }

    @Test
    void embeddedChecksumConflictingWithThePublishedOneFailsBeforeDownloading() throws IOException {
        byte[] zip = zip(Map.of("ml-test/ratings.csv", RATINGS));
        String embedded = md5("an older release".getBytes(UTF_8));
        serve("ml-test.zip", zip);
        serve("ml-test.zip.md5", md5(zip).getBytes(UTF_8));
        MovieLensArchive frozen = new MovieLensArchive("ml-test", "ml-test.zip", "ml-test", Optional.of(embedded));

        IOException e = assertThrows(IOException.class, () -> downloader.download(frozen, target));

        assertTrue(e.getMessage().contains(embedded) && e.getMessage().contains(md5(zip)), e.getMessage());
        assertEquals(List.of(PREFIX + "ml-test.zip.md5"), requests);
        assertEquals(Set.of(), listing(target));
    }

    @Test
    void missingArchiveFailsNamingUrlAndStatus() throws IOException {
        serve("ml-test.zip.md5", md5(new byte[0]).getBytes(UTF_8));

        IOException e = assertThrows(IOException.class, () -> downloader.download(UNFROZEN, target));

        assertTrue(e.getMessage().contains(base + "ml-test.zip returned HTTP 404"), e.getMessage());
        assertEquals(Set.of(), listing(target));
    }

    @Test
    void archiveWithoutAnyChecksumIsNeverAccepted() throws IOException {
        serve("ml-test.zip", zip(Map.of("ml-test/ratings.csv", RATINGS)));

        IOException e = assertThrows(IOException.class, () -> downloader.download(UNFROZEN, target));

        assertTrue(e.getMessage().contains(base + "ml-test.zip.md5 returned HTTP 404"), e.getMessage());
        assertFalse(requests.contains(PREFIX + "ml-test.zip"), "the unverifiable archive is not even fetched");
        assertEquals(Set.of(), listing(target));
    }

    @Test
    void secondCallMakesNoHttpRequest() throws IOException {
        byte[] zip = zip(Map.of("ml-test/ratings.csv", RATINGS));
        serve("ml-test.zip", zip);
        serve("ml-test.zip.md5", md5(zip).getBytes(UTF_8));
        Path first = downloader.download(UNFROZEN, target);
        assertEquals(2, requests.size());

        Path second = new MovieLensDownloader(URI.create(base), client()).download(UNFROZEN, target);

        assertEquals(first, second);
        assertEquals(2, requests.size(), "requests after the first call: " + requests);
    }

    @Test
    void folderWithoutMarkerIsNotTrustedNorOverwritten() throws IOException {
        Path manual = Files.createDirectories(target.resolve("ml-test"));
        Files.writeString(manual.resolve("ratings.csv"), "half written");

        IOException e = assertThrows(IOException.class, () -> downloader.download(UNFROZEN, target));

        assertTrue(e.getMessage().contains(MovieLensDownloader.MARKER), e.getMessage());
        assertEquals(List.of(), requests);
        assertEquals("half written", Files.readString(manual.resolve("ratings.csv")));
    }

    @Test
    void verifiedZipLeftByAnInterruptedRunIsReused() throws IOException {
        byte[] zip = zip(Map.of("ml-test/ratings.csv", RATINGS));
        serve("ml-test.zip.md5", md5(zip).getBytes(UTF_8));
        Files.write(Files.createDirectories(target).resolve("ml-test.zip"), zip);

        Path folder = downloader.download(UNFROZEN, target);

        assertEquals(RATINGS, Files.readString(folder.resolve("ratings.csv")));
        assertEquals(List.of(PREFIX + "ml-test.zip.md5"), requests);
    }

    @Test
    void zipEntryEscapingTheTargetIsRejected() throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("ml-test/ratings.csv", RATINGS);
        entries.put("../evil", "pwned");
        byte[] zip = zip(entries);
        serve("ml-test.zip", zip);
        serve("ml-test.zip.md5", md5(zip).getBytes(UTF_8));

        IOException e = assertThrows(IOException.class, () -> downloader.download(UNFROZEN, target));

        assertTrue(e.getMessage().contains("'../evil'"), e.getMessage());
        assertFalse(Files.exists(target.resolve("evil")));
        assertFalse(Files.exists(tmp.resolve("evil")));
        assertEquals(Set.of("ml-test.zip"), listing(target), "no dataset folder nor staging folder remains");
    }

    @Test
    void unknownDatasetNameIsRejectedWithoutNetwork() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> downloader.download("ml-nope", target));

        assertTrue(e.getMessage().contains("ml-25m"), e.getMessage());
        assertEquals(List.of(), requests);
    }

    private void serve(String file, byte[] body) {
        served.put(PREFIX + file, body);
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
    }

    private static byte[] zip(Map<String, String> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, String> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue().getBytes(UTF_8));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static String md5(byte[] data) {
        return Md5.hex(Md5.newDigest().digest(data));
    }

    private static Set<String> listing(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }
}
