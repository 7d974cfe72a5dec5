package loupe.core.formats;

/** Fast number formatting for writers (String.format is too slow for millions of values). */
final class Numbers {

    private Numbers() {
    }

    /**
     * Appends {@code value} with at most {@code decimals} decimals (1..15), trailing zeros removed, no exponent:
     * {@code 0.5}, {@code 12}, {@code 0.123456789}.
     */
    static StringBuilder append(StringBuilder sb, double value, int decimals) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return sb.append(value);
        }
        long scale = 1;
        for (int i = 0; i < decimals; i++) {
            scale *= 10;
        }
        if (Math.abs(value) * scale >= Long.MAX_VALUE / 10.0) {
            return sb.append(value);
        }
        long scaled = Math.round(value * scale);
        if (scaled < 0) {
            sb.append('-');
            scaled = -scaled;
        }
        long whole = scaled / scale;
        long fraction = scaled % scale;
        sb.append(whole);
        if (fraction != 0) {
            int digits = decimals;
            while (fraction % 10 == 0) {
                fraction /= 10;
                digits--;
            }
            sb.append('.');
            // Digits appended from the left, leading zeros included: no String per number.
            long divisor = 1;
            for (int i = 1; i < digits; i++) {
                divisor *= 10;
            }
            for (; divisor > 0; divisor /= 10) {
                sb.append((char) ('0' + (fraction / divisor) % 10));
            }
        }
        return sb;
    }
}
