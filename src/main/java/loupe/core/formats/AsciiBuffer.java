package loupe.core.formats;

import java.util.Arrays;

/**
 * A growable byte buffer for the text of a small output file made of ASCII numbers (a YOLO label file): the
 * file's bytes are built here and written with one call, without a character encoder or a String per number.
 * {@link #appendDecimal} writes exactly what {@link Numbers#append} writes. Not thread-safe; reused per file.
 */
final class AsciiBuffer {

    private static final long[] POWERS = new long[19];
    private static final byte[] TENS = new byte[100];
    private static final byte[] ONES = new byte[100];

    static {
        POWERS[0] = 1;
        for (int i = 1; i < POWERS.length; i++) {
            POWERS[i] = POWERS[i - 1] * 10;
        }
        for (int i = 0; i < 100; i++) {
            TENS[i] = (byte) ('0' + i / 10);
            ONES[i] = (byte) ('0' + i % 10);
        }
    }

    /** Number of decimal digits of a value >= 0. */
    static int digitCount(long value) {
        if (value < 10_000) {
            return value < 10 ? 1 : value < 100 ? 2 : value < 1000 ? 3 : 4;
        }
        int count = 5;
        while (count < 19 && value >= POWERS[count]) {
            count++;
        }
        return count;
    }

    /**
     * Writes the last {@code count} digits of {@code value} (>= 0), leading zeros included, into
     * {@code bytes} ending at index {@code last}; two digits per division, as {@code Long.toString} does.
     */
    static void writeDigits(byte[] bytes, long value, int last, int count) {
        int at = last;
        int left = count;
        while (left >= 2) {
            long quotient = value / 100;
            int pair = (int) (value - quotient * 100);
            bytes[at--] = ONES[pair];
            bytes[at--] = TENS[pair];
            value = quotient;
            left -= 2;
        }
        if (left == 1) {
            bytes[at] = (byte) ('0' + value % 10);
        }
    }

    private byte[] bytes = new byte[1024];
    private int length;

    int length() {
        return length;
    }

    /** Drops everything after {@code length} (a line that turned out not to be written). */
    void setLength(int length) {
        this.length = length;
    }

    byte[] bytes() {
        return bytes;
    }

    AsciiBuffer append(char c) {
        ensure(1);
        bytes[length++] = (byte) c;
        return this;
    }

    /** Appends the text of a value that is ASCII (numbers, {@code NaN}, {@code Infinity}). */
    AsciiBuffer append(String ascii) {
        ensure(ascii.length());
        for (int i = 0; i < ascii.length(); i++) {
            bytes[length++] = (byte) ascii.charAt(i);
        }
        return this;
    }

    AsciiBuffer append(long value) {
        if (value < 0) {
            if (value == Long.MIN_VALUE) {
                return append(Long.toString(value));
            }
            append('-');
            value = -value;
        }
        int digits = digitCount(value);
        ensure(digits);
        writeDigits(bytes, value, length + digits - 1, digits);
        length += digits;
        return this;
    }

    /**
     * Appends {@code value} with at most {@code decimals} decimals (1..15), trailing zeros removed, no exponent;
     * byte for byte what {@link Numbers#append(StringBuilder, double, int)} appends.
     */
    AsciiBuffer appendDecimal(double value, int decimals) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return append(Double.toString(value));
        }
        long scale = POWERS[decimals];
        if (Math.abs(value) * scale >= Long.MAX_VALUE / 10.0) {
            return append(Double.toString(value));
        }
        long scaled = Math.round(value * scale);
        if (scaled < 0) {
            append('-');
            scaled = -scaled;
        }
        append(scaled / scale);
        long fraction = scaled % scale;
        if (fraction != 0) {
            int digits = decimals;
            while (fraction % 10 == 0) {
                fraction /= 10;
                digits--;
            }
            ensure(digits + 1);
            bytes[length++] = '.';
            writeDigits(bytes, fraction, length + digits - 1, digits);
            length += digits;
        }
        return this;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
