package dev.ncfspark.data.download;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches a MovieLens archive, verifies its MD5 and unpacks it, so that every run trains on the
 * exact bytes GroupLens published.
 *
 * <p>The zip is checked against the MD5 embedded for frozen releases and against the {@code .md5}
 * file published next to it; an archive that cannot be verified is never accepted. The zip is
 * written to a temporary file and moved into place only once verified; it is unpacked into a
 * temporary folder that is renamed to {@code targetDir/<folder>} only after a marker file recording
 * the verified MD5 has been written into it. A killed run therefore never leaves a folder that looks
 * complete, and a folder with the marker is reused without any network call.
 */
public final class MovieLensDownloader {

    /** Where GroupLens publishes the archives and their {@code .md5} files. */
    public static final URI OFFICIAL_BASE = URI.create("https://files.grouplens.org/datasets/movielens/");

    /** Written into an unpacked folder, in {@code md5sum} format, once its archive was verified. */
    static final String MARKER = ".verified.md5";

    private static final Logger LOG = LoggerFactory.getLogger(MovieLensDownloader.class);
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);

    private final URI baseUri;
    private final HttpClient client;

    /**
     * @param baseUri folder URL holding {@code <zipName>} and {@code <zipName>.md5}; a trailing slash is added
     * @param client  the HTTP client to fetch with (redirects are followed only if it is configured to)
     */
    public MovieLensDownloader(URI baseUri, HttpClient client) {
        String base = Objects.requireNonNull(baseUri, "baseUri").toString();
        this.baseUri = base.endsWith("/") ? baseUri : URI.create(base + "/");
        this.client = Objects.requireNonNull(client, "client");
    }

    /** A downloader for {@link #OFFICIAL_BASE} that follows redirects. */
    public static MovieLensDownloader official() {
        return new MovieLensDownloader(OFFICIAL_BASE, HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30))
                .build());
    }

    /**
     * Downloads (if not already present and verified), verifies, unpacks; returns the unpacked dataset
     * folder ({@code targetDir/<folder>}).
     *
     * @param datasetName one of {@link MovieLensArchive#known()}, e.g. {@code ml-20m}
     * @throws IllegalArgumentException for an unknown dataset name
     * @throws IOException              on HTTP errors, checksum mismatches, unsafe zips, or when the
     *                                  folder exists without the verified-checksum marker
     */
    public Path download(String datasetName, Path targetDir) throws IOException {
        return download(MovieLensArchive.byName(datasetName), targetDir);
    }

    /** {@link #download(String, Path)} for any archive, including ones outside the known list. */
    Path download(MovieLensArchive archive, Path targetDir) throws IOException {
        Path dir = Files.createDirectories(targetDir);
        Path folder = dir.resolve(archive.folder());
        if (Files.exists(folder)) {
            String md5 = verifiedMd5(folder, archive).orElseThrow(() -> new IOException(folder
                    + " exists but has no " + MARKER + " marker recording a verified checksum;"
                    + " remove it or choose another target directory"));
            LOG.info("{} is already present, verified with MD5 {}", folder, md5);
            return folder;
        }
        URI zipUri = baseUri.resolve(archive.zipName());
        String expected = expectedMd5(archive, zipUri);
        Path zip = dir.resolve(archive.zipName());
        if (!presentWithMd5(zip, expected)) {
            fetchVerified(zipUri, zip, expected);
        }
        unpack(archive, zip, expected, folder);
        LOG.info("{} is ready at {}", archive.name(), folder);
        return folder;
    }

    /** The MD5 to require: the published one, cross-checked against the embedded one when both exist. */
    private String expectedMd5(MovieLensArchive archive, URI zipUri) throws IOException {
        URI md5Uri = URI.create(zipUri + ".md5");
        Optional<String> embedded = archive.publishedMd5();
        String published;
        try {
            published = fetchPublishedMd5(md5Uri);
        } catch (InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            if (embedded.isEmpty()) {
                throw new IOException("Cannot verify " + zipUri + ": no MD5 is embedded for "
                        + archive.name() + " and the published one could not be read: " + e.getMessage(), e);
            }
            LOG.warn("Could not read {} ({}); verifying against the embedded MD5 {}",
                    md5Uri, e.getMessage(), embedded.get());
            return embedded.get();
        }
        if (embedded.isPresent() && !embedded.get().equals(published)) {
            throw new IOException("Checksum conflict for " + zipUri + ": the embedded MD5 is " + embedded.get()
                    + " but " + md5Uri + " publishes " + published + "; refusing to download");
        }
        return published;
    }

    private String fetchPublishedMd5(URI md5Uri) throws IOException {
        HttpResponse<String> response = send(md5Uri, BodyHandlers.ofString(US_ASCII));
        requireOk(md5Uri, response.statusCode());
        return Md5.parse(response.body())
                .orElseThrow(() -> new IOException(md5Uri + " contains no MD5 checksum"));
    }

    /** True when a zip from an earlier, interrupted run is already in place with the expected MD5. */
    private static boolean presentWithMd5(Path zip, String expected) throws IOException {
        if (!Files.isRegularFile(zip)) {
            return false;
        }
        String actual = Md5.of(zip);
        if (actual.equals(expected)) {
            LOG.info("Reusing {}, its MD5 {} is the expected one", zip, actual);
            return true;
        }
        LOG.warn("{} has MD5 {} but {} is expected; downloading it again", zip, actual, expected);
        return false;
    }

    /** Downloads to a temporary file beside {@code zip}, verifies it, and only then moves it into place. */
    private void fetchVerified(URI zipUri, Path zip, String expected) throws IOException {
        Path part = zip.resolveSibling("." + zip.getFileName() + "." + UUID.randomUUID() + ".part");
        try {
            String actual = fetchTo(zipUri, part);
            if (!actual.equals(expected)) {
                throw new IOException("Checksum mismatch for " + zipUri + ": expected MD5 " + expected
                        + ", actual " + actual + "; the download was deleted");
            }
            Files.move(part, zip, ATOMIC_MOVE, REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** Streams {@code uri} into {@code file}, returning the MD5 of the bytes written. */
    private String fetchTo(URI uri, Path file) throws IOException {
        HttpResponse<InputStream> response = send(uri, BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            requireOk(uri, response.statusCode());
            long total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            LOG.info("Downloading {} ({})", uri, total < 0 ? "size unknown" : (total >> 20) + " MiB");
            MessageDigest md5 = Md5.newDigest();
            DownloadProgress progress = new DownloadProgress(uri.toString(), total);
            byte[] buffer = new byte[1 << 16];
            try (OutputStream out = Files.newOutputStream(file, CREATE_NEW, WRITE)) {
                for (int n; (n = body.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    md5.update(buffer, 0, n);
                    progress.advance(n);
                }
            } catch (InterruptedIOException e) {
                throw e;
            } catch (IOException e) {
                throw new IOException("Download of " + uri + " failed after " + progress.doneBytes()
                        + " bytes: " + e.getMessage(), e);
            }
            LOG.info("Downloaded {} ({} bytes)", uri, progress.doneBytes());
            return Md5.hex(md5.digest());
        }
    }

    /** Unpacks into a temporary folder, marks it verified, then renames it to {@code folder} in one step. */
    private static void unpack(MovieLensArchive archive, Path zip, String md5, Path folder) throws IOException {
        Path staging = Files.createTempDirectory(folder.getParent(), "." + archive.folder() + ".unpacking-");
        try {
            SafeUnzip.unzip(zip, staging);
            Path unpacked = staging.resolve(archive.folder());
            if (!Files.isDirectory(unpacked)) {
                throw new IOException(zip + " has no top-level folder " + archive.folder() + "/");
            }
            Files.writeString(unpacked.resolve(MARKER), md5 + "  " + archive.zipName() + "\n", US_ASCII);
            try {
                Files.move(unpacked, folder, ATOMIC_MOVE);
            } catch (IOException e) {
                if (verifiedMd5(folder, archive).isEmpty()) {
                    throw e;
                }
                LOG.info("{} was completed by a concurrent run; using it", folder);
            }
        } finally {
            deleteRecursively(staging);
        }
    }

    /** The MD5 recorded by the marker in {@code folder}, if there is one consistent with the archive. */
    private static Optional<String> verifiedMd5(Path folder, MovieLensArchive archive) {
        Path marker = folder.resolve(MARKER);
        if (!Files.isRegularFile(marker)) {
            return Optional.empty();
        }
        try {
            return Md5.parse(Files.readString(marker, US_ASCII))
                    .filter(md5 -> archive.publishedMd5().map(md5::equals).orElse(true));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private <T> HttpResponse<T> send(URI uri, HttpResponse.BodyHandler<T> handler) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(RESPONSE_TIMEOUT)
                .header("User-Agent", "ncf-spark MovieLens downloader")
                .GET()
                .build();
        try {
            return client.send(request, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while fetching " + uri);
        } catch (IOException e) {
            throw new IOException("GET " + uri + " failed: " + e, e);
        }
    }

    private static void requireOk(URI uri, int status) throws IOException {
        if (status != 200) {
            throw new IOException("GET " + uri + " returned HTTP " + status);
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete the temporary folder {}: {}", root, e.getMessage());
        }
    }
}
