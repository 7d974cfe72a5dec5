package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;

/** JsonBytes writes the bytes Jackson's generator writes, and its short decimals are Double.toString's text. */
class JsonBytesTest {

    @Test
    void writesWhatJacksonsGeneratorWrites() throws IOException {
        ByteArrayOutputStream ours = new ByteArrayOutputStream();
        ByteArrayOutputStream jackson = new ByteArrayOutputStream();
        JsonBytes json = new JsonBytes(ours);
        JsonGenerator g = CocoReader.JSON.createGenerator(jackson, JsonEncoding.UTF8);
        String longText = "x\\y".repeat(40_000);   // longer than the buffer, with escapes
        String longPlain = "abc".repeat(50_000);   // longer than the buffer, plain
        String[] strings = {"", "plain", "quote \" and \\ backslash", "tab\tnew\nline\r", "\u0001\u001f",
                "é ü 北京 😀", "a/b", longText, longPlain};
        json.startArray();
        g.writeStartArray();
        for (int i = 0; i < 3000; i++) {
            json.startObject();
            g.writeStartObject();
            json.fieldName("id");
            json.number(i);
            g.writeNumberField("id", i);
            json.fieldName(strings[i % 6]);
            String value = strings[i < 20 ? i % strings.length : (i + 1) % 6];
            json.string(value);
            g.writeStringField(strings[i % 6], value);
            json.fieldName("v");
            json.startArray();
            g.writeArrayFieldStart("v");
            json.number(-i * 1_000_000_007L);
            g.writeNumber(-i * 1_000_000_007L);
            json.numberText("1.5e3");
            g.writeNumber("1.5e3");
            json.bool(i % 2 == 0);
            g.writeBoolean(i % 2 == 0);
            json.startArray();
            g.writeStartArray();
            json.endArray();
            g.writeEndArray();
            json.startObject();
            g.writeStartObject();
            json.endObject();
            g.writeEndObject();
            json.endArray();
            g.writeEndArray();
            json.endObject();
            g.writeEndObject();
        }
        for (long power = 1; power > 0 && power <= Long.MAX_VALUE / 10; power *= 10) {
            for (long v : new long[] {power - 1, power, power + 1, -power, 7 * power}) {
                json.number(v);
                g.writeNumber(v);
            }
        }
        json.number(Long.MIN_VALUE);
        g.writeNumber(Long.MIN_VALUE);
        json.number(Long.MAX_VALUE);
        g.writeNumber(Long.MAX_VALUE);
        json.endArray();
        g.writeEndArray();
        json.close();
        g.close();
        // Compared as bytes (a failure message of two 700 KB strings helps nobody).
        assertEquals(true, java.util.Arrays.equals(jackson.toByteArray(), ours.toByteArray()),
                () -> {
                    int at = java.util.Arrays.mismatch(jackson.toByteArray(), ours.toByteArray());
                    return "first difference at byte " + at + ": jackson "
                            + new String(jackson.toByteArray(), Math.max(0, at - 40), 80, StandardCharsets.UTF_8)
                            + " ours " + new String(ours.toByteArray(), Math.max(0, at - 40), 80, StandardCharsets.UTF_8);
                });
    }

    private static String shortDecimal(double v) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonBytes json = new JsonBytes(out);
        boolean written = json.shortDecimal(v);
        json.close();
        return written ? out.toString(StandardCharsets.US_ASCII) : null;
    }

    @Test
    void shortDecimalsAreDoubleToStringOrNotWritten() throws IOException {
        Random random = new Random(17);
        int written = 0;
        int tried = 0;
        for (int i = 0; i < 600_000; i++) {
            double v = switch (i % 6) {
                // YOLO coordinates (9 decimals) times an image size: what YOLO -> COCO writes.
                case 0 -> Math.round(random.nextDouble() * 1e9) / 1e9 * (1 + random.nextInt(8000));
                case 1 -> Math.round(random.nextDouble() * 1e6) / 100.0;
                case 2 -> random.nextDouble() * Math.pow(10, random.nextInt(12) - 4);
                case 3 -> -Math.round(random.nextDouble() * 1e12) / Math.pow(10, random.nextInt(16));
                case 4 -> Double.longBitsToDouble(random.nextLong());
                default -> Math.nextUp(Math.pow(10, random.nextInt(11) - 3)) * (random.nextBoolean() ? 1 : -1);
            };
            String text = shortDecimal(v);
            if (v == Math.rint(v)) {
                continue;
            }
            tried++;
            if (text != null) {
                written++;
                assertEquals(Double.toString(v), text);
            }
        }
        // Most coordinates take the fast path; the rest are written by the slow one.
        assertEquals(true, written > tried / 3, written + " of " + tried);
    }

    @Test
    void leavesIntegralNonFiniteAndOutOfRangeValuesToTheCaller() throws IOException {
        for (double v : new double[] {0, 1, -5, 1e-4, 1e7, 3e10, Double.NaN, Double.POSITIVE_INFINITY, 0.1 + 0.2}) {
            assertEquals(null, shortDecimal(v), Double.toString(v));
        }
        assertEquals("0.001", shortDecimal(0.001));
        assertEquals("-9999999.5", shortDecimal(-9999999.5));
        assertEquals("0.2501", shortDecimal(0.2501));
        assertEquals(null, shortDecimal(1.0 / 3));   // 16 digits: the slow path's
    }
}
