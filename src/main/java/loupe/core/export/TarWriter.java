package loupe.core.export;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * Writes a POSIX tar archive (ustar headers, 512-byte blocks, ended by two zero blocks and padded to a
 * 10,240-byte record as POSIX asks). Names that are longer than 100 bytes or not ASCII, and sizes of 8 GiB or
 * more, get a PAX extended header ({@code path}, {@code size}), which GNU tar, bsdtar and Python's
 * {@code tarfile} all read. Entries are regular files, mode 0644, owner 0:0, so the output depends only on the
 * names, contents and mtimes given. Not thread-safe.
 */
public final class TarWriter implements Closeable {

    static final int BLOCK = 512;
    /** POSIX's default record: 20 blocks. */
    static final int RECORD = 20 * BLOCK;
    /** Largest size the 11 octal digits of a ustar header hold. */
    private static final long MAX_USTAR_SIZE = 077777777777L;
    private static final String PAX_NAME = "././@PaxHeader";

    private final WritableByteChannel out;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
    private long position;
    private boolean finished;

    /** Writes to {@code out}, which the caller closes after {@link #finish}. */
    public TarWriter(WritableByteChannel out) {
        this.out = out;
    }

    /** Bytes written so far (buffered included). */
    public long position() {
        return position;
    }

    /** Bytes an entry of this name and size takes: its header(s) and its data padded to whole blocks. */
    public static long entryBytes(String name, long size) {
        byte[] pax = paxRecords(name, size);
        return (pax == null ? 0 : BLOCK + padded(pax.length)) + BLOCK + padded(size);
    }

    /** Size of a finished archive whose entries take {@code entryBytes}: end blocks plus record padding. */
    public static long archiveBytes(long entryBytes) {
        long total = entryBytes + 2L * BLOCK;
        return (total + RECORD - 1) / RECORD * RECORD;
    }

    /** Adds a file whose content is {@code data}. */
    public void add(String name, byte[] data, long mtimeSeconds) throws IOException {
        header(name, data.length, mtimeSeconds);
        put(ByteBuffer.wrap(data));
        pad(data.length);
    }

    /**
     * Adds {@code size} bytes read from {@code source}'s current position.
     *
     * @throws IOException when the source ends before {@code size} bytes (the file shrank while being read)
     */
    public void add(String name, FileChannel source, long size, long mtimeSeconds) throws IOException {
        header(name, size, mtimeSeconds);
        long copied = 0;
        if (size <= buffer.capacity()) {
            if (buffer.remaining() < size) {
                flush();
            }
            int limit = buffer.limit();
            buffer.limit(buffer.position() + (int) size);
            try {
                while (buffer.hasRemaining()) {
                    int n = source.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    copied += n;
                }
            } finally {
                buffer.limit(limit);
            }
        } else {
            // Large files skip the buffer: the kernel copies them (copy_file_range / sendfile where available).
            flush();
            long start = source.position();
            while (copied < size) {
                long n = source.transferTo(start + copied, size - copied, out);
                if (n <= 0) {
                    break;
                }
                copied += n;
            }
        }
        position += copied;
        if (copied != size) {
            throw new IOException(name + ": expected " + size + " bytes but the file ended after " + copied
                    + "; it changed while being written");
        }
        pad(size);
    }

    /** Writes the end-of-archive blocks and the record padding, and flushes. Nothing may be added after. */
    public void finish() throws IOException {
        if (finished) {
            return;
        }
        long end = archiveBytes(position);
        zeros(end - position);
        flush();
        finished = true;
    }

    @Override
    public void close() throws IOException {
        flush();
    }

    private void header(String name, long size, long mtimeSeconds) throws IOException {
        if (finished) {
            throw new IllegalStateException("the archive is finished");
        }
        byte[] pax = paxRecords(name, size);
        if (pax != null) {
            writeHeader(PAX_NAME, pax.length, mtimeSeconds, (byte) 'x');
            put(ByteBuffer.wrap(pax));
            pad(pax.length);
        }
        writeHeader(name, size > MAX_USTAR_SIZE ? 0 : size, mtimeSeconds, (byte) '0');
    }

