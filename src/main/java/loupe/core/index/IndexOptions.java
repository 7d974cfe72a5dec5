package loupe.core.index;

/**
 * How to index.
 *
 * @param threads      worker threads for listing, stats, headers and parsing; more than the cores helps on
 *                     network storage, where listing waits on latency
 * @param formatId     a format id to use instead of auto-detection, or null to detect
 * @param maxPixels    images with more pixels (width * height) than this are reported as IMAGE_TOO_LARGE; 0 keeps
 *                     the value the catalog was last indexed with ({@link #DEFAULT_MAX_PIXELS} for a new one)
 * @param hashes       also run the content checks: exact and near duplicates and split leakage (reads every
 *                     image file once; cached, so a re-run reads only changed files). Once a catalog has been
 *                     indexed with hashes, later runs keep them up to date even when this is false.
 * @param deep         also decode every image fully to find damage the header check misses (cached likewise)
 * @param nearDistance two images whose 64-bit dHashes differ in at most this many bits are near duplicates
 *                     (0..16); -1 keeps the catalog's last value ({@link #DEFAULT_NEAR_DISTANCE} for a new one)
 */
public record IndexOptions(int threads, String formatId, long maxPixels, boolean hashes, boolean deep,
                           int nearDistance) {

    /** PIL's decompression-bomb threshold ({@code Image.MAX_IMAGE_PIXELS}): 0x4000 * 0x4000 * 4 / 3 / 2. */
    public static final long DEFAULT_MAX_PIXELS = 178_956_970L;

    /** Near duplicates: at most 4 of 64 dHash bits differ (re-encoded or slightly resized copies). */
    public static final int DEFAULT_NEAR_DISTANCE = 4;

    public IndexOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (maxPixels < 0) {
            throw new IllegalArgumentException("maxPixels must be positive (or 0: the catalog's), got " + maxPixels);
        }
        if (nearDistance < -1 || nearDistance > 16) {
            throw new IllegalArgumentException("nearDistance must be 0..16 (or -1: the catalog's), got " + nearDistance);
        }
    }

    /** The header checks only (and the content checks a catalog already has), with the catalog's settings. */
    public IndexOptions(int threads, String formatId) {
        this(threads, formatId, 0, false, false, -1);
    }

    /** Detects the format and uses twice the cores (listing and header reads wait on I/O as much as CPU). */
    public static IndexOptions defaults() {
        return new IndexOptions(defaultThreads(), null);
    }

    public static int defaultThreads() {
        return Math.max(2, 2 * Runtime.getRuntime().availableProcessors());
    }

    public IndexOptions withThreads(int n) {
        return new IndexOptions(n, formatId, maxPixels, hashes, deep, nearDistance);
    }

    public IndexOptions withFormat(String id) {
        return new IndexOptions(threads, id, maxPixels, hashes, deep, nearDistance);
    }

    public IndexOptions withMaxPixels(long value) {
        return new IndexOptions(threads, formatId, value, hashes, deep, nearDistance);
    }

    public IndexOptions withHashes(boolean value) {
        return new IndexOptions(threads, formatId, maxPixels, value, deep, nearDistance);
    }

    public IndexOptions withDeep(boolean value) {
        return new IndexOptions(threads, formatId, maxPixels, hashes, value, nearDistance);
    }

    public IndexOptions withNearDistance(int value) {
        return new IndexOptions(threads, formatId, maxPixels, hashes, deep, value);
    }
}
