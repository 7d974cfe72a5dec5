package loupe.core.formats;

import java.util.Arrays;

/**
 * A growable array of doubles that a JSON reader reuses for every polygon or shape of a file, so reading
 * coordinates does not box them. Not thread-safe: one per file being read.
 */
final class DoubleBuffer {
    /** The values; only the first {@link #size} are meaningful. */
    double[] values = new double[64];
    /** How many values were added since the last {@link #clear()}. */
    int size;

    /** Forgets the values, keeping the storage. */
    void clear() {
        size = 0;
    }

    /** Appends {@code v}, growing the storage when full. */
    void add(double v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = v;
    }
}
