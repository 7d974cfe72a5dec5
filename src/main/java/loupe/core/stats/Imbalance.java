package loupe.core.stats;

import java.util.Arrays;

/**
 * How unevenly instances are spread over classes. Every metric is computed over the classes that have at
 * least one instance ({@code classes}); classes defined but never used are counted in {@code unusedClasses}
 * and left out, so that no ratio is infinite. A metric that is undefined for the counts (no class at all,
 * or normalized entropy with a single class) is null.
 *
 * @param instances         instances over all used classes
 * @param classes           classes with at least one instance
 * @param unusedClasses     classes the dataset defines that have no instance (in this scope)
 * @param maxMinRatio       instances of the largest class divided by those of the smallest (1 = equal)
 * @param entropy           Shannon entropy of the class shares, in nats ({@code -sum p ln p})
 * @param normalizedEntropy entropy divided by {@code ln(classes)}: 1 = perfectly balanced, near 0 = one class
 *                          dominates; null with fewer than two classes
 * @param gini              Gini coefficient of the counts: 0 = perfectly balanced, towards 1 = concentrated
 * @param effectiveClasses  {@code exp(entropy)}: the number of equally frequent classes with the same entropy
 */
public record Imbalance(long instances, int classes, int unusedClasses, Double maxMinRatio, Double entropy,
                        Double normalizedEntropy, Double gini, Double effectiveClasses) {

    /** Metrics of per-class instance counts (zeros count as unused classes; negative counts are not allowed). */
    public static Imbalance of(long... counts) {
        long[] used = Arrays.stream(counts).filter(c -> c > 0).sorted().toArray();
        int unused = counts.length - used.length;
        int n = used.length;
        if (n == 0) {
            return new Imbalance(0, 0, unused, null, null, null, null, null);
        }
        long total = Arrays.stream(used).sum();
        double entropy = 0;
        for (long c : used) {
            double p = (double) c / total;
            entropy -= p * Math.log(p);
        }
        // Gini over counts sorted ascending: G = 2 * sum(i * x_i) / (n * sum x) - (n + 1) / n, i = 1..n.
        double weighted = 0;
        for (int i = 0; i < n; i++) {
            weighted += (i + 1) * (double) used[i];
        }
        double gini = 2 * weighted / ((double) n * total) - (n + 1.0) / n;
        return new Imbalance(total, n, unused, (double) used[n - 1] / used[0], entropy,
                n < 2 ? null : entropy / Math.log(n), Math.max(0, gini), Math.exp(entropy));
    }

    /**
     * Total variation distance between two distributions given as counts over the same classes (index by
     * index): half the sum of absolute differences of the shares, 0 = identical, 1 = disjoint. Null when
     * either side has no instances.
     */
    public static Double totalVariation(long[] a, long[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("count arrays differ in length: " + a.length + " vs " + b.length);
        }
        long sa = Arrays.stream(a).sum();
        long sb = Arrays.stream(b).sum();
        if (sa == 0 || sb == 0) {
            return null;
        }
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d += Math.abs((double) a[i] / sa - (double) b[i] / sb);
        }
        return d / 2;
    }
}
