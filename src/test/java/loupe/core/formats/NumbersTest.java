package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NumbersTest {

    private static String format(double v, int decimals) {
        return Numbers.append(new StringBuilder(), v, decimals).toString();
    }

    @Test
    void writesShortestFixedPointWithoutTrailingZeros() {
        assertEquals("0.5", format(0.5, 9));
        assertEquals("12", format(12.0, 9));
        assertEquals("0.000001", format(0.000001, 9));
        assertEquals("0.123456789", format(0.1234567891, 9));
        assertEquals("-3.25", format(-3.25, 9));
        assertEquals("0.01", format(0.0100000001, 6));
        assertEquals("1", format(0.9999999999, 9));
        assertEquals("0", format(-0.0000000001, 9));
    }
}
