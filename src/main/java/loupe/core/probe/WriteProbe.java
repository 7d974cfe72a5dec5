package loupe.core.probe;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import loupe.core.task.Progress;

/**
 * Writes one checkpoint-like file into a temporary folder beside the dataset (in its parent folder, on the same
 * volume, never inside the dataset), fsyncs it, and deletes it again, also on failure, cancellation or when the
 * JVM is stopped (a shutdown hook).
 */
final class WriteProbe {

    private static final Logger LOG = LoggerFactory.getLogger(WriteProbe.class);

    /** Shrunk below this (or the size asked, if smaller), the test says too little and is skipped. */
    static final long MIN_BYTES = 64L << 20;
    private static final int BUFFER_BYTES = 8 << 20;

    private WriteProbe() {
    }

    /** Where to write: a folder to create the temporary folder in, or why not. */
    record Placement(Path parent, String skipReason) {
    }

    /** Picks the dataset's parent folder when it is on the same volume and writable. */
    static Placement place(Path root) throws IOException {
        Path parent = root.getParent();
        if (parent == null) {
            return new Placement(null, "write test skipped: " + root + " is the top of the file system, and the "
                    + "probe never writes inside the dataset");
        }
        FileStore rootStore = Files.getFileStore(root);
        FileStore parentStore = Files.getFileStore(parent);
        if (!rootStore.equals(parentStore)) {
            return new Placement(null, "write test skipped: " + root + " is the top of its volume (a mount "
                    + "point), so the only place on that volume is inside the dataset, where the probe never writes");
        }
        if (rootStore.isReadOnly()) {
            return new Placement(null, "write test skipped: the volume holding " + root + " is read-only");
        }
        if (!Files.isWritable(parent)) {
            return new Placement(null, "write test skipped: cannot write beside the dataset, " + parent
                    + " is not writable");
        }
        return new Placement(parent, null);
    }

    /**
     * How much to write given the free space: the size asked when it fits with room to spare (the larger of
     * 256 MB and 5% of the volume stay free), less when only less fits, 0 when not even the smaller of
     * {@link #MIN_BYTES} and the size asked fits.
     */
    static long fit(long requested, long usableBytes, long totalBytes) {
        long reserve = Math.max(256L << 20, totalBytes / 20);
        long room = usableBytes - reserve;
        if (room >= requested) {
            return requested;
        }
        if (room >= Math.min(requested, MIN_BYTES)) {
            return room & ~((1L << 20) - 1);
        }
        return 0;
    }

    static ProbeResult.WriteResult run(Path root, long requestedBytes, Progress progress) throws IOException {
        Placement placement = place(root);
        if (placement.parent() == null) {
            return ProbeResult.WriteResult.skipped(placement.skipReason());
        }
        FileStore store = Files.getFileStore(placement.parent());
        long bytes = fit(requestedBytes, store.getUsableSpace(), store.getTotalSpace());
        if (bytes == 0) {
            return ProbeResult.WriteResult.skipped(String.format(Locale.ROOT,
                    "write test skipped: only %s free on the volume, too little to write %s and leave room",
                    ByteSizes.format(store.getUsableSpace()), ByteSizes.format(requestedBytes)));
        }
        String note = bytes < requestedBytes ? String.format(Locale.ROOT,
                "write test shrunk from %s to %s: only %s free on the volume", ByteSizes.format(requestedBytes),
                ByteSizes.format(bytes), ByteSizes.format(store.getUsableSpace())) : null;
        Path folder = placement.parent().resolve(".loupe-probe-" + UUID.randomUUID());
        try {
            Files.createDirectory(folder);
        } catch (AccessDeniedException e) {
            return ProbeResult.WriteResult.skipped("write test skipped: cannot create a folder in "
                    + placement.parent() + ": permission denied");
        }
        Path file = folder.resolve("checkpoint.bin");
        Thread cleanup = new Thread(() -> deleteQuietly(file, folder), "loupe-probe-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            return write(file, folder, bytes, note, progress);
        } finally {
            deleteQuietly(file, folder);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs anyway, and deleting twice is harmless
            }
        }
    }

    private static ProbeResult.WriteResult write(Path file, Path folder, long bytes, String note, Progress progress)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect((int) Math.min(BUFFER_BYTES, bytes));
        // Random bytes, so that a compressing file system (btrfs, zfs) cannot shrink the write.
        SplittableRandom random = new SplittableRandom(42);
        while (buffer.remaining() >= Long.BYTES) {
            buffer.putLong(random.nextLong());
        }
        String phase = "write " + ByteSizes.format(bytes);
        long start = System.nanoTime();
        long buffered;
        long written = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (written < bytes) {
                progress.checkCancelled();
                buffer.clear();
                buffer.limit((int) Math.min(buffer.capacity(), bytes - written));
                while (buffer.hasRemaining()) {
                    written += channel.write(buffer);
                }
                progress.update(phase, written >> 20, bytes >> 20);
            }
            buffered = System.nanoTime();
            progress.update(phase + ", fsync", written >> 20, bytes >> 20);
            channel.force(true);
        }
        long end = System.nanoTime();
        double secondsBuffered = Math.max(1e-6, (buffered - start) / 1e9);
        double secondsTotal = Math.max(1e-6, (end - start) / 1e9);
        return new ProbeResult.WriteResult(true, folder.toString(), written, secondsBuffered, secondsTotal,
                written / secondsBuffered / (1 << 20), written / secondsTotal / (1 << 20), note);
    }

    private static void deleteQuietly(Path file, Path folder) {
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(folder);
        } catch (IOException e) {
            // The name starts with ".loupe-probe-" so that a person can find and remove it.
            LOG.warn("could not delete the probe's temporary folder {}", folder, e);
        }
    }
}
