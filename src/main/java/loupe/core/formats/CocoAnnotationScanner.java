package loupe.core.formats;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;

import com.fasterxml.jackson.core.io.NumberInput;

import loupe.core.model.Polygon;

/**
 * A byte-level reader of the usual shape of one COCO annotation object, the fast path of {@link CocoReader}'s
 * chunked parse: {@code {"id": 102, "image_id": 15, "category_id": 45, "bbox": [7.0, 4.0, 45.0, 30.0],
 * "area": 1350.0, "iscrowd": 0, "segmentation": [[50.23, 19.0, ...]]}}, several times faster than the
 * streaming parser because it looks at each byte once and makes no token objects.
 *
 * <p>It accepts only what it is sure Jackson reads the same way, into the same values: integer ids, a
 * {@code bbox} of four finite numbers, a list of polygons with an even number of coordinates, {@code iscrowd}
 * as a number or boolean, a nested {@code attributes} object of scalars, other fields as scalars (their text
 * as Jackson's {@code getText} gives it: a number's literal, a string's characters). Strings must be
 * printable ASCII without escapes, numbers must follow JSON's grammar strictly. {@link #scan} returns -1 for
 * anything else (an RLE mask, a string id, an escape, non-ASCII text, a nested array, NaN, malformed JSON, a
 * field Jackson's reader treats specially): the caller then reads the record with Jackson, which says what is
 * wrong with it where, so results and problems do not depend on which path read a record.
 *
 * <p>Numbers are converted exactly as {@link JsonValues#doubleValue} converts Jackson's tokens: an integer
 * literal as {@code (double) long} (so {@code -0} is +0.0, as in Jackson), a decimal with at most 18 digits,
 * a mantissa below 2^53 and a decimal exponent within 22 as the mantissa times or divided by an exact power
 * of ten (one correctly rounded operation: Clinger's fast path), anything else with Jackson's own
 * {@link NumberInput#parseDouble(String, boolean)}.
 *
 * <p>Not thread-safe: one per chunk parse. The fields below hold the last scanned record until the next scan.
 */
final class CocoAnnotationScanner {

    private static final double[] EXACT_POWERS_OF_TEN = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
        1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

    /** Longer strings and numbers go to Jackson (which enforces its own length limits). */
    private static final int MAX_TEXT = 4096;
    private static final int MAX_NUMBER = 64;

    private static final byte[] IMAGE_ID = ascii("image_id");
    private static final byte[] CATEGORY_ID = ascii("category_id");
    private static final byte[] BBOX = ascii("bbox");
    private static final byte[] SEGMENTATION = ascii("segmentation");
    private static final byte[] ISCROWD = ascii("iscrowd");
    private static final byte[] ATTRIBUTES = ascii("attributes");
    private static final byte[] CAPTION = ascii("caption");
    private static final byte[] SEGMENTS_INFO = ascii("segments_info");

    // The record last scanned.
    boolean hasImageId;
    long imageId;
    boolean hasCategoryId;
    long categoryId;
    boolean hasBbox;
    final double[] bbox = new double[4];
    /** The polygons; reused, so the caller copies it (as {@code Annotation} does). */
    final List<Polygon> polygons = new ArrayList<>();
    boolean crowd;
    /** The scalar fields other than the ones above, by name; reused. */
    final HashMap<String, String> attributes = new HashMap<>();
    /** The scalars of the nested {@code attributes} object (the last one when several); reused. */
    final HashMap<String, String> nested = new HashMap<>();

    private final DoubleBuffer numbers = new DoubleBuffer();
    /** Exact-length arrays to hand to {@link Polygon}, which copies its argument anyway. */
    private double[][] scratch = new double[64][];

    // The number last read by number().
    private double numberValue;
    private long numberLong;
    private boolean numberIsInteger;
    private int numberStart;

    /** Field names seen so far, so that each attribute name is made into a String once per chunk. */
    private byte[][] keyBytes = new byte[16][];
    private String[] keyStrings = new String[16];
    private int keys;

    /** The end of the bytes being read (the bytes after it are not the chunk's). */
    private int limit;

