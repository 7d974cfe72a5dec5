package loupe.core.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether the probe measured the page cache or the disk, and why it thinks so.
 *
 * <p>The evidence is a paired test: a few hundred files never read before in this probe are each read twice in a
 * row on one thread, and the median times of the first and the second reads are compared. A second read always
 * comes from the page cache; when the first read is about as fast, the file was already cached. Pairing the
 * reads keeps the comparison fair on a busy machine, where the speed of whole runs drifts by 2x from one second
 * to the next.
 *
 * @param dominated         true when the read numbers are (mostly) page-cache speed, not disk speed
 * @param fitsInCache       true when the dataset is smaller than the memory available to the page cache
 *                          (false when it is larger or the memory is unknown)
 * @param coldMicrosPerFile median time of a first read of a whole file, microseconds; NaN when not measured
 * @param warmMicrosPerFile median time of the read right after it, of the same file; NaN when not measured
 * @param coldWarmRatio     warm / cold time: the speed of first reads as a share of re-read speed; near 1 means
 *                          the first reads were already served from the cache; NaN when not measured
 * @param statement         what to conclude, in words
 */
public record CacheAssessment(boolean dominated, boolean fitsInCache, double coldMicrosPerFile,
                              double warmMicrosPerFile, double coldWarmRatio, String statement) {

    /**
     * First reads at this share of re-read speed or more were served by the cache, not the disk. Measured on this
     * project's test machine (a VM whose disk the host caches, so "disk" reads are fast): cached files 0.6 (7 us
     * first read, 4.4 us re-read), evicted files 0.04-0.1 (50-125 us); 0.3 sits between them on a log scale.
     */
    static final double CACHED_RATIO = 0.3;
    /**
     * A whole small file opened, read and closed in less than this came from memory: a host-cached virtual disk
     * takes about 50 us, a local NVMe disk 80-100 us, page-cache hits 4-10 us.
     */
    static final double CACHED_MICROS_PER_FILE = 20;

    /**
     * Judges the read numbers.
     *
     * @param datasetBytes      the dataset's size (estimated from a sample), bytes
     * @param memory            the machine's memory
     * @param coldMicrosPerFile median time of first reads of files, one thread, microseconds; NaN if unknown
     * @param warmMicrosPerFile median time of the immediate re-reads of the same files; NaN if unknown
     * @param droppedCaches     true when the caches were dropped before the probe
     */
    public static CacheAssessment assess(long datasetBytes, MemoryInfo memory, double coldMicrosPerFile,
                                         double warmMicrosPerFile, boolean droppedCaches) {
        long room = memory.availableBytes() > 0 ? memory.availableBytes() : memory.totalBytes();
        boolean fits = room > 0 && datasetBytes <= room;
        boolean measured = coldMicrosPerFile > 0 && warmMicrosPerFile > 0;
        double ratio = measured ? warmMicrosPerFile / coldMicrosPerFile : Double.NaN;
        String size = String.format(Locale.ROOT, "%s of data, %s of memory available to the cache",
                ByteSizes.format(datasetBytes), room > 0 ? ByteSizes.format(room) : "an unknown amount");
        String evidence = measured ? String.format(Locale.ROOT,
                "a first read of a file took %.0f us, the read right after it %.0f us (medians): first reads ran "
                        + "at %.0f%% of re-read speed", coldMicrosPerFile, warmMicrosPerFile, ratio * 100) : "";
        List<String> parts = new ArrayList<>();
        if (droppedCaches) {
            parts.add("caches were dropped before the probe, so first reads came from the storage, not the page cache");
            if (measured) {
                parts.add(evidence);
            }
            if (fits) {
                parts.add(size + ": once read, the files fit in the page cache and later epochs run at re-read "
                        + "speed");
            }
            return new CacheAssessment(false, fits, coldMicrosPerFile, warmMicrosPerFile, ratio,
                    String.join("; ", parts));
        }
        if (!measured) {
            return new CacheAssessment(fits, fits, coldMicrosPerFile, warmMicrosPerFile, ratio, fits
                    ? "these files fit in the page cache (" + size + "); without re-reads to compare, the "
                    + "numbers may be cache speed, not disk speed"
                    : "the dataset is larger than the page cache can hold (" + size + ")");
        }
        boolean firstReadsCached = ratio >= CACHED_RATIO || coldMicrosPerFile < CACHED_MICROS_PER_FILE;
        if (firstReadsCached && fits) {
            return new CacheAssessment(true, true, coldMicrosPerFile, warmMicrosPerFile, ratio,
                    "these files fit in the page cache; the numbers are cache speed, not disk speed (" + size + "; "
                            + evidence + "). For disk speed, evict the dataset from the cache first (see "
                            + "--drop-caches)");
        }
        if (firstReadsCached) {
            return new CacheAssessment(true, false, coldMicrosPerFile, warmMicrosPerFile, ratio,
                    "much of what was read was already in the page cache (" + evidence + "); the numbers are "
                            + "closer to cache speed than disk speed (" + size + ")");
        }
        return new CacheAssessment(false, fits, coldMicrosPerFile, warmMicrosPerFile, ratio, evidence
                + ", so first reads came from the storage, not the page cache"
                + (fits ? "; " + size + ": once read, the files fit in the page cache and later epochs run at "
                + "re-read speed" : "; the dataset is larger than the page cache can hold (" + size + ")"));
    }
}
