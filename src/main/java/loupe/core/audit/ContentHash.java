package loupe.core.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

import com.sun.nio.file.ExtendedOpenOption;

/**
 * A 64-bit content hash of a file for finding identical files: CRC-32 (IEEE) in the high half and CRC-32C
 * (Castagnoli) in the low half. Two CRCs with different polynomials act as one 64-bit CRC, so two different
 * files of one size collide by chance with odds of about 2^-64 (among a million files, about 3e-8 that any
 * pair does). It is not cryptographic: it finds accidental copies, not a crafted collision.
 *
 * <p>Why not XXH64 or SHA-256: both JDK CRCs are HotSpot intrinsics (carry-less multiply), fast from the
 * first call, so a one-pass hash of a dataset keeps up with the disk. An XXH64 in plain Java was faster once
 * compiled, but a single pass over 750 MB ran at 180-400 MB/s on a loaded 2-core machine while the JIT
 * warmed up; the CRC pair ran at 1.5 GB/s from the start (see docs/PERFORMANCE.md). SHA-256 is slower still.
 *
 * <p>Files are read from start to end in chunks into a direct buffer; each CRC runs over a 64 KB slice while
 * it is in the CPU cache. How the bytes are read ({@link Reads}) never changes the value: a file's hash
 * depends only on the bytes it holds when read. Instances hold their buffer and are not thread-safe: use one
 * per thread.
 */
public final class ContentHash {

    /** How a file's bytes are read. */
    public enum Reads {
        /** Normal reads through the page cache (the bytes stay cached for whoever reads them next). */
        BUFFERED,
        /**
         * O_DIRECT reads (Linux): the disk writes straight into this hasher's buffer, bypassing the page cache,
         * so a whole image is one request and no page is allocated, copied or evicted for it. Files on a file
         * system that refuses O_DIRECT (tmpfs, some network file systems) are read as with {@link #BUFFERED}.
         */
        DIRECT,
        /**
         * {@link #DIRECT} for a file that is not wholly in the page cache, {@link #BUFFERED} for one that is
         * (asked with mincore(2) on a mapping of the file, which reads nothing): cold files go straight from the
         * disk, warm ones are not read from the disk again.
         */
        AUTO
    }

    private static final int CHUNK = 1 << 20;
    private static final int SLICE = 64 << 10;
    /** O_DIRECT wants the buffer's address aligned; 64 KB covers every block size file systems use. */
    private static final int ALIGN = 64 << 10;

    private final Reads reads;
    private final ByteBuffer buffer;
    private final CRC32 crc32 = new CRC32();
    private final CRC32C crc32c = new CRC32C();
    private int directRefused;
    private int directReads;

    /** A hasher with buffered reads. */
    public ContentHash() {
        this(Reads.BUFFERED);
    }

    /** A hasher that reads files as {@code reads} says. */
    public ContentHash(Reads reads) {
        this.reads = Objects.requireNonNull(reads);
        this.buffer = reads != Reads.BUFFERED
                ? ByteBuffer.allocateDirect(CHUNK + ALIGN).alignedSlice(ALIGN).limit(CHUNK).slice()
                : ByteBuffer.allocateDirect(CHUNK);
    }

    /**
     * How to read files for a pass over {@code bytes} bytes that another pass reads again right after (the dHash
     * pass decodes the same images): {@link Reads#BUFFERED} when they fit in half of this machine's memory, so
     * the second pass finds them in the page cache (decoding cold files measured 5-9 % slower); {@link Reads#AUTO}
     * when they do not, since the cache could not keep them for the second pass anyway and O_DIRECT then saves
     * half of the hash pass's CPU time and leaves other programs' cached files alone.
     *
     * @param physicalMemory the machine's memory in bytes (0 when unknown: then buffered)
     */
    public static Reads readsFor(long bytes, long physicalMemory) {
        return physicalMemory > 0 && bytes > physicalMemory / 2 ? Reads.AUTO : Reads.BUFFERED;
    }