    /**
     * Reads the object whose '{' is at {@code b[pos]}; returns the index just after its '}', or -1 when the
     * record is not one this reader takes (see the class comment). {@code b[pos, end)} must end with a byte
     * that is not part of a number or white space (a chunk's bytes end with ']'), so no read runs past it.
     */
    int scan(byte[] b, int pos, int end) {
        limit = end;
        hasImageId = false;
        hasCategoryId = false;
        hasBbox = false;
        crowd = false;
        polygons.clear();
        attributes.clear();
        nested.clear();
        if (b[pos] != '{') {
            return -1;
        }
        int i = skipSpace(b, pos + 1);
        if (b[i] != '"') {
            return -1; // "{}" and anything malformed
        }
        while (true) {
            int keyStart = i + 1;
            int keyEnd = stringEnd(b, keyStart);
            if (keyEnd < 0) {
                return -1;
            }
            i = skipSpace(b, keyEnd + 1);
            if (b[i] != ':') {
                return -1;
            }
            i = skipSpace(b, i + 1);
            i = value(b, keyStart, keyEnd - keyStart, i);
            if (i < 0) {
                return -1;
            }
            i = skipSpace(b, i);
            if (b[i] == '}') {
                return i + 1;
            }
            if (b[i] != ',') {
                return -1;
            }
            i = skipSpace(b, i + 1);
            if (b[i] != '"') {
                return -1;
            }
        }
    }

    /** An integer literal at {@code i} (left in {@link #numberLong}): its end, or -1 for anything else. */
    private int integer(byte[] b, int i) {
        byte c = b[i];
        int end = c == '-' || (c >= '0' && c <= '9') ? number(b, i) : -1;
        return end >= 0 && numberIsInteger ? end : -1;
    }

    /** Reads the value of field {@code b[keyStart, keyStart + keyLength)} at {@code i}; its end, or -1. */
    private int value(byte[] b, int keyStart, int keyLength, int i) {
        switch (keyLength) {
            case 4 -> {
                if (is(b, keyStart, keyLength, BBOX)) {
                    return bbox(b, i);
                }
            }
            case 7 -> {
                if (is(b, keyStart, keyLength, ISCROWD)) {
                    return iscrowd(b, i);
                }
                if (is(b, keyStart, keyLength, CAPTION)) {
                    return -1;
                }
            }
            case 8 -> {
                if (is(b, keyStart, keyLength, IMAGE_ID)) {
                    int end = integer(b, i);
                    hasImageId = end >= 0;
                    imageId = numberLong;
                    return end;
                }
            }
            case 10 -> {
                if (is(b, keyStart, keyLength, ATTRIBUTES)) {
                    return nestedAttributes(b, i);
                }
            }
            case 11 -> {
                if (is(b, keyStart, keyLength, CATEGORY_ID)) {
                    int end = integer(b, i);
                    hasCategoryId = end >= 0;
                    categoryId = numberLong;
                    return end;
                }
            }
            case 12 -> {
                if (is(b, keyStart, keyLength, SEGMENTATION)) {
                    return segmentation(b, i);
                }
            }
            case 13 -> {
                if (is(b, keyStart, keyLength, SEGMENTS_INFO)) {
                    return -1;
                }
            }
            default -> {
            }
        }
        return scalar(b, keyStart, keyLength, i, attributes);
    }

    /** A scalar field into {@code into} (null is skipped, as Jackson's reader does); its end, or -1. */
    private int scalar(byte[] b, int keyStart, int keyLength, int i, HashMap<String, String> into) {
        byte c = b[i];
        String text;
        int end;
        if (c == '"') {
            end = stringEnd(b, i + 1);
            if (end < 0) {
                return -1;
            }
            text = new String(b, i + 1, end - i - 1, StandardCharsets.ISO_8859_1);
            end++;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            end = number(b, i);
            if (end < 0) {
                return -1;
            }
            text = new String(b, i, end - i, StandardCharsets.ISO_8859_1);
        } else if (c == 't' && literal(b, i, "true")) {
            text = "true";
            end = i + 4;
        } else if (c == 'f' && literal(b, i, "false")) {
            text = "false";
            end = i + 5;
        } else if (c == 'n' && literal(b, i, "null")) {
            return i + 4;
        } else {
            return -1; // arrays, objects, NaN, malformed
        }
        into.put(key(b, keyStart, keyLength), text);
        return end;
    }

    private int iscrowd(byte[] b, int i) {
        byte c = b[i];
        if (c == '-' || (c >= '0' && c <= '9')) {
            int end = number(b, i);
            if (end >= 0) {
                crowd = numberValue != 0;
            }
            return end;
        } else if (c == 't' && literal(b, i, "true")) {
            crowd = true;
            return i + 4;
        } else if (c == 'f' && literal(b, i, "false")) {
            crowd = false;
            return i + 5;
        } else if (c == 'n' && literal(b, i, "null")) {
            crowd = false;
            return i + 4;
        }
        return -1;
    }

