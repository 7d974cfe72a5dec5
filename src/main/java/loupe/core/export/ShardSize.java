package loupe.core.export;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How big a shard may grow: a byte budget or an item count (exactly one of them is positive).
 *
 * @param maxBytes the most bytes a shard file may have, tar overhead included; a single sample larger than
 *                 this still gets a shard of its own. 0 when the limit is a count.
 * @param maxItems the number of samples per shard (the last shard may have fewer). 0 when the limit is bytes.
 */
public record ShardSize(long maxBytes, long maxItems) {

    private static final Pattern SPEC = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]i?b?|b)?",
            Pattern.CASE_INSENSITIVE);

    public ShardSize {
        if ((maxBytes > 0) == (maxItems > 0) || maxBytes < 0 || maxItems < 0) {
            throw new IllegalArgumentException("exactly one of maxBytes (" + maxBytes + ") and maxItems ("
                    + maxItems + ") must be positive");
        }
    }

    public static ShardSize bytes(long maxBytes) {
        return new ShardSize(maxBytes, 0);
    }

    public static ShardSize items(long maxItems) {
        return new ShardSize(0, maxItems);
    }

    /**
     * Parses {@code 1000} (items) or a size with a unit: {@code 256MB}, {@code 1.5GB}, {@code 64KiB}, {@code 4096B}.
     * KB, MB, GB, TB (and K, M, G, T) are powers of 1000; KiB, MiB, GiB, TiB powers of 1024.
     *
     * @throws IllegalArgumentException with a message for users when the text is neither
     */
    public static ShardSize parse(String text) {
        Matcher m = SPEC.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("shard size must be an item count (1000) or a size (256MB, 1GiB),"
                    + " not '" + text + "'");
        }
        String unit = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
        double number = Double.parseDouble(m.group(1));
        if (unit.isEmpty()) {
            if (number != Math.rint(number) || number < 1) {
                throw new IllegalArgumentException("an item count must be a whole number of at least 1, not '"
                        + text + "'");
            }
            return items((long) number);
        }
        int power = switch (unit.charAt(0)) {
            case 'k' -> 1;
            case 'm' -> 2;
            case 'g' -> 3;
            case 't' -> 4;
            default -> 0;
        };
        double base = unit.contains("i") ? 1024 : 1000;
        long bytes = (long) (number * Math.pow(base, power));
        if (bytes < 1) {
            throw new IllegalArgumentException("shard size must be at least 1 byte, not '" + text + "'");
        }
        return bytes(bytes);
    }

    @Override
    public String toString() {
        return maxItems > 0 ? maxItems + " items" : maxBytes + " bytes";
    }
}
