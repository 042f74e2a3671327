package dev.ncfspark.data.download;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs a download's progress every 10% when its size is known and large enough to be worth it. */
final class DownloadProgress {

    private static final Logger LOG = LoggerFactory.getLogger(DownloadProgress.class);
    /** Smaller downloads only log their start and end. */
    static final long LOGGED_ABOVE_BYTES = 8L << 20;

    private final String label;
    private final long totalBytes;
    private long doneBytes;
    private int nextTenth = 1;

    /** @param totalBytes the expected size, or a negative number when it is unknown */
    DownloadProgress(String label, long totalBytes) {
        this.label = label;
        this.totalBytes = totalBytes;
    }

    void advance(long bytes) {
        doneBytes += bytes;
        if (totalBytes < LOGGED_ABOVE_BYTES) {
            return;
        }
        while (nextTenth < 10 && doneBytes * 10 >= totalBytes * nextTenth) {
            LOG.info("{}: {}% ({} of {} MiB)", label, nextTenth * 10, doneBytes >> 20, totalBytes >> 20);
            nextTenth++;
        }
    }

    long doneBytes() {
        return doneBytes;
    }
}