    /** The nested attributes object: scalars only. A scalar in its place is skipped, as Jackson's reader does. */
    private int nestedAttributes(byte[] b, int i) {
        if (b[i] != '{') {
            return b[i] == '[' ? -1 : skipScalar(b, i);
        }
        nested.clear();
        i = skipSpace(b, i + 1);
        if (b[i] == '}') {
            return i + 1;
        }
        while (true) {
            if (b[i] != '"') {
                return -1;
            }
            int keyStart = i + 1;
            int keyEnd = stringEnd(b, keyStart);
            if (keyEnd < 0) {
                return -1;
            }
            i = skipSpace(b, keyEnd + 1);
            if (b[i] != ':') {
                return -1;
            }
            i = scalar(b, keyStart, keyEnd - keyStart, skipSpace(b, i + 1), nested);
            if (i < 0) {
                return -1;
            }
            i = skipSpace(b, i);
            if (b[i] == '}') {
                return i + 1;
            }
            if (b[i] != ',') {
                return -1;
            }
            i = skipSpace(b, i + 1);
        }
    }

    /** Skips a scalar value; its end, or -1. */
    private int skipScalar(byte[] b, int i) {
        byte c = b[i];
        if (c == '"') {
            int end = stringEnd(b, i + 1);
            return end < 0 ? -1 : end + 1;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            return number(b, i);
        } else if (c == 't' && literal(b, i, "true")) {
            return i + 4;
        } else if (c == 'f' && literal(b, i, "false")) {
            return i + 5;
        } else if (c == 'n' && literal(b, i, "null")) {
            return i + 4;
        }
        return -1;
    }

    /** Exactly four finite numbers; anything else is left to Jackson's reader (which says what is wrong). */
    private int bbox(byte[] b, int i) {
        if (b[i] != '[') {
            return -1;
        }
        i = skipSpace(b, i + 1);
        for (int k = 0; k < 4; k++) {
            if (k > 0) {
                if (b[i] != ',') {
                    return -1;
                }
                i = skipSpace(b, i + 1);
            }
            i = number(b, i);
            if (i < 0 || !Double.isFinite(numberValue)) {
                return -1;
            }
            bbox[k] = numberValue;
            i = skipSpace(b, i);
        }
        if (b[i] != ']') {
            return -1;
        }
        hasBbox = true;
        return i + 1;
    }

    /** A list of polygons, each with an even number of coordinates, or null. */
    private int segmentation(byte[] b, int i) {
        if (b[i] == 'n' && literal(b, i, "null")) {
            // NOTE: Jackson's reader keeps the polygons of an earlier segmentation field then; so does this.
            return i + 4;
        }
        if (b[i] != '[') {
            return -1;
        }
        polygons.clear();
        i = skipSpace(b, i + 1);
        if (b[i] == ']') {
            return i + 1;
        }
        while (true) {
            if (b[i] != '[') {
                return -1; // a flat polygon, an RLE object, ...
            }
            numbers.clear();
            i = skipSpace(b, i + 1);
            if (b[i] != ']') {
                while (true) {
                    i = number(b, i);
                    if (i < 0) {
                        return -1;
                    }
                    numbers.add(numberValue);
                    i = skipSpace(b, i);
                    if (b[i] == ']') {
                        break;
                    }
                    if (b[i] != ',') {
                        return -1;
                    }
                    i = skipSpace(b, i + 1);
                }
            }
            if ((numbers.size & 1) != 0) {
                return -1;
            }
            if (numbers.size > 0) {
                polygons.add(new Polygon(exact(numbers)));
            }
            i = skipSpace(b, i + 1);
            if (b[i] == ']') {
                return i + 1;
            }
            if (b[i] != ',') {
                return -1;
            }
            i = skipSpace(b, i + 1);
        }
    }

    /** The values as an array of exactly their length, reused (the polygon copies it). */
    private double[] exact(DoubleBuffer values) {
        int n = values.size;
        if (n >= scratch.length) {
            return Arrays.copyOf(values.values, n);
        }
        double[] a = scratch[n];
        if (a == null) {
            a = scratch[n] = new double[n];
        }
        System.arraycopy(values.values, 0, a, 0, n);
        return a;
    }

