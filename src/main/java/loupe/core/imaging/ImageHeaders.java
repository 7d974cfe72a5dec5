package loupe.core.imaging;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads image sizes from file headers without decoding. JPEG, PNG, GIF, BMP and WebP headers are parsed
 * here directly (a few hundred bytes, one open); TIFF goes through ImageIO with header-only input.
 * Thread-safe: every call opens the file anew. Files of the default file system only.
 *
 * <p>Channels and bit depth come from the same bytes (JPEG frame header, PNG IHDR, GIF screen descriptor,
 * BMP info header, WebP chunk flags, TIFF tags). The EXIF orientation is read from the JPEG APP1 segment,
 * a PNG eXIf chunk within the first read (8 KB), or the TIFF orientation tag: only IFD0's entries, not the rest.
 *
 * <p>Besides the size, JPEG and PNG get a cheap truncation check: their last bytes must hold the
 * end-of-image marker (JPEG {@code FFD9}) or the {@code IEND} chunk (PNG). A truncated download is the most
 * common corrupt image in real datasets, and this catches it with one more read of 32 bytes, or none when
 * the file is small enough for the first read to hold all of it.
 */
public final class ImageHeaders {

    /**
     * Bytes read first. Larger than any usual header so that a small file (40% of a COCO-like set of 64-640 px
     * JPEGs is under 8 KB) is read whole in one call, and its end-of-image check needs no second read.
     */
    private static final int FIRST_READ = 8192;

    /** Bytes read at the end for the end-of-image check (some writers pad after the marker). */
    private static final int TAIL = 32;

    /**
     * Each thread's buffer for the first read: it never leaves {@link #read} (headers are copied out as numbers),
     * and reusing it spares allocating and zeroing 8 KB per image, 160 MB for 20,000 images.
     */
    private static final ThreadLocal<byte[]> FIRST_BYTES = ThreadLocal.withInitial(() -> new byte[FIRST_READ]);

    private static final byte[] JPEG_END = {(byte) 0xFF, (byte) 0xD9};
    private static final byte[] PNG_END = {'I', 'E', 'N', 'D'};

    private ImageHeaders() {
    }

    /**
     * Reads the header of an image file.
     *
     * @throws CorruptImageException when the file is not a readable image of a known format, or is truncated
     * @throws IOException           when the file cannot be read at all (missing, permission denied)
     */
    public static ImageHeader read(Path file) throws IOException {
        // NOTE: RandomAccessFile, not FileChannel: in a fresh JVM (an index run reads each header once) opening
        // and reading 20,000 small files this way took 230 ms of CPU against 400 ms through FileChannel.open,
        // whose longer Java call chains run interpreted until the JIT catches up.
        RandomAccessFile opened;
        try {
            opened = new RandomAccessFile(file.toFile(), "r");
        } catch (FileNotFoundException e) {
            throw openFailure(file, e);
        }
        try (RandomAccessFile in = opened) {
            long size = in.length();
            ByteBuffer head = readAt(in, 0, FIRST_BYTES.get(), (int) Math.min(FIRST_READ, size));
            if (head.remaining() < 12) {
                throw new CorruptImageException("file too small to be an image (" + size + " bytes)");
            }
            int b0 = head.get(0) & 0xff, b1 = head.get(1) & 0xff;
            if (b0 == 0xFF && b1 == 0xD8) {
                return jpeg(in, size, head);
            }
            if (b0 == 0x89 && b1 == 'P' && head.get(2) == 'N' && head.get(3) == 'G') {
                return png(in, size, head);
            }
            if (b0 == 'G' && b1 == 'I' && head.get(2) == 'F') {
                head.order(ByteOrder.LITTLE_ENDIAN);
                // Palette of RGB entries; the screen descriptor's colour resolution is bits per primary.
                int colourResolution = ((head.get(10) & 0x70) >> 4) + 1;
                return checked(head.getShort(6) & 0xffff, head.getShort(8) & 0xffff, "gif", 3, colourResolution, 0);
            }
            if (b0 == 'B' && b1 == 'M' && head.remaining() >= 26) {
                head.order(ByteOrder.LITTLE_ENDIAN);
                int bitsPerPixel = head.remaining() >= 30 ? head.getShort(28) & 0xffff : 0;
                int channels = bitsPerPixel == 32 ? 4 : bitsPerPixel > 0 ? 3 : 0;
                int depth = bitsPerPixel >= 24 ? 8 : bitsPerPixel == 16 ? 5 : bitsPerPixel;
                return checked(head.getInt(18), Math.abs(head.getInt(22)), "bmp", channels, depth, 0);
            }
            if (b0 == 'R' && b1 == 'I' && head.get(8) == 'W' && head.get(9) == 'E' && head.get(10) == 'B') {
                return webp(head);
            }
            if ((b0 == 'I' && b1 == 'I') || (b0 == 'M' && b1 == 'M')) {
                return tiff(in, size, viaImageIo(file, "tiff"));
            }
            throw new CorruptImageException("not a JPEG, PNG, GIF, BMP, WebP or TIFF file (starts with "
                    + String.format("%02X %02X", b0, b1) + ")");
        }
    }

