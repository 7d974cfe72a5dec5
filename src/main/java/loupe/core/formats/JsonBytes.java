package loupe.core.formats;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * A compact JSON writer for the bulk of a COCO file (its annotations), writing the bytes Jackson's
 * {@code UTF8JsonGenerator} writes without a pretty printer (same separators; strings needing escapes are
 * written by the generator itself), but straight into one byte buffer: no String per number, no generator state checks. Writing 48 million
 * polygon coordinates through the generator cost as much as finding their digits. Structure is not
 * validated: the caller writes well-formed JSON. Not thread-safe.
 */
final class JsonBytes implements Closeable {

    /** Exact powers of ten: 10^0 .. 10^22 are exact doubles. */
    private static final double[] POWERS = new double[23];
    private static final long[] LONG_POWERS = new long[19];
    /** Limits for the number of integer digits k of a magnitude in [10^-3, 10^7): m < LIMITS[k + 2]. */
    private static final double[] LIMITS = {1e-2, 1e-1, 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7};

    static {
        POWERS[0] = 1;
        for (int i = 1; i < POWERS.length; i++) {
            POWERS[i] = POWERS[i - 1] * 10;
        }
        LONG_POWERS[0] = 1;
        for (int i = 1; i < LONG_POWERS.length; i++) {
            LONG_POWERS[i] = LONG_POWERS[i - 1] * 10;
        }
    }

    private final OutputStream out;
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    /** Per open object or array: whether a value (or field) was written in it already. */
    private boolean[] started = new boolean[16];
    private int depth;
    /** A field name was just written: its value takes no comma. */
    private boolean afterName;

    JsonBytes(OutputStream out) {
        this.out = out;
    }

    /**
     * A writer for elements of an array written elsewhere: every value written at the top level is preceded
     * by a comma, so that {@link #elements(byte[])} of another writer can append the bytes after values it
     * wrote itself.
     */
    static JsonBytes elements(OutputStream out) {
        JsonBytes json = new JsonBytes(out);
        json.push();
        json.started[json.depth] = true;
        return json;
    }

    /**
     * Appends array elements written by an {@link #elements(OutputStream)} writer into the array open here:
     * with the leading comma when a value precedes them in it, without otherwise.
     */
    void elements(byte[] fragment) throws IOException {
        if (fragment.length == 0) {
            return;
        }
        if (fragment[0] != ',') {
            throw new IllegalArgumentException("not the output of an elements writer");
        }
        if (started[depth]) {
            raw(fragment, 0, fragment.length);
        } else {
            started[depth] = true;
            raw(fragment, 1, fragment.length - 1);
        }
    }

    void startObject() throws IOException {
        beforeValue();
        put((byte) '{');
        push();
    }

    void endObject() throws IOException {
        put((byte) '}');
        depth--;
    }

    void startArray() throws IOException {
        beforeValue();
        put((byte) '[');
        push();
    }

    void endArray() throws IOException {
        put((byte) ']');
        depth--;
    }

    void fieldName(String name) throws IOException {
        if (started[depth]) {
            put((byte) ',');
        }
        started[depth] = true;
        quoted(name);
        put((byte) ':');
        afterName = true;
    }

    void number(long value) throws IOException {
        beforeValue();
        digits(value);
    }

    /** A number's text as {@code Double.toString} gives it (ASCII), written as is. */
    void doubleText(String text) throws IOException {
        beforeValue();
        ascii(text);
    }

