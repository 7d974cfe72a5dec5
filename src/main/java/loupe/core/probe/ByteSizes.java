package loupe.core.probe;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte counts as people write them ("1GB", "512 MB", "8M", "0") and back. Units are powers of 1024. */
public final class ByteSizes {

    private static final Pattern SIZE = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(?:i?b)?\\s*",
            Pattern.CASE_INSENSITIVE);

    private ByteSizes() {
    }

    /**
     * Parses a size: a number with an optional unit K, M, G or T (with or without "B" or "iB"), each 1024 times
     * the one before; a bare number is bytes.
     *
     * @throws IllegalArgumentException when the text is not such a size
     */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: '" + text + "' (expected e.g. 1GB, 512MB, 8M or 0)");
        }
        double value = Double.parseDouble(m.group(1));
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        return (long) (value * (1L << shift));
    }

    /** "1.0 GB", "512 MB", "26 KB", "300 B": the largest unit that keeps the number at 1 or more. */
    public static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, value < 10 ? "%.1f %s" : "%.0f %s", value, units[unit]);
    }
}
