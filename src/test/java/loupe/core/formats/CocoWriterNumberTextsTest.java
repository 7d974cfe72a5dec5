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
}
