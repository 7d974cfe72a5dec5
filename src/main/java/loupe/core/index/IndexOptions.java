package loupe.core.index;

/**
 * How to index.
 *
 * @param threads  worker threads for listing, stats, headers and parsing; more than the cores helps on
 *                 network storage, where listing waits on latency
 * @param formatId a format id to use instead of auto-detection, or null to detect
 */
public record IndexOptions(int threads, String formatId) {

    public IndexOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
    }

    /** Detects the format and uses twice the cores (listing and header reads wait on I/O as much as CPU). */
    public static IndexOptions defaults() {
        return new IndexOptions(defaultThreads(), null);
    }

    public static int defaultThreads() {
        return Math.max(2, 2 * Runtime.getRuntime().availableProcessors());
    }

    public IndexOptions withThreads(int n) {
        return new IndexOptions(n, formatId);
    }

    public IndexOptions withFormat(String id) {
        return new IndexOptions(threads, id);
    }
}
