package loupe.core.imaging.region;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Reads the compression tag (259) of a TIFF's first IFD, classic or BigTIFF, to choose a reader for the file. */
final class TiffHeader {

    static final int COMPRESSION_OLD_JPEG = 6;
    static final int COMPRESSION_JPEG = 7;

    private TiffHeader() {
    }

    /** The compression of the first image, 1 (none) when the tag is absent, or -1 when the header is unreadable. */
    static int compression(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer head = read(channel, 0, 16);
            if (head.remaining() < 8) {
                return -1;
            }
            byte b0 = head.get(0);
            if (b0 != head.get(1) || (b0 != 'I' && b0 != 'M')) {
                return -1;
            }
            ByteOrder order = b0 == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            head.order(order);
            int magic = head.getShort(2) & 0xffff;
            boolean big = magic == 43;
            if (!big && magic != 42) {
                return -1;
            }
            long ifd = big ? head.getLong(8) : head.getInt(4) & 0xffffffffL;
            if (ifd <= 0 || ifd >= channel.size()) {
                return -1;
            }
            ByteBuffer count = read(channel, ifd, big ? 8 : 2).order(order);
            long entries = big ? count.getLong(0) : count.getShort(0) & 0xffff;
            int entrySize = big ? 20 : 12;
            // The tags are sorted; 259 comes within the first few entries, so a small read suffices.
            int n = (int) Math.min(entries, 64);
            ByteBuffer table = read(channel, ifd + (big ? 8 : 2), n * entrySize).order(order);
            for (int i = 0; i < n && (i + 1) * entrySize <= table.limit(); i++) {
                int at = i * entrySize;
                int tag = table.getShort(at) & 0xffff;
                if (tag == 259) {
                    return table.getShort(at + (big ? 12 : 8)) & 0xffff;
                }
                if (tag > 259) {
                    break;
                }
            }
            return 1;
        }
    }

    private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
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
