package loupe.core.probe;

import java.util.ArrayList;
import java.util.List;

/**
 * How to probe.
 *
 * @param secondsPerRun         time bound of each measured run (one phase at one thread count), seconds, more than 0
 * @param threadCounts          the thread counts to measure each read phase at, each at least 1, in order
 * @param maxFilesPerRun        file-count bound of each run, at least 1
 * @param writeBytes            size of the checkpoint-like file written beside the dataset; 0 skips the write test
 * @param targetImagesPerSecond the rate the storage should feed, or 0 for no verdict
 * @param dropCaches            drop the page cache (and dentries and inodes) once before the first listing, so that
 *                              first reads come from the disk; needs root and slows every process on the machine
 */
public record ProbeOptions(double secondsPerRun, List<Integer> threadCounts, int maxFilesPerRun, long writeBytes,
                           double targetImagesPerSecond, boolean dropCaches) {

    public static final double DEFAULT_SECONDS = 3.0;
    public static final int DEFAULT_MAX_FILES = 50_000;
    public static final long DEFAULT_WRITE_BYTES = 1L << 30;

    public ProbeOptions {
        if (!(secondsPerRun > 0)) {
            throw new IllegalArgumentException("seconds per run must be more than 0, got " + secondsPerRun);
        }
        threadCounts = List.copyOf(threadCounts);
        if (threadCounts.isEmpty() || threadCounts.stream().anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException("thread counts must be at least 1, got " + threadCounts);
        }
        if (maxFilesPerRun < 1) {
            throw new IllegalArgumentException("max files per run must be at least 1, got " + maxFilesPerRun);
        }
        if (writeBytes < 0) {
            throw new IllegalArgumentException("write size must not be negative, got " + writeBytes);
        }
        if (targetImagesPerSecond < 0 || Double.isNaN(targetImagesPerSecond)) {
            throw new IllegalArgumentException("target images/s must be 0 (none) or more, got "
                    + targetImagesPerSecond);
        }
    }

    /** 3 s per run, the default thread counts, 50,000 files per run, a 1 GB write, no target, caches kept. */
    public static ProbeOptions defaults() {
        return new ProbeOptions(DEFAULT_SECONDS, defaultThreadCounts(), DEFAULT_MAX_FILES, DEFAULT_WRITE_BYTES, 0,
                false);
    }

    /**
     * 1, 2, 4, 8 and on up in powers of two to twice the cores: reads wait on the storage more than on the CPU,
     * so more threads than cores can still help (network storage above all).
     */
    public static List<Integer> defaultThreadCounts() {
        int max = Math.max(8, 2 * Runtime.getRuntime().availableProcessors());
        List<Integer> counts = new ArrayList<>();
        for (int n = 1; n <= max; n *= 2) {
            counts.add(n);
        }
        return counts;
    }

    public int maxThreads() {
        return threadCounts.stream().mapToInt(Integer::intValue).max().orElse(1);
    }

    public ProbeOptions withSeconds(double seconds) {
        return new ProbeOptions(seconds, threadCounts, maxFilesPerRun, writeBytes, targetImagesPerSecond, dropCaches);
    }

    public ProbeOptions withThreadCounts(List<Integer> counts) {
        return new ProbeOptions(secondsPerRun, counts, maxFilesPerRun, writeBytes, targetImagesPerSecond, dropCaches);
    }

    public ProbeOptions withMaxFilesPerRun(int max) {
        return new ProbeOptions(secondsPerRun, threadCounts, max, writeBytes, targetImagesPerSecond, dropCaches);
    }

    public ProbeOptions withWriteBytes(long bytes) {
        return new ProbeOptions(secondsPerRun, threadCounts, maxFilesPerRun, bytes, targetImagesPerSecond, dropCaches);
    }

    public ProbeOptions withTarget(double imagesPerSecond) {
        return new ProbeOptions(secondsPerRun, threadCounts, maxFilesPerRun, writeBytes, imagesPerSecond, dropCaches);
    }

    public ProbeOptions withDropCaches(boolean drop) {
        return new ProbeOptions(secondsPerRun, threadCounts, maxFilesPerRun, writeBytes, targetImagesPerSecond, drop);
    }
}
