package loupe.core.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether the probe measured the page cache or the disk, and why it thinks so.
 *
 * @param dominated      true when the read numbers are (mostly) page-cache speed, not disk speed
 * @param fitsInCache    true when the dataset is smaller than the memory available to the page cache
 *                       (false when it is larger or the memory is unknown)
 * @param coldWarmRatio  first reads of files / re-reads of the same files, same thread count: near 1 means
 *                       the first reads were already served from the cache; NaN when not measured
 * @param statement      what to conclude, in words
 */
public record CacheAssessment(boolean dominated, boolean fitsInCache, double coldWarmRatio, String statement) {

    /** First reads at this share of re-read speed or more were served by the cache, not the disk. */
    static final double CACHED_RATIO = 0.7;
    /**
     * A whole small file opened, read and closed by one thread in less than this came from memory: even a fast
     * NVMe disk takes about 80-100 us per random read, page-cache hits take 5-30 us.
     */
    static final double CACHED_MICROS_PER_FILE = 50;

    /**
     * Judges the read numbers.
     *
     * @param datasetBytes  the dataset's size (estimated from a sample), bytes
     * @param memory        the machine's memory
     * @param coldThreads   threads of the run of first reads
     * @param coldPerSecond files/s of the first reads of files in this probe
     * @param warmPerSecond files/s re-reading the same files at the same thread count; NaN when not measured
     * @param droppedCaches true when the caches were dropped before the probe
     */
    public static CacheAssessment assess(long datasetBytes, MemoryInfo memory, int coldThreads, double coldPerSecond,
                                         double warmPerSecond, boolean droppedCaches) {
        long room = memory.availableBytes() > 0 ? memory.availableBytes() : memory.totalBytes();
        boolean fits = room > 0 && datasetBytes <= room;
        double ratio = warmPerSecond > 0 && coldPerSecond >= 0 ? coldPerSecond / warmPerSecond : Double.NaN;
        String size = String.format(Locale.ROOT, "%s of data, %s of memory available to the cache",
                ByteSizes.format(datasetBytes), room > 0 ? ByteSizes.format(room) : "an unknown amount");
        double microsPerFile = coldPerSecond > 0 ? 1e6 * coldThreads / coldPerSecond : Double.NaN;
        List<String> evidence = new ArrayList<>();
        if (!Double.isNaN(ratio)) {
            evidence.add(String.format(Locale.ROOT, "first reads ran at %.0f%% of re-read speed", ratio * 100));
        }
        if (!Double.isNaN(microsPerFile)) {
            evidence.add(String.format(Locale.ROOT, "%.0f us per file and thread", microsPerFile));
        }
        String ratioText = String.join(", ", evidence);
        if (droppedCaches) {
            return new CacheAssessment(false, fits, ratio, "caches were dropped before the probe, so first reads "
                    + "came from the disk" + (ratioText.isEmpty() ? "" : " (" + ratioText + ")")
                    + (fits ? "; " + size + ": once read, the files fit in the page cache and later epochs "
                    + "run at re-read speed" : ""));
        }
        boolean firstReadsCached = (!Double.isNaN(ratio) && ratio >= CACHED_RATIO)
                || microsPerFile < CACHED_MICROS_PER_FILE;
        if (firstReadsCached && fits) {
            return new CacheAssessment(true, true, ratio, "these files fit in the page cache; the numbers are "
                    + "cache speed, not disk speed (" + size + "; " + ratioText + "). For disk speed, run as root "
                    + "with --drop-caches, or probe a dataset larger than the memory");
        }
        if (firstReadsCached) {
            return new CacheAssessment(true, false, ratio, "first reads were as fast as page-cache hits ("
                    + ratioText + "), so much of what was read was already in the page cache; the numbers are "
                    + "closer to cache speed than disk speed (" + size + ")");
        }
        if (Double.isNaN(ratio) || Double.isNaN(microsPerFile)) {
            return new CacheAssessment(fits, fits, ratio, fits
                    ? "these files fit in the page cache (" + size + "); without a re-read to compare, the "
                    + "numbers may be cache speed, not disk speed"
                    : "the dataset is larger than the page cache can hold (" + size + ")");
        }
        return new CacheAssessment(false, fits, ratio, ratioText + ", so first reads came from the disk"
                + (fits ? "; " + size + ": once read, the files fit in the page cache and later epochs run at "
                + "re-read speed" : "; the dataset is larger than the page cache can hold (" + size + ")"));
    }
}