    /**
     * Reads a JSON number at {@code i} into {@link #numberValue} (and {@link #numberLong} for an integer
     * literal of at most 18 digits, {@link #numberIsInteger}); returns its end, or -1 when it is not a number
     * by JSON's grammar, is longer than Jackson would take without a second look, or is an integer too long
     * for a long, or is not followed by a delimiter.
     */
    private int number(byte[] b, int i) {
        numberStart = i;
        boolean negative = b[i] == '-';
        if (negative) {
            i++;
        }
        int intStart = i;
        long mantissa = 0;
        byte c = b[i];
        if (c == '0') {
            i++;
            c = b[i];
            if (c >= '0' && c <= '9') {
                return -1; // leading zero: Jackson rejects it
            }
        } else if (c >= '1' && c <= '9') {
            do {
                mantissa = mantissa * 10 + (c - '0');
                c = b[++i];
            } while (c >= '0' && c <= '9' && i - intStart < 19);
            if (c >= '0' && c <= '9') {
                return -1; // 19 digits or more
            }
        } else {
            return -1;
        }
        int digits = i - intStart;
        int exponent = 0;
        boolean integer = true;
        if (c == '.') {
            integer = false;
            int point = ++i;
            c = b[i];
            while (c >= '0' && c <= '9' && digits < 19) {
                mantissa = mantissa * 10 + (c - '0');
                digits++;
                c = b[++i];
            }
            if (i == point) {
                return -1; // "1." is not JSON
            }
            exponent = point - i;
            while (c >= '0' && c <= '9') {
                digits++; // more than 18 digits: not the fast path, counted for the check below
                c = b[++i];
            }
        }
        if (c == 'e' || c == 'E') {
            integer = false;
            c = b[++i];
            int sign = 1;
            if (c == '+' || c == '-') {
                sign = c == '-' ? -1 : 1;
                c = b[++i];
            }
            int first = i;
            int e = 0;
            while (c >= '0' && c <= '9') {
                if (e < 10_000) {
                    e = e * 10 + (c - '0');
                }
                c = b[++i];
            }
            if (i == first) {
                return -1;
            }
            exponent += sign * e;
        }
        if (!delimiter(c) || i - numberStart > MAX_NUMBER || (integer && digits > 18)) {
            return -1; // a 19-digit integer may not fit a long: Jackson reads it as a BigInteger
        }
        numberIsInteger = integer;
        if (integer) {
            // Jackson's getDoubleValue of an int token is (double) of its int or long: "-0" is +0.0.
            numberLong = negative ? -mantissa : mantissa;
            numberValue = (double) numberLong;
        } else if (digits <= 18 && mantissa < (1L << 53) && exponent >= -22 && exponent <= 22) {
            double value = exponent < 0 ? mantissa / EXACT_POWERS_OF_TEN[-exponent]
                    : mantissa * EXACT_POWERS_OF_TEN[exponent];
            numberValue = negative ? -value : value;
        } else {
            numberValue = NumberInput.parseDouble(new String(b, numberStart, i - numberStart,
                    StandardCharsets.ISO_8859_1), true);
        }
        return i;
    }

    /** What may follow a number in an array or object (anything else is for Jackson to judge). */
    private static boolean delimiter(byte c) {
        return c == ',' || c == ']' || c == '}' || c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }

    /** A literal ({@code true}, ...) at {@code i}, followed by a delimiter. */
    private boolean literal(byte[] b, int i, String word) {
        int n = word.length();
        if (i + n >= limit) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            if (b[i + k] != word.charAt(k)) {
                return false;
            }
        }
        return delimiter(b[i + n]);
    }

    /**
     * The index of the closing quote of a string whose first character is at {@code i}; -1 when the string
     * has an escape, a byte outside printable ASCII, or is too long.
     */
    private int stringEnd(byte[] b, int i) {
        int stop = Math.min(limit, i + MAX_TEXT);
        for (; i < stop; i++) {
            byte c = b[i];
            if (c == '"') {
                return i;
            }
            if (c < 0x20 || c == '\\' || c == 0x7F) { // bytes >= 0x80 are negative
                return -1;
            }
        }
        return -1;
    }

    /** Skips JSON white space (the four characters Jackson takes). */
    private static int skipSpace(byte[] b, int i) {
        byte c = b[i];
        while (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            c = b[++i];
        }
        return i;
    }

    private static boolean is(byte[] b, int start, int length, byte[] name) {
        return length == name.length && Arrays.equals(b, start, start + length, name, 0, length);
    }

    /** The field name as a String, made once per distinct name. */
    private String key(byte[] b, int start, int length) {
        for (int k = 0; k < keys; k++) {
            byte[] known = keyBytes[k];
            if (known.length == length && Arrays.equals(b, start, start + length, known, 0, length)) {
                return keyStrings[k];
            }
        }
        String name = new String(b, start, length, StandardCharsets.ISO_8859_1);
        if (keys < keyBytes.length) {
            keyBytes[keys] = Arrays.copyOfRange(b, start, start + length);
            keyStrings[keys++] = name;
        }
        return name;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
