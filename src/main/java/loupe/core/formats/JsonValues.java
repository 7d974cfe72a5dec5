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
