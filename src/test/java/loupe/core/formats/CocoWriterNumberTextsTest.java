package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;

class CocoWriterNumberTextsTest {

    @Test
    void cachedNumberTextsAreDoubleToString() {
        CocoWriter.NumberTexts texts = new CocoWriter.NumberTexts();
        Random random = new Random(7);
        double[] values = new double[5000];
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (i % 4) {
                case 0 -> Math.round(random.nextDouble() * 16000) / 100.0;
                case 1 -> random.nextDouble() * 1e6;
                case 2 -> Double.longBitsToDouble(random.nextLong());
                default -> -random.nextGaussian() * 1e-5;
            };
        }
        for (int pass = 0; pass < 3; pass++) {
            for (double v : values) {
                assertEquals(Double.toString(v), texts.text(v));
            }
        }
    }

    @Test
    void textsStayExactWhenSetsOverflowAndValuesAlternate() {
        // 300k distinct values in 256k slots: every set sees hits in either way, swaps and evictions.
        CocoWriter.NumberTexts texts = new CocoWriter.NumberTexts();
        Random random = new Random(11);
        double[] values = new double[300_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextInt(2_000_000) / 100.0 + 0.001;
        }
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < values.length; i++) {
                double v = values[i];
                double w = values[(int) ((i * 7919L) % values.length)];
                assertEquals(Double.toString(v), texts.text(v));
                assertEquals(Double.toString(w), texts.text(w));
                assertEquals(Double.toString(v), texts.text(v));
            }
        }
    }

    @Test
    void shortestIsDoubleToStringForCoordinatesAndOutsideTheirRange() {
        Random random = new Random(3);
        for (int i = 0; i < 300_000; i++) {
            double v = switch (i % 5) {
                case 0 -> Math.round(random.nextDouble() * 1e9) / 1e9 * (1 + random.nextInt(8000));
                case 1 -> random.nextDouble() * Math.pow(10, random.nextInt(14) - 4);
                case 2 -> Double.longBitsToDouble(random.nextLong());
                case 3 -> -random.nextInt(1_000_000) / 100.0;
                default -> random.nextInt(100) / 1000.0 + 0.001;
            };
            assertEquals(Double.toString(v), CocoWriter.shortest(v));
        }
        for (double v : new double[] {0.001, 9_999_999.999999998, 1e7, 1.0E23, 0, -0.0, Double.NaN, 1e-4}) {
            assertEquals(Double.toString(v), CocoWriter.shortest(v));
        }
    }

    @Test
    void textsStayExactWhileRarelyRepeatingValuesBypassTheCacheAndAfter() {
        // Unique values (fractions times a width, as COCO from YOLO has) for longer than a bypass lasts, then
        // values that repeat: the cache is skipped, sampled again and used again, with the same texts throughout.
        CocoWriter.NumberTexts texts = new CocoWriter.NumberTexts();
        Random random = new Random(5);
        for (int i = 0; i < 18 * (1 << 16) + 1000; i++) {
            double v = random.nextInt(1_000_000_000) / 1e9 * 640;
            assertEquals(Double.toString(v), texts.text(v));
        }
        for (int i = 0; i < 3 * (1 << 16); i++) {
            double v = (i % 500) / 7.0;
            assertEquals(Double.toString(v), texts.text(v));
        }
    }
}