    /** A number given as its JSON text, written as is (Jackson's {@code writeNumber(String)}). */
    void numberText(String text) throws IOException {
        beforeValue();
        if (isAscii(text)) {
            ascii(text);
        } else {
            // Never for a number; kept correct for any text all the same.
            raw(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    void string(String text) throws IOException {
        beforeValue();
        quoted(text);
    }

    void bool(boolean value) throws IOException {
        beforeValue();
        raw(value ? TRUE : FALSE);
    }

    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};

    /**
     * Writes a non-integral {@code value} as {@code Double.toString} would when it is a decimal of at most
     * 15 significant digits in [10^-3, 10^7) (most coordinates); false, writing nothing, otherwise.
     *
     * <p>Why the text is the same: with 15 significant digits the spacing of decimals (10^(k-15) for k
     * integer digits) is wider than the interval of reals that read back as {@code value} (under one ulp,
     * at most 2^-52 of it), so at most one such decimal reads back as {@code value}. When the nearest one
     * does (checked exactly: the quotient of two exact doubles is correctly rounded, as parsing is), every
     * shorter decimal that reads back is that same decimal without its trailing zeros, so it is the
     * shortest text, which is what Schubfach and, in this range, Java 17's {@code Double.toString} write.
     * A rounding slip in the multiplication only sends a value to the slow path.
     */
    boolean shortDecimal(double value) throws IOException {
        double magnitude = Math.abs(value);
        if (!(magnitude >= 1e-3 && magnitude < 1e7)) {
            return false;
        }
        int k = -2;
        while (magnitude >= LIMITS[k + 2]) {
            k++;
        }
        int decimals = 15 - k;
        // Not Math.round: a slip of one in a rare half-way case is caught by the exact check below.
        long scaled = (long) (magnitude * POWERS[decimals] + 0.5);
        if (scaled / POWERS[decimals] != magnitude) {
            return false;
        }
        while (decimals >= 4 && scaled % 10_000 == 0) {
            scaled /= 10_000;
            decimals -= 4;
        }
        while (decimals > 0 && scaled % 10 == 0) {
            scaled /= 10;
            decimals--;
        }
        if (decimals == 0) {
            return false;   // integral: the caller writes those as integers
        }
        beforeValue();
        if (value < 0) {
            put((byte) '-');
        }
        long whole = scaled / LONG_POWERS[decimals];
        long fraction = scaled % LONG_POWERS[decimals];
        digits(whole);
        ensure(decimals + 1);
        buffer[position++] = '.';
        AsciiBuffer.writeDigits(buffer, fraction, position + decimals - 1, decimals);
        position += decimals;
        return true;
    }

    /** Flushes the buffer into the stream (which stays open). */
    void flush() throws IOException {
        flushBuffer();
        out.flush();
    }

    /** Flushes and closes the stream. */
    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            out.close();
        }
    }

    private void beforeValue() throws IOException {
        if (afterName) {
            afterName = false;
            return;
        }
        if (depth > 0) {
            if (started[depth]) {
                put((byte) ',');
            }
            started[depth] = true;
        }
    }

    private void push() {
        depth++;
        if (depth == started.length) {
            started = Arrays.copyOf(started, depth * 2);
        }
        started[depth] = false;
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Copies ASCII text, in pieces when it is longer than the buffer (an RLE mask's counts can be). */
    private void ascii(String text) throws IOException {
        int at = 0;
        while (at < text.length()) {
            if (position == buffer.length) {
                flushBuffer();
            }
            int end = Math.min(text.length(), at + buffer.length - position);
            // The deprecated byte copy is exact for ASCII and a bulk copy for Java's compact strings.
            text.getBytes(at, end, buffer, position);
            position += end - at;
            at = end;
        }
    }

    private void quoted(String text) throws IOException {
        boolean plain = true;
        for (int i = 0; i < text.length() && plain; i++) {
            char c = text.charAt(i);
            plain = c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
        }
        if (plain) {
            put((byte) '"');
            ascii(text);
            put((byte) '"');
        } else {
            // Rare (escapes, non-ASCII): the generator's own bytes, whatever its escaping rules (Jackson 2.23
            // writes a character outside the BMP as a \\u surrogate pair, say).
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(text.length() + 16);
            try (JsonGenerator g = CocoReader.JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
                g.writeString(text);
            }
            raw(bytes.toByteArray());
        }
    }

    private void digits(long value) throws IOException {
        if (value < 0) {
            if (value == Long.MIN_VALUE) {
                ascii(Long.toString(value));
                return;
            }
            put((byte) '-');
            value = -value;
        }
        int count = AsciiBuffer.digitCount(value);
        ensure(count);
        AsciiBuffer.writeDigits(buffer, value, position + count - 1, count);
        position += count;
    }

    private void raw(byte[] bytes) throws IOException {
        raw(bytes, 0, bytes.length);
    }

    private void raw(byte[] bytes, int offset, int length) throws IOException {
        if (length > buffer.length) {
            flushBuffer();
            out.write(bytes, offset, length);
            return;
        }
        ensure(length);
        System.arraycopy(bytes, offset, buffer, position, length);
        position += length;
    }

    private void put(byte b) throws IOException {
        ensure(1);
        buffer[position++] = b;
    }

    /** Makes room for {@code more} bytes (at most the buffer's size) by writing the buffer out. */
    private void ensure(int more) throws IOException {
        if (position + more > buffer.length) {
            flushBuffer();
        }
    }

    private void flushBuffer() throws IOException {
        out.write(buffer, 0, position);
        position = 0;
    }
}
