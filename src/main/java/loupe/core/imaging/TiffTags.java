package loupe.core.imaging;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads a few numeric tags of the first image file directory (IFD0) of a classic TIFF structure: a TIFF
 * file, or the EXIF block of a JPEG APP1 segment or PNG eXIf chunk (which is a TIFF structure too). Both
 * byte orders. BigTIFF is not handled (the caller falls back).
 */
final class TiffTags {

    static final int IMAGE_WIDTH = 256;
    static final int IMAGE_LENGTH = 257;
    static final int BITS_PER_SAMPLE = 258;
    static final int ORIENTATION = 274;
    static final int SAMPLES_PER_PIXEL = 277;

    /** Bytes at an offset of the TIFF structure; returns fewer (or none) past its end. */
    @FunctionalInterface
    interface Bytes {
        ByteBuffer read(long offset, int length) throws IOException;
    }

    private TiffTags() {
    }

    /** Over a structure held in memory; offsets are relative to {@code start}. */
    static Bytes of(ByteBuffer buffer, int start, int length) {
        return (offset, n) -> {
            if (offset < 0 || offset >= length) {
                return ByteBuffer.allocate(0);
            }
            int len = (int) Math.min(n, length - offset);
            ByteBuffer slice = ByteBuffer.allocate(len);
            for (int i = 0; i < len; i++) {
                slice.put(i, buffer.get(start + (int) offset + i));
            }
            return slice;
        };
    }

    /**
     * The first value of each requested tag in IFD0, or 0 when absent; null when the bytes are not a
     * classic TIFF structure.
     */
    static int[] ifd0(Bytes bytes, int... tags) throws IOException {
        ByteBuffer head = bytes.read(0, 8);
        if (head.limit() < 8) {
            return null;
        }
        ByteOrder order;
        if (head.get(0) == 'I' && head.get(1) == 'I') {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (head.get(0) == 'M' && head.get(1) == 'M') {
            order = ByteOrder.BIG_ENDIAN;
        } else {
            return null;
        }
        head.order(order);
        if ((head.getShort(2) & 0xffff) != 42) {
            return null;
        }
        long ifd = head.getInt(4) & 0xffffffffL;
        ByteBuffer count = bytes.read(ifd, 2).order(order);
        if (count.limit() < 2) {
            return null;
        }
        int entries = count.getShort(0) & 0xffff;
        ByteBuffer dir = bytes.read(ifd + 2, entries * 12).order(order);
        int[] values = new int[tags.length];
        for (int e = 0; e + 12 <= dir.limit(); e += 12) {
            int tag = dir.getShort(e) & 0xffff;
            for (int t = 0; t < tags.length; t++) {
                if (tags[t] == tag) {
                    values[t] = firstValue(bytes, dir, e, order);
                }
            }
        }
        return values;
    }

    private static int firstValue(Bytes bytes, ByteBuffer dir, int e, ByteOrder order) throws IOException {
        int type = dir.getShort(e + 2) & 0xffff;
        long count = dir.getInt(e + 4) & 0xffffffffL;
        int size = switch (type) {
            case 1, 6, 7 -> 1;   // BYTE, SBYTE, UNDEFINED
            case 3, 8 -> 2;      // SHORT, SSHORT
            case 4, 9 -> 4;      // LONG, SLONG
            default -> 0;
        };
        if (size == 0 || count == 0) {
            return 0;
        }
        ByteBuffer value;
        int at;
        if (size * count <= 4) {
            value = dir;
            at = e + 8;
        } else {
            // Several values (BitsPerSample 8,8,8): the field holds the offset of the array.
            value = bytes.read(dir.getInt(e + 8) & 0xffffffffL, size).order(order);
            at = 0;
            if (value.limit() < size) {
                return 0;
            }
        }
        return switch (size) {
            case 1 -> value.get(at) & 0xff;
            case 2 -> value.getShort(at) & 0xffff;
            default -> value.getInt(at);
        };
    }
}
