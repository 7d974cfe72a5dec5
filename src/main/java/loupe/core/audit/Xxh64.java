package loupe.core.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * XXH64 (seed 0), the 64-bit xxHash of Yann Collet's specification, over a whole file. Chosen over the JDK's
 * digests because it runs at several GB/s per core in plain Java, so hashing keeps up with the disk; it is not
 * cryptographic, which is fine for finding identical files in one dataset (a chance collision among a
 * million files is about 3e-8). Files are read in large sequential chunks into a direct buffer.
 *
 * <p>Instances hold a read buffer and are not thread-safe: use one per thread.
 */
public final class Xxh64 {

    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long P4 = 0x85EBCA77C2B2AE63L;
    private static final long P5 = 0x27D4EB2F165667C5L;

    /** Read chunk: big enough for sequential throughput, a multiple of the 32-byte stripe. */
    private static final int CHUNK = 1 << 20;

    private final ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);

    /** Hashes the file's bytes. @throws IOException when it cannot be read */
    public long hashFile(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long v1 = P1 + P2, v2 = P2, v3 = 0, v4 = -P1;
            long total = 0;
            boolean striped = false;
            while (true) {
                buffer.clear();
                while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                    // fill the whole chunk, so stripes never straddle two reads
                }
                buffer.flip();
                int n = buffer.limit();
                total += n;
                if (n < CHUNK) {
                    // Last chunk: its whole stripes go through the accumulators, the rest into the tail.
                    int stripes = n & ~31;
                    if (stripes > 0 || striped) {
                        for (int i = 0; i < stripes; i += 32) {
                            v1 = round(v1, buffer.getLong(i));
                            v2 = round(v2, buffer.getLong(i + 8));
                            v3 = round(v3, buffer.getLong(i + 16));
                            v4 = round(v4, buffer.getLong(i + 24));
                        }
                        striped |= stripes > 0;
                    }
                    long h;
                    if (striped) {
                        h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12)
                                + Long.rotateLeft(v4, 18);
                        h = merge(h, v1);
                        h = merge(h, v2);
                        h = merge(h, v3);
                        h = merge(h, v4);
                    } else {
                        h = P5;
                    }
                    h += total;
                    return finish(h, buffer, stripes, n);
                }
                for (int i = 0; i < CHUNK; i += 32) {
                    v1 = round(v1, buffer.getLong(i));
                    v2 = round(v2, buffer.getLong(i + 8));
                    v3 = round(v3, buffer.getLong(i + 16));
                    v4 = round(v4, buffer.getLong(i + 24));
                }
                striped = true;
            }
        }
    }

    /** Hashes a byte array (for tests and small inputs). */
    public static long hash(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int n = bytes.length;
        int stripes = n & ~31;
        long h;
        if (n >= 32) {
            long v1 = P1 + P2, v2 = P2, v3 = 0, v4 = -P1;
            for (int i = 0; i < stripes; i += 32) {
                v1 = round(v1, b.getLong(i));
                v2 = round(v2, b.getLong(i + 8));
                v3 = round(v3, b.getLong(i + 16));
                v4 = round(v4, b.getLong(i + 24));
            }
            h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
            h = merge(h, v1);
            h = merge(h, v2);
            h = merge(h, v3);
            h = merge(h, v4);
        } else {
            h = P5;
        }
        h += n;
        return finish(h, b, stripes, n);
    }

    private static long finish(long h, ByteBuffer b, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            h ^= round(0, b.getLong(i));
            h = Long.rotateLeft(h, 27) * P1 + P4;
        }
        if (i + 4 <= to) {
            h ^= (b.getInt(i) & 0xFFFFFFFFL) * P1;
            h = Long.rotateLeft(h, 23) * P2 + P3;
            i += 4;
        }
        for (; i < to; i++) {
            h ^= (b.get(i) & 0xFFL) * P5;
            h = Long.rotateLeft(h, 11) * P1;
        }
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        h ^= h >>> 32;
        return h;
    }

    private static long round(long acc, long input) {
        acc += input * P2;
        acc = Long.rotateLeft(acc, 31);
        return acc * P1;
    }

    private static long merge(long h, long v) {
        h ^= round(0, v);
        return h * P1 + P4;
    }
}
