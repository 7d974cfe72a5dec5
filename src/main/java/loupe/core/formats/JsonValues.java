package loupe.core.formats;

import java.io.IOException;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Lenient reading of single values from a streaming Jackson parser, and their wording in problems, shared by the
 * JSON formats ({@link CocoReader}, {@link CocoResultsFormat}, {@link CreateMlFormat}, {@link LabelMeJson}).
 * Every method takes the parser positioned on {@code value} (the token just returned by {@code nextToken()}).
 */
final class JsonValues {

    private JsonValues() {
    }

    /** Powers of ten a double holds exactly. */
    private static final double[] EXACT_POWERS_OF_TEN = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

    /**
     * The value of a number token, as {@link JsonParser#getDoubleValue()} gives it, faster for the short decimals
     * of coordinates ({@code 123.45}): when the digits fit 2^53 and the decimal exponent is within 22, the value
     * is the exact mantissa times or divided by an exact power of ten, one correctly rounded operation (Clinger's
     * fast path). Anything else goes to Jackson.
     */
    static double doubleValue(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NUMBER_FLOAT) {
            char[] text = p.getTextCharacters();
            int i = p.getTextOffset(), end = i + p.getTextLength();
            boolean negative = i < end && text[i] == '-';
            if (negative) {
                i++;
            }
            long mantissa = 0;
            int start = i;
            for (; i < end && text[i] >= '0' && text[i] <= '9'; i++) {
                mantissa = mantissa * 10 + (text[i] - '0');
            }
            int digits = i - start, exponent = 0;
            if (i < end && text[i] == '.') {
                int point = ++i;
                for (; i < end && text[i] >= '0' && text[i] <= '9'; i++) {
                    mantissa = mantissa * 10 + (text[i] - '0');
                }
                exponent = point - i;
                digits += i - point;
            }
            if (i < end && (text[i] == 'e' || text[i] == 'E')) {
                int e = 0, sign = 1;
                i++;
                if (i < end && (text[i] == '+' || text[i] == '-')) {
                    sign = text[i++] == '-' ? -1 : 1;
                }
                int first = i;
                for (; i < end && text[i] >= '0' && text[i] <= '9' && e < 1000; i++) {
                    e = e * 10 + (text[i] - '0');
                }
                exponent = i > first ? exponent + sign * e : Integer.MIN_VALUE;
            }
            // At most 18 digits (leading zeros included) cannot overflow the long.
            if (i == end && digits <= 18 && mantissa < (1L << 53) && exponent >= -22 && exponent <= 22) {
                double value = exponent < 0 ? mantissa / EXACT_POWERS_OF_TEN[-exponent]
                        : mantissa * EXACT_POWERS_OF_TEN[exponent];
                return negative ? -value : value;
            }
        }
        return p.getDoubleValue();
    }

    /** A number or numeric string as a long; null for anything else (fractions, big numbers, objects). */
    static Long longValue(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NUMBER_INT) {
            JsonParser.NumberType type = p.getNumberType();
            return type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG ? p.getLongValue() : null;
        }
        if (value == JsonToken.VALUE_NUMBER_FLOAT) {
            double d = p.getDoubleValue();
            return d == Math.rint(d) && Math.abs(d) < 0x1p62 ? (long) d : null;
        }
        if (value == JsonToken.VALUE_STRING) {
            try {
                return Long.parseLong(p.getText().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        p.skipChildren();
        return null;
    }

    /** An image id: a Long for numbers and numeric strings, the String itself for other strings, else null. */
    static Object idValue(JsonParser p, JsonToken value) throws IOException {
        Long number = longValue(p, value);
        if (number != null) {
            return number;
        }
        return value == JsonToken.VALUE_STRING && !p.getText().isEmpty() ? p.getText() : null;
    }

    /** A declared width/height; 0 when absent, negative or not a number. */
    static int sizeValue(JsonParser p, JsonToken value) throws IOException {
        Long v = longValue(p, value);
        return v == null || v < 0 || v > Integer.MAX_VALUE ? 0 : v.intValue();
    }

    /** A short description of a JSON value for messages: {@code "abc"}, {@code 12}, an object, ... */
    static String describe(JsonToken t, JsonParser p) throws IOException {
        if (t == null) {
            return "the end of the file";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "\"" + abbreviate(p.getText()) + "\"";
            case VALUE_NULL -> "null";
            default -> t.isScalarValue() ? abbreviate(p.getText()) : t.toString().toLowerCase(Locale.ROOT);
        };
    }

    /** {@code s} cut to 60 characters, the last three being "..." when it was longer. */
    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /** A problem location for a parser position: "line 3, column 7", or "" when unknown. */
    static String location(JsonLocation location) {
        return location == null || location.getLineNr() < 0 ? ""
                : "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
}