    /** Hashes the file's bytes. @throws IOException when it cannot be read */
    public long hashFile(Path file) throws IOException {
        crc32.reset();
        crc32c.reset();
        if (reads != Reads.DIRECT) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                if (reads == Reads.BUFFERED || cached(channel)) {
                    readBuffered(channel);
                    return value();
                }
            }
        }
        long at = readDirect(file);
        if (at >= 0) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                channel.position(at);
                readBuffered(channel);
            }
        }
        return value();
    }

    /** Files read with O_DIRECT since this hasher was made (those it went on reading buffered included). */
    public int directReads() {
        return directReads;
    }

    /** Files this hasher read with buffered reads because O_DIRECT was refused for them. */
    public int directRefused() {
        return directRefused;
    }

    /**
     * Reads the file with O_DIRECT, whole chunks at chunk-aligned positions (the only reads O_DIRECT allows).
     * The kernel returns a short count for the last, partial block; after it the file is at its end unless it
     * grew meanwhile.
     *
     * @return -1 when the whole file was read; otherwise the position from which to go on with buffered reads
     *         (0 when O_DIRECT was refused)
     */
    private long readDirect(Path file) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ, ExtendedOpenOption.DIRECT);
        } catch (UnsupportedOperationException e) {
            directRefused++;
            return 0;
        } catch (IOException e) {
            if (!Files.isRegularFile(file) || e instanceof java.nio.file.NoSuchFileException
                    || e instanceof java.nio.file.AccessDeniedException) {
                throw e;
            }
            // EINVAL from open(2): the file system does not do O_DIRECT.
            directRefused++;
            return 0;
        }
        directReads++;
        long at = 0;
        try (channel) {
            while (true) {
                buffer.clear();
                int n;
                try {
                    n = channel.read(buffer);
                } catch (IOException e) {
                    // NOTE: alignment the JDK or the kernel rejects (a block size above ALIGN) shows up only here;
                    // the buffered reads go on from the same place, and a real read error repeats there.
                    directRefused++;
                    return at;
                }
                if (n < 0) {
                    return -1;
                }
                buffer.flip();
                update(buffer);
                at += n;
                if (n < CHUNK) {
                    // A short count is the end of the file, unless it grew since: then read the rest buffered
                    // (O_DIRECT cannot read from an unaligned position).
                    return channel.size() > at ? at : -1;
                }
            }
        }
    }

    /**
     * Whether every page of the file is in the page cache (true for an empty file). The mapping is only asked
     * (mincore), never touched, so a file that shrinks meanwhile does no harm; it is unmapped at once.
     */
    static boolean cached(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size == 0) {
            return true;
        }
        if (size > Integer.MAX_VALUE) {
            return false;
        }
        MappedByteBuffer map;
        try {
            map = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        } catch (IOException | UnsupportedOperationException e) {
            return false; // a file system without mmap: taken as not cached, and read directly if it can be
        }
        try {
            return map.isLoaded();
        } finally {
            Unmapper.unmap(map);
        }
    }

    /** Reads from the channel's position to its end. */
    private void readBuffered(FileChannel channel) throws IOException {
        while (true) {
            buffer.clear();
            if (channel.read(buffer) < 0) {
                break;
            }
            buffer.flip();
            update(buffer);
        }
    }

    /** Hashes bytes in memory (the same value a file with these bytes gets). */
    public static long hash(byte[] bytes) {
        ContentHash h = new ContentHash();
        h.update(ByteBuffer.wrap(bytes));
        return h.value();
    }

    private void update(ByteBuffer data) {
        int n = data.limit();
        for (int at = data.position(); at < n; at += SLICE) {
            int end = Math.min(n, at + SLICE);
            data.limit(end).position(at);
            crc32.update(data);
            data.position(at);
            crc32c.update(data);
            data.limit(n);
        }
    }

    private long value() {
        return (crc32.getValue() << 32) | crc32c.getValue();
    }

    /**
     * Unmaps a mapping now rather than when the garbage collector gets to it (thousands of files are mapped per
     * second; each mapping left waiting holds address space and counts against vm.max_map_count).
     */
    private static final class Unmapper {
        private static final sun.misc.Unsafe UNSAFE = find();

        private static sun.misc.Unsafe find() {
            try {
                java.lang.reflect.Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
                f.setAccessible(true);
                return (sun.misc.Unsafe) f.get(null);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null; // NOTE: then mappings go when collected, as for any MappedByteBuffer
            }
        }

        static void unmap(MappedByteBuffer map) {
            if (UNSAFE != null) {
                UNSAFE.invokeCleaner(map);
            }
        }
    }
}
