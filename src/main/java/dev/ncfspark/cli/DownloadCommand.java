package dev.ncfspark.cli;

import dev.ncfspark.data.download.MovieLensArchive;
import dev.ncfspark.data.download.MovieLensDownloader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code download}: fetch, verify and unpack an official MovieLens archive. */
@Command(name = "download", mixinStandardHelpOptions = true,
    description = "Download a MovieLens archive, verify its published checksum and unpack it.")
final class DownloadCommand implements Callable<Integer> {
  @Parameters(paramLabel = "DATASET", description = "ml-latest-small, ml-100k, ml-1m, ml-20m or ml-25m.")
  String dataset;

  @Option(names = "--dir", defaultValue = "data", description = "Where to unpack. Default: ${DEFAULT-VALUE}.")
  Path dir;

  @Option(names = "--base-url", description = "Mirror of the GroupLens dataset folder.")
  URI baseUrl;

  @Override
  public Integer call() throws IOException {
    MovieLensArchive.byName(dataset);
    MovieLensDownloader downloader = baseUrl == null ? MovieLensDownloader.official()
        : new MovieLensDownloader(baseUrl, HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build());
    Path folder = downloader.download(dataset, dir);
    System.out.println("Unpacked: " + folder + "  (use --set dataset.format=movielens --set dataset.path=" + folder + ")");
    return 0;
  }
}
