package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

class AsciiBufferTest {

    private static String text(AsciiBuffer buffer) {
        return new String(buffer.bytes(), 0, buffer.length(), StandardCharsets.US_ASCII);
    }

    @Test
    void decimalsAreByteForByteWhatNumbersAppendWrites() {
        Random random = new Random(5);
        AsciiBuffer buffer = new AsciiBuffer();
        StringBuilder expected = new StringBuilder();
        double[] special = {0, -0.0, 0.5, 1, 12, 0.000001, 0.1234567891, -3.25, 0.9999999999, -0.0000000001,
                Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e300, -1e12, 123456789.123456789,
                Double.MIN_VALUE};
        for (int decimals : new int[] {1, 2, 6, 9, 15}) {
            for (double v : special) {
                buffer.appendDecimal(v, decimals).append(' ');
                Numbers.append(expected, v, decimals).append(' ');
            }
            for (int i = 0; i < 20_000; i++) {
                double v = switch (i % 4) {
                    case 0 -> random.nextDouble();
                    case 1 -> (random.nextDouble() - 0.5) * 4000;
                    case 2 -> Math.round(random.nextDouble() * 1e6) / 1e6;
                    default -> random.nextGaussian() * 1e-7;
                };
                buffer.appendDecimal(v, decimals).append(' ');
                Numbers.append(expected, v, decimals).append(' ');
            }
        }
        assertEquals(expected.toString(), text(buffer));
    }

    @Test
    void integersAndLinesCanBeDroppedAgain() {
        AsciiBuffer buffer = new AsciiBuffer();
        for (long v : new long[] {0, 7, -7, 10, 99, 100, Integer.MAX_VALUE, Long.MAX_VALUE, Long.MIN_VALUE}) {
            buffer.append(v).append(',');
        }
        int mark = buffer.length();
        buffer.append("dropped");
        buffer.setLength(mark);
        assertEquals("0,7,-7,10,99,100,2147483647,9223372036854775807,-9223372036854775808,", text(buffer));
    }
}
