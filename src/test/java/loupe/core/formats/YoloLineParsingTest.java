package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The regex-free label line parser and line splitter give what the strict (regular-expression) path gives. */
class YoloLineParsingTest {

    @TempDir
    Path dir;

    private static void assertSameLine(String text, int keypointValues) {
        YoloFormat.Line fast = YoloFormat.parseLine(text, keypointValues);
        YoloFormat.Line strict = YoloFormat.parseLineStrictly(text.strip(), keypointValues);
        assertEquals(strict.error(), fast.error(), text);
        assertEquals(strict.classId(), fast.classId(), text);
        assertEquals(strict.polygon(), fast.polygon(), text);
        if (strict.values() == null) {
            assertNull(fast.values(), text);
        } else {
            // Bit for bit: the fast decimal reading must give Double.parseDouble's double.
            long[] expected = java.util.Arrays.stream(strict.values()).mapToLong(Double::doubleToRawLongBits).toArray();
            long[] actual = java.util.Arrays.stream(fast.values()).mapToLong(Double::doubleToRawLongBits).toArray();
            assertArrayEquals(expected, actual, text);
        }
    }

    @Test
    void plainLinesParseToTheSameValuesAsTheStrictGrammar() {
        Random random = new Random(11);
        for (int n = 0; n < 20_000; n++) {
            int numbers = n % 3 == 0 ? 4 : 6 + 2 * random.nextInt(20);
            StringBuilder line = new StringBuilder().append(random.nextInt(100));
            for (int i = 0; i < numbers; i++) {
                line.append(random.nextInt(4) == 0 ? "\t" : " ");
                double v = random.nextDouble() * (random.nextInt(10) == 0 ? 1000 : 1);
                String text = switch (random.nextInt(5)) {
                    case 0 -> String.format(java.util.Locale.ROOT, "%.9f", v);
                    case 1 -> Double.toString(v);
                    case 2 -> String.format(java.util.Locale.ROOT, "%.6f", v);
                    case 3 -> String.format(java.util.Locale.ROOT, "%.15f", v);
                    default -> Long.toString(Math.round(v * 1e9) / 1000);
                };
                line.append(random.nextInt(20) == 0 ? "-" + text : text);
            }
            assertSameLine(line.toString(), 0);
        }
    }

    @Test
    void unusualFieldsGiveTheStrictResultOrItsMessage() {
        for (String line : List.of("0 0.5 0.5 0.2 0.2", "3.0 0.5 0.5 0.2 0.2", "3. 0.5 0.5 0.2 0.2",
                "03 .5 +.5 1. 0", "-1 0.5 0.5 0.2 0.2", "+1 0.5 0.5 0.2 0.2", "1.5 0.5 0.5 0.2 0.2",
                "x 0.5 0.5 0.2 0.2", "0 0.5 0.5 0.2", "0 0.5 0.5 0.2 0.2 0.3", "0 1e-3 5E2 0.2 0.2",
                "0 NaN 0.5 0.2 0.2", "0 Infinity 0.5 0.2 0.2", "0 1f 0.5 0.2 0.2", "0 . 0.5 0.2 0.2",
                "0 -0 -0.0 0.2 0.2", "0 0.1234567890123456789 0.5 0.2 0.2", "99999999999 0.5 0.5 0.2 0.2",
                "2147483648 0.5 0.5 0.2 0.2", "123456789 0.5 0.5 0.2 0.2", "0 0.5\u000B0.5\f0.2 0.2", "0",
                "", "0 0.5 0.5 0.2 0.2\u2003", "0 0.5 0.5 0.2 0.2 0.1 0.1 0.3 0.3",
                "1 0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9 0.10 0.11 0.12 0.13 0.14 0.15 0.16 0.17 0.18 0.19 0.20"
                        + " 0.21 0.22 0.23 0.24 0.25 0.26 0.27 0.28 0.29 0.30 0.31 0.32 0.33 0.34 0.35 0.36",
                "0 0.5 0.5 0.2 0.2 1 2 3 4 5 6")) {
            assertSameLine(line, 0);
            assertSameLine(line, 6);
        }
    }

    @Test
    void plainDecimalReadsOnlyShortPlainDecimals() {
        assertEquals(0.123456789, YoloFormat.plainDecimal("0.123456789", 0, 11));
        assertEquals(-2.5, YoloFormat.plainDecimal("x-2.5", 1, 5));
        assertEquals(1, YoloFormat.plainDecimal("1.", 0, 2));
        assertEquals(Double.NaN, YoloFormat.plainDecimal("1e5", 0, 3));
        assertEquals(Double.NaN, YoloFormat.plainDecimal("1.2.3", 0, 5));
        assertEquals(Double.NaN, YoloFormat.plainDecimal("0.1234567890123456", 0, 18));
        assertEquals(Double.NaN, YoloFormat.plainDecimal("-", 0, 1));
    }

    @Test
    void readLinesSplitsOnEveryLineEndAndDropsOnlyTheLastEmptyLine() throws IOException {
        Path file = dir.resolve("a.txt");
        String[] texts = {"", "\n", "a", "a\n", "a\n\n", "a\r\nb", "a\rb\r", "a\r\rb", "\uFEFFa\nb\n", "\r\n\r\n",
                "é ü\nx"};
        for (String text : texts) {
            Files.writeString(file, text, StandardCharsets.UTF_8);
            List<String> expected = new java.util.ArrayList<>(List.of(YoloReader.stripBom(text).split("\r?\n|\r", -1)));
            if (expected.get(expected.size() - 1).isEmpty()) {
                expected.remove(expected.size() - 1);
            }
            assertEquals(expected, YoloReader.readLines(file), text);
        }
    }
}