    private static ImageHeader jpeg(RandomAccessFile in, long size, ByteBuffer head) throws IOException {
        long pos = 2;
        int orientation = 0;
        ByteBuffer buf = head;
        long bufStart = 0;
        while (pos + 4 <= size) {
            if (pos + 10 > bufStart + buf.limit()) {
                bufStart = pos;
                buf = readAt(in, pos, (int) Math.min(FIRST_READ, size - pos));
            }
            int at = (int) (pos - bufStart);
            if (at + 4 > buf.limit()) {     // the file shrank since its size was taken
                throw new CorruptImageException("JPEG is truncated: no frame header in " + size + " bytes");
            }
            if ((buf.get(at) & 0xff) != 0xFF) {
                throw new CorruptImageException("JPEG marker expected at byte " + pos);
            }
            int marker = buf.get(at + 1) & 0xff;
            if (marker == 0xFF) {          // fill byte
                pos++;
                continue;
            }
            if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                pos += 2;
                continue;
            }
            if (marker == 0xD9 || marker == 0xDA) {
                throw new CorruptImageException("JPEG has no frame header before its image data");
            }
            int length = ((buf.get(at + 2) & 0xff) << 8) | (buf.get(at + 3) & 0xff);
            boolean startOfFrame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8
                    && marker != 0xCC;
            if (startOfFrame) {
                if (at + 10 > buf.limit()) {
                    throw new CorruptImageException("JPEG is truncated inside its frame header at byte " + pos);
                }
                int height = ((buf.get(at + 5) & 0xff) << 8) | (buf.get(at + 6) & 0xff);
                int width = ((buf.get(at + 7) & 0xff) << 8) | (buf.get(at + 8) & 0xff);
                int precision = buf.get(at + 4) & 0xff;
                int components = buf.get(at + 9) & 0xff;
                ImageHeader header = checked(width, height, "jpeg", components, precision, orientation);
                if (!endsWith(in, size, head, JPEG_END)) {
                    throw new CorruptImageException("JPEG is truncated: no end-of-image marker in its last bytes",
                            header);
                }
                return header;
            }
            if (length < 2) {
                throw new CorruptImageException("JPEG segment with invalid length " + length + " at byte " + pos);
            }
            if (marker == 0xE1 && orientation == 0 && length >= 16) {
                long body = Math.min(length - 2, size - pos - 4);
                if (at + 4 + 6 + 8 <= buf.limit() && isExif(buf, at + 4)) {
                    // Usually all of IFD0 is in the bytes already read: no more reads unless it points further.
                    orientation = exifOrientation(in, buf, bufStart, pos + 4, body);
                } else {
                    orientation = exifOrientation(in, null, 0, pos + 4, body);
                }
            }
            pos += 2 + length;
        }
        throw new CorruptImageException("JPEG is truncated: no frame header in " + size + " bytes");
    }

    private static ImageHeader png(RandomAccessFile in, long size, ByteBuffer head) throws IOException {
        if (head.remaining() < 24 || head.get(12) != 'I' || head.get(13) != 'H' || head.get(14) != 'D'
                || head.get(15) != 'R') {
            throw new CorruptImageException("PNG without an IHDR chunk");
        }
        int bitDepth = head.get(24) & 0xff;
        int channels = switch (head.get(25)) {
            case 0 -> 1;        // grey
            case 2, 3 -> 3;     // RGB, palette of RGB
            case 4 -> 2;        // grey + alpha
            case 6 -> 4;        // RGBA
            default -> 0;
        };
        ImageHeader header = checked(head.getInt(16), head.getInt(20), "png", channels, bitDepth,
                pngOrientation(head));
        if (!endsWith(in, size, head, PNG_END)) {
            throw new CorruptImageException("PNG is truncated: no IEND chunk at its end", header);
        }
        return header;
    }

    private static ImageHeader webp(ByteBuffer head) throws IOException {
        head.order(ByteOrder.LITTLE_ENDIAN);
        String chunk = new String(new byte[] {head.get(12), head.get(13), head.get(14), head.get(15)},
                java.nio.charset.StandardCharsets.US_ASCII);
        switch (chunk) {
            case "VP8X": {
                boolean alpha = (head.get(20) & 0x10) != 0;
                return checked(1 + u24(head, 24), 1 + u24(head, 27), "webp", alpha ? 4 : 3, 8, 0);
            }
            case "VP8L": {
                int bits = head.getInt(21);
                boolean alpha = ((bits >>> 28) & 1) != 0;
                return checked(1 + (bits & 0x3FFF), 1 + ((bits >>> 14) & 0x3FFF), "webp", alpha ? 4 : 3, 8, 0);
            }
            case "VP8 ":
                return checked(head.getShort(26) & 0x3FFF, head.getShort(28) & 0x3FFF, "webp", 3, 8, 0);
            default:
                throw new CorruptImageException("WebP with unknown chunk '" + chunk + "'");
        }
    }

    private static int u24(ByteBuffer b, int at) {
        return (b.get(at) & 0xff) | ((b.get(at + 1) & 0xff) << 8) | ((b.get(at + 2) & 0xff) << 16);
    }

    private static ImageHeader viaImageIo(Path file, String format) throws IOException {
        // Here, not in a static initialiser: ImageIO's first use scans its plugins (130 ms of CPU), which the
        // formats parsed above never need.
        ImageIO.setUseCache(false);
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new CorruptImageException("no reader for this " + format + " file");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return checked(reader.getWidth(0), reader.getHeight(0), format);
            } catch (RuntimeException e) {
                throw new CorruptImageException("unreadable " + format + " header: " + e.getMessage(), e);
            } finally {
                reader.dispose();
            }
        }
    }

    private static ImageHeader checked(int width, int height, String format) throws CorruptImageException {
        return checked(width, height, format, 0, 0, 0);
    }

    private static ImageHeader checked(int width, int height, String format, int channels, int bitDepth,
                                       int orientation) throws CorruptImageException {
        if (width <= 0 || height <= 0) {
            throw new CorruptImageException(format + " header gives an invalid size " + width + "x" + height);
        }
        return new ImageHeader(width, height, format, channels, bitDepth, orientation);
    }

    /**
     * The orientation tag of a JPEG APP1 segment's body ({@code length} bytes at {@code start}), or 0 when it is
     * not EXIF or has no orientation. Reads IFD0 lazily: usually the first few hundred bytes of the segment.
     */
    private static int exifOrientation(RandomAccessFile in, ByteBuffer buf, long bufStart, long start, long length)
            throws IOException {
        if (buf == null) {
            ByteBuffer id = readAt(in, start, 6);
            if (id.limit() < 6 || !isExif(id, 0)) {
                return 0;
            }
        }
        long tiffStart = start + 6;
        long tiffLength = length - 6;
        int[] tags = TiffTags.ifd0((offset, n) -> {
            if (offset < 0 || offset >= tiffLength) {
                return ByteBuffer.allocate(0);
            }
            int len = (int) Math.min(n, tiffLength - offset);
            long from = tiffStart + offset;
            if (buf != null && from >= bufStart && from + len <= bufStart + buf.limit()) {
                return buf.slice((int) (from - bufStart), len);
            }
            return readAt(in, from, len);
        }, TiffTags.ORIENTATION);
        return tags == null ? 0 : validOrientation(tags[0]);
    }

    private static boolean isExif(ByteBuffer b, int at) {
        return b.get(at) == 'E' && b.get(at + 1) == 'x' && b.get(at + 2) == 'i' && b.get(at + 3) == 'f'
                && b.get(at + 4) == 0 && b.get(at + 5) == 0;
    }

    /** The orientation of a PNG eXIf chunk found before the image data within the first read, else 0. */
    private static int pngOrientation(ByteBuffer head) throws IOException {
        int at = 8;
        while (at + 8 <= head.limit()) {
            int length = head.getInt(at);
            if (length < 0) {
                return 0;
            }
            int type = head.getInt(at + 4);
            if (type == 0x65584966) {  // "eXIf"
                if (at + 8 + length > head.limit()) {
                    return 0;
                }
                int[] tags = TiffTags.ifd0(TiffTags.of(head, at + 8, length), TiffTags.ORIENTATION);
                return tags == null ? 0 : validOrientation(tags[0]);
            }
            if (type == 0x49444154 || type == 0x49454E44) {  // IDAT, IEND: eXIf must come before the data
                return 0;
            }
            at += 12 + length;
        }
        return 0;
    }

    /** Adds the channels, bit depth and orientation of a classic TIFF's IFD0 to the size ImageIO read. */
    private static ImageHeader tiff(RandomAccessFile in, long size, ImageHeader header) throws IOException {
        int[] tags = TiffTags.ifd0((offset, n) -> offset < 0 || offset >= size ? ByteBuffer.allocate(0)
                        : readAt(in, offset, (int) Math.min(n, size - offset)),
                TiffTags.SAMPLES_PER_PIXEL, TiffTags.BITS_PER_SAMPLE, TiffTags.ORIENTATION);
        if (tags == null) {
            return header;
        }
        // TIFF's defaults: one sample per pixel of one bit.
        int channels = tags[0] > 0 ? tags[0] : 1;
        int bits = tags[1] > 0 ? tags[1] : 1;
        return new ImageHeader(header.width(), header.height(), header.format(), channels, bits,
                validOrientation(tags[2]));
    }

    private static int validOrientation(int value) {
        return value >= 1 && value <= 8 ? value : 0;
    }

    /**
     * True when {@code marker} is within the file's last {@link #TAIL} bytes; {@code head} holds the file's first
     * bytes, and spares the read when they reach the end (a file that shrank since {@code size} was taken reads
     * short here, and is then judged by what it holds now).
     */
    private static boolean endsWith(RandomAccessFile in, long size, ByteBuffer head, byte[] marker)
            throws IOException {
        int n = (int) Math.min(TAIL, size);
        ByteBuffer tail = head.limit() >= size ? head.slice((int) (size - n), n) : readAt(in, size - n, n);
        outer:
        for (int i = tail.limit() - marker.length; i >= 0; i--) {
            for (int j = 0; j < marker.length; j++) {
                if (tail.get(i + j) != marker[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Up to {@code length} bytes from {@code position}: fewer at the end of the file. */
    private static ByteBuffer readAt(RandomAccessFile file, long position, int length) throws IOException {
        return readAt(file, position, new byte[length], length);
    }

    /** As {@link #readAt(RandomAccessFile, long, int)}, into {@code bytes}. */
    private static ByteBuffer readAt(RandomAccessFile file, long position, byte[] bytes, int length)
            throws IOException {
        if (file.getFilePointer() != position) {
            file.seek(position);
        }
        int read = 0;
        while (read < length) {
            int n = file.read(bytes, read, length - read);
            if (n < 0) {
                break;
            }
            read += n;
        }
        return ByteBuffer.wrap(bytes, 0, read);
    }

    /**
     * The exception {@link java.nio.file.Files} would throw for a file RandomAccessFile cannot open, whose
     * FileNotFoundException says why only in its message: callers tell a vanished file from an unreadable one.
     */
    private static IOException openFailure(Path file, FileNotFoundException e) {
        if (Files.notExists(file)) {
            return new NoSuchFileException(file.toString());
        }
        if (Files.isRegularFile(file) && !Files.isReadable(file)) {
            return new AccessDeniedException(file.toString());
        }
        FileSystemException failure = new FileSystemException(file.toString(), null, e.getMessage());
        failure.initCause(e);
        return failure;
    }
}