    private void writeHeader(String name, long size, long mtimeSeconds, byte type) throws IOException {
        byte[] h = new byte[BLOCK];
        byte[] nameBytes = ustarName(name);
        System.arraycopy(nameBytes, 0, h, 0, nameBytes.length);
        octal(h, 100, 8, 0644);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, Math.max(0, Math.min(mtimeSeconds, MAX_USTAR_SIZE)));
        h[156] = type;
        System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
        h[263] = '0';
        h[264] = '0';
        // The checksum is computed with its own field as spaces, then stored as 6 octal digits, NUL, space.
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xFF;
        }
        String digits = String.format("%06o", sum);
        System.arraycopy(digits.getBytes(StandardCharsets.US_ASCII), 0, h, 148, 6);
        h[154] = 0;
        h[155] = ' ';
        put(ByteBuffer.wrap(h));
    }

    /** The name field: the name itself when it fits as ASCII, else a truncated stand-in (the PAX path rules). */
    private static byte[] ustarName(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= 100 && isAscii(name)) {
            return bytes;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < name.length() && sb.length() < 100; i++) {
            char c = name.charAt(i);
            sb.append(c < 128 ? c : '_');
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The PAX records an entry needs, or null when a plain ustar header holds it. */
    static byte[] paxRecords(String name, long size) {
        StringBuilder records = new StringBuilder();
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length > 100 || !isAscii(name)) {
            records.append(record("path", name));
        }
        if (size > MAX_USTAR_SIZE) {
            records.append(record("size", Long.toString(size)));
        }
        return records.length() == 0 ? null : records.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code "<length> key=value\n"} where length counts the whole record, its own digits included. */
    private static String record(String key, String value) {
        int body = 3 + key.getBytes(StandardCharsets.UTF_8).length + value.getBytes(StandardCharsets.UTF_8).length;
        int length = body + Integer.toString(body).length();
        if (Integer.toString(length).length() != Integer.toString(body).length()) {
            length++;   // adding the digits carried into one more digit
        }
        return length + " " + key + "=" + value + "\n";
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 128 || c == 0) {
                return false;
            }
        }
        return true;
    }

    private static void octal(byte[] h, int offset, int length, long value) {
        String digits = Long.toOctalString(value);
        int width = length - 1;
        if (digits.length() > width) {
            throw new IllegalArgumentException("value " + value + " does not fit a " + length + "-byte tar field");
        }
        for (int i = 0; i < width - digits.length(); i++) {
            h[offset + i] = '0';
        }
        System.arraycopy(digits.getBytes(StandardCharsets.US_ASCII), 0, h, offset + width - digits.length(),
                digits.length());
        h[offset + width] = 0;
    }

    private static long padded(long size) {
        return (size + BLOCK - 1) / BLOCK * BLOCK;
    }

    private void pad(long size) throws IOException {
        zeros(padded(size) - size);
    }

    private void zeros(long n) throws IOException {
        while (n > 0) {
            if (!buffer.hasRemaining()) {
                flush();
            }
            int chunk = (int) Math.min(n, buffer.remaining());
            for (int i = 0; i < chunk; i++) {
                buffer.put((byte) 0);
            }
            n -= chunk;
            position += chunk;
        }
    }

    private void put(ByteBuffer data) throws IOException {
        position += data.remaining();
        while (data.hasRemaining()) {
            if (!buffer.hasRemaining()) {
                flush();
            }
            int chunk = Math.min(data.remaining(), buffer.remaining());
            ByteBuffer slice = data.slice();
            slice.limit(chunk);
            buffer.put(slice);
            data.position(data.position() + chunk);
        }
    }

    private void flush() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
        buffer.clear();
    }
}
