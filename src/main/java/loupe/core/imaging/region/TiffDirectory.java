package loupe.core.imaging.region;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One TIFF image file directory (IFD), classic or BigTIFF, with the tags {@link JpegTiffSource} needs. Parses the
 * main IFD chain and the SubIFDs (tag 330) of each, where OME-TIFF and {@code vips --subifd} keep pyramid levels.
 */
final class TiffDirectory {

    static final int IMAGE_WIDTH = 256, IMAGE_LENGTH = 257, COMPRESSION = 259, PHOTOMETRIC = 262,
            SAMPLES_PER_PIXEL = 277, PLANAR_CONFIGURATION = 284, TILE_WIDTH = 322, TILE_LENGTH = 323,
            TILE_OFFSETS = 324, TILE_BYTE_COUNTS = 325, SUB_IFDS = 330, JPEG_TABLES = 347;

    /** Directories beyond this are ignored (a loop or a damaged chain). */
    private static final int MAX_DIRECTORIES = 1000;
    /** Arrays beyond this many entries are not read (a damaged count); 64 M tiles is far past any real file. */
    private static final long MAX_VALUES = 64L << 20;

    private final Map<Integer, long[]> numbers = new HashMap<>();
    private final Map<Integer, byte[]> bytes = new HashMap<>();

    long number(int tag, long missing) {
        long[] v = numbers.get(tag);
        return v == null || v.length == 0 ? missing : v[0];
    }

    long[] numbers(int tag) {
        return numbers.get(tag);
    }

    byte[] bytes(int tag) {
        return bytes.get(tag);
    }

    int width() {
        return (int) number(IMAGE_WIDTH, 0);
    }

    int height() {
        return (int) number(IMAGE_LENGTH, 0);
    }

    /** The main chain's directories in order, each followed by its SubIFDs. */
    static List<TiffDirectory> readAll(FileChannel channel) throws IOException {
        ByteBuffer head = read(channel, 0, 16);
        if (head.remaining() < 8 || head.get(0) != head.get(1) || (head.get(0) != 'I' && head.get(0) != 'M')) {
            throw new IOException("not a TIFF file");
        }
        ByteOrder order = head.get(0) == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        head.order(order);
        int magic = head.getShort(2) & 0xffff;
        boolean big = magic == 43;
        if (!big && magic != 42) {
            throw new IOException("not a TIFF file (magic " + magic + ")");
        }
        long next = big ? head.getLong(8) : head.getInt(4) & 0xffffffffL;
        List<TiffDirectory> all = new ArrayList<>();
        java.util.Set<Long> visited = new java.util.HashSet<>();
        while (next > 0 && next < channel.size() && visited.add(next) && all.size() < MAX_DIRECTORIES) {
            long[] nextOut = {0};
            TiffDirectory dir = read(channel, next, order, big, nextOut);
            all.add(dir);
            long[] subs = dir.numbers(SUB_IFDS);
            if (subs != null) {
                for (long sub : subs) {
                    if (sub > 0 && sub < channel.size() && visited.add(sub) && all.size() < MAX_DIRECTORIES) {
                        all.add(read(channel, sub, order, big, new long[1]));
                    }
                }
            }
            next = nextOut[0];
        }
        return all;
    }

    private static TiffDirectory read(FileChannel channel, long at, ByteOrder order, boolean big, long[] next)
            throws IOException {
        ByteBuffer countBuf = read(channel, at, big ? 8 : 2).order(order);
        long count = big ? countBuf.getLong(0) : countBuf.getShort(0) & 0xffff;
        if (count <= 0 || count > 4096) {
            throw new IOException("TIFF directory at " + at + " claims " + count + " entries");
        }
        int entrySize = big ? 20 : 12;
        long tableStart = at + (big ? 8 : 2);
        ByteBuffer table = read(channel, tableStart, (int) count * entrySize + (big ? 8 : 4)).order(order);
        TiffDirectory dir = new TiffDirectory();
        for (int i = 0; i < count; i++) {
            int e = i * entrySize;
            int tag = table.getShort(e) & 0xffff;
            int type = table.getShort(e + 2) & 0xffff;
            long n = big ? table.getLong(e + 4) : table.getInt(e + 4) & 0xffffffffL;
            int size = typeSize(type);
            if (size == 0 || n < 0 || n > MAX_VALUES || !wanted(tag)) {
                continue;
            }
            long length = n * size;
            int inline = big ? 8 : 4;
            ByteBuffer values;
            if (length <= inline) {
                values = table.duplicate().order(order);
                values.position(e + (big ? 12 : 8));
                values = values.slice().order(order);
            } else {
                long offset = big ? table.getLong(e + 12) : table.getInt(e + 8) & 0xffffffffL;
                if (length > Integer.MAX_VALUE || offset + length > channel.size()) {
                    continue;
                }
                values = read(channel, offset, (int) length).order(order);
            }
            if (type == 7 || type == 1 || type == 2) {
                byte[] b = new byte[(int) n];
                values.get(0, b);
                dir.bytes.put(tag, b);
            } else {
                long[] v = new long[(int) n];
                for (int k = 0; k < n; k++) {
                    v[k] = switch (type) {
                        case 3, 8 -> values.getShort(k * 2) & 0xffffL;
                        case 4, 9, 13 -> values.getInt(k * 4) & 0xffffffffL;
                        case 16, 17, 18 -> values.getLong(k * 8);
                        default -> 0;
                    };
                }
                dir.numbers.put(tag, v);
            }
        }
        int tail = (int) count * entrySize;
        next[0] = big ? table.getLong(tail) : table.getInt(tail) & 0xffffffffL;
        return dir;
    }

    private static boolean wanted(int tag) {
        return tag == IMAGE_WIDTH || tag == IMAGE_LENGTH || tag == COMPRESSION || tag == PHOTOMETRIC
                || tag == SAMPLES_PER_PIXEL || tag == PLANAR_CONFIGURATION || tag == TILE_WIDTH || tag == TILE_LENGTH
                || tag == TILE_OFFSETS || tag == TILE_BYTE_COUNTS || tag == SUB_IFDS || tag == JPEG_TABLES;
    }

    private static int typeSize(int type) {
        return switch (type) {
            case 1, 2, 6, 7 -> 1;
            case 3, 8 -> 2;
            case 4, 9, 11, 13 -> 4;
            case 5, 10, 12, 16, 17, 18 -> 8;
            default -> 0;
        };
    }

    static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (channel.read(buf, position + buf.position()) < 0) {
                break;
            }
        }
        buf.flip();
        return buf;
    }
}
