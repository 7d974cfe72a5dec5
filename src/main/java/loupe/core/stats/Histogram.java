package loupe.core.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Counts of values in log-spaced bins: bin {@code k} holds values in {@code [2^(k/b), 2^((k+1)/b))} where
 * {@code b = binsPerOctave}. {@code edges} has one more entry than {@code counts}; bin {@code i} spans
 * {@code edges[i]} to {@code edges[i+1]}. The first and the last bin also hold the values below or above
 * the clamped range (e.g. boxes narrower than 1 px fall into the first width bin). Bins run without gaps
 * from the lowest to the highest non-empty one; an empty histogram has no bins.
 *
 * @param unit           what the values are ("px", "px²", "ratio", "bytes")
 * @param binsPerOctave  bins per doubling of the value
 * @param edges          bin edges, ascending
 * @param counts         values per bin
 */
public record Histogram(String unit, int binsPerOctave, List<Double> edges, List<Long> counts) {

    /** A histogram from sparse {@code bin index -> count} (bin index as defined above). */
    static Histogram fromBins(String unit, int binsPerOctave, Map<Integer, Long> bins) {
        List<Double> edges = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        if (!bins.isEmpty()) {
            int lo = bins.keySet().stream().mapToInt(Integer::intValue).min().orElseThrow();
            int hi = bins.keySet().stream().mapToInt(Integer::intValue).max().orElseThrow();
            for (int k = lo; k <= hi; k++) {
                edges.add(Math.pow(2, (double) k / binsPerOctave));
                counts.add(bins.getOrDefault(k, 0L));
            }
            edges.add(Math.pow(2, (double) (hi + 1) / binsPerOctave));
        }
        return new Histogram(unit, binsPerOctave, edges, counts);
    }

    /** The sum of all bins. */
    public long total() {
        return counts.stream().mapToLong(Long::longValue).sum();
    }
}
