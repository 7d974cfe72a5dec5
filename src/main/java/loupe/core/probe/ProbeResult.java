package loupe.core.probe;

import java.util.Comparator;
import java.util.List;

/**
 * What {@link StorageProbe} measured. Sizes are bytes; rates are per second; MB means 2^20 bytes.
 *
 * @param root          the dataset folder, absolute
 * @param volume        the file system holding it ("ext4 /dev/vda"), as Java names it
 * @param secondsPerRun the time bound of each run
 * @param threadCounts  the thread counts measured
 * @param dataset       how many files, how big (sizes estimated from a sample)
 * @param memory        the machine's memory, which bounds the page cache
 * @param droppedCaches true when caches were dropped before the first listing
 * @param phases        in the order run: first listing, listing, metadata, headers, random reads, re-reads,
 *                      sequential reads (phases with nothing to read are left out)
 * @param write         the write test, done or skipped with the reason
 * @param feed          how many images/s the storage fed (random whole-file reads, best thread count); null when
 *                      the dataset had no files to read
 * @param verdict       the verdict against the target, or null when no target was given
 * @param cache         whether the numbers are page-cache speed
 * @param notes         other things worth saying, in words
 * @param elapsedSeconds the whole probe
 */
public record ProbeResult(String root, String volume, double secondsPerRun, List<Integer> threadCounts,
                          DatasetSample dataset, MemoryInfo memory, boolean droppedCaches, List<Phase> phases,
                          WriteResult write, Feed feed, FeedVerdict verdict, CacheAssessment cache,
                          List<String> notes, double elapsedSeconds) {

    /**
     * The dataset as the probe saw it.
     *
     * @param files               regular files listed
     * @param images              of which image files (by extension)
     * @param sizesSampled        files whose size was read (a random sample)
     * @param meanFileBytes       mean size of the sampled files
     * @param meanImageBytes      mean size of the sampled images (0 when none was sampled)
     * @param estimatedBytes      files x mean file size
     * @param estimatedImageBytes images x mean image size
     */
    public record DatasetSample(long files, long images, int sizesSampled, long meanFileBytes, long meanImageBytes,
                                long estimatedBytes, long estimatedImageBytes) {
    }

    /**
     * One phase: the same kind of access at several thread counts.
     *
     * @param name        "first listing", "listing", "metadata", "headers", "random reads", "re-reads",
     *                    "sequential reads"
     * @param unit        what {@link Run#count} counts: "entries", "files" or "headers"
     * @param description what was done, in words
     * @param runs        one per thread count, in order
     */
    public record Phase(String name, String unit, String description, List<Run> runs) {

        /** The run with the highest rate, or null when there are none. */
        public Run best() {
            return runs.stream().max(Comparator.comparingDouble(Run::perSecond)).orElse(null);
        }
    }

    /**
     * One measured run.
     *
     * @param threads            threads reading at once
     * @param count              entries listed, headers or files read
     * @param bytes              bytes read (0 where not counted: listing, metadata, headers)
     * @param seconds            wall time of the run
     * @param perSecond          count / seconds
     * @param megabytesPerSecond bytes / seconds / 2^20
     * @param reread             of count, files already read earlier in this probe (their data is likely cached)
     * @param failed             of count, files that could not be read (vanished, unreadable)
     * @param stoppedBy          "time" (the time bound), "file limit" (the file-count bound), or "all files" (nothing
     *                           left to read)
     */
    public record Run(int threads, long count, long bytes, double seconds, double perSecond,
                      double megabytesPerSecond, long reread, long failed, String stoppedBy) {

        static Run of(int threads, long count, long bytes, double seconds, long reread, long failed,
                      String stoppedBy) {
            double s = Math.max(seconds, 1e-6);
            return new Run(threads, count, bytes, seconds, count / s, bytes / s / (1 << 20), reread, failed,
                    stoppedBy);
        }
    }

    /**
     * The write test: one checkpoint-like file written beside the dataset, fsync'ed, then deleted.
     *
     * @param done                       false when skipped (see note)
     * @param folder                     the temporary folder it was written in (deleted afterwards), or null
     * @param bytes                      bytes written
     * @param secondsBuffered            until the last write returned (the page cache absorbs much of it)
     * @param secondsTotal               including the final fsync: the data is on the disk
     * @param megabytesPerSecondBuffered bytes / secondsBuffered / 2^20
     * @param megabytesPerSecond         bytes / secondsTotal / 2^20: the number to compare with the disk
     * @param note                       why it was skipped or shrunk, or null
     */
    public record WriteResult(boolean done, String folder, long bytes, double secondsBuffered, double secondsTotal,
                              double megabytesPerSecondBuffered, double megabytesPerSecond, String note) {

        static WriteResult skipped(String why) {
            return new WriteResult(false, null, 0, 0, 0, 0, 0, why);
        }
    }

    /**
     * How many images per second the storage can feed.
     *
     * @param imagesPerSecond    whole image files read per second at the best thread count
     * @param threads            that thread count
     * @param megabytesPerSecond the bytes that took
     * @param basis              what was read, in words
     */
    public record Feed(double imagesPerSecond, int threads, double megabytesPerSecond, String basis) {
    }

    /** The phase of that name, or null. */
    public Phase phase(String name) {
        return phases.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
    }
}
