package loupe.core.curation;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Undersampling by per-class caps and oversampling by repetition, over {@link Items}. Both are deterministic
 * functions of the items and the seed (through the items' random keys). The rules are in
 * {@code docs/decisions/0003-recipes.md}.
 */
final class Balancer {

    /** Each item's repeats when the recipe names no maximum. */
    static final int DEFAULT_MAX_REPEATS = 10;

    private Balancer() {
    }

    /**
     * Which images survive the caps. Classes are served rarest first; a class takes its images in random
     * order while it is under its cap, and an image is taken only if no class on it would exceed a cap, so
     * every class ends at or under the caps. Images without labels are kept.
     *
     * @param maxImages    cap on images per class, or null
     * @param maxInstances cap on annotations per class, or null
     */
    static boolean[] undersample(Items items, Integer maxImages, Integer maxInstances) {
        int n = items.size;
        boolean[] keep = new boolean[n];
        if (maxImages == null && maxInstances == null) {
            Arrays.fill(keep, true);
            return keep;
        }
        long imageCap = maxImages == null ? Long.MAX_VALUE : maxImages;
        long instanceCap = maxInstances == null ? Long.MAX_VALUE : maxInstances;
        int classes = items.classCount();
        long[] totalImages = new long[classes];
        long[] totalInstances = new long[classes];
        for (int i = 0; i < n; i++) {
            if (items.start[i] == items.start[i + 1]) {
                keep[i] = true;
            }
            for (int k = items.start[i]; k < items.start[i + 1]; k++) {
                totalImages[items.classIndex[k]]++;
                totalInstances[items.classIndex[k]] += items.instances[k];
            }
        }
        long[] rank = maxImages != null ? totalImages : totalInstances;
        Integer[] order = IntStream.range(0, classes).boxed()
                .sorted(Comparator.<Integer>comparingLong(c -> rank[c]).thenComparingInt(c -> items.classIds[c]))
                .toArray(Integer[]::new);
        long[] images = new long[classes];
        long[] instances = new long[classes];
        int[][] byClass = items.imagesByClass();
        for (int c : order) {
            for (int i : byClass[c]) {
                if (images[c] >= imageCap || instances[c] >= instanceCap) {
                    break;
                }
                if (keep[i] || !fits(items, i, images, instances, imageCap, instanceCap)) {
                    continue;
                }
                keep[i] = true;
                for (int k = items.start[i]; k < items.start[i + 1]; k++) {
                    images[items.classIndex[k]]++;
                    instances[items.classIndex[k]] += items.instances[k];
                }
            }
        }
        return keep;
    }

    private static boolean fits(Items items, int i, long[] images, long[] instances, long imageCap,
                                long instanceCap) {
        for (int k = items.start[i]; k < items.start[i + 1]; k++) {
            int c = items.classIndex[k];
            if (images[c] + 1 > imageCap || instances[c] + items.instances[k] > instanceCap) {
                return false;
            }
        }
        return true;
    }

    /**
     * How many times each item appears. Among the items that are kept and in one of {@code splits}, each class
     * below {@code ratio} times the largest class (the target, rounded up) gets its items repeated round-robin
     * in random order, rarest class first, until it reaches the target or every one of its items is at
     * {@code maxRepeats}. Repeats count for every class on the item.
     *
     * @param byInstances count annotations rather than images
     */
    static int[] oversample(Items items, boolean[] keep, String[] split, Set<String> splits, double ratio,
                            boolean byInstances, int maxRepeats) {
        int n = items.size;
        int[] repeats = new int[n];
        boolean[] eligible = new boolean[n];
        int classes = items.classCount();
        long[] counts = new long[classes];
        for (int i = 0; i < n; i++) {
            if (!keep[i]) {
                continue;
            }
            repeats[i] = 1;
            eligible[i] = splits.contains(split[i] == null ? "" : split[i]);
            if (eligible[i]) {
                for (int k = items.start[i]; k < items.start[i + 1]; k++) {
                    counts[items.classIndex[k]] += byInstances ? items.instances[k] : 1;
                }
            }
        }
        long max = Arrays.stream(counts).max().orElse(0);
        long target = (long) Math.ceil(ratio * max - 1e-9);
        Integer[] order = IntStream.range(0, classes).boxed()
                .sorted(Comparator.<Integer>comparingLong(c -> counts[c]).thenComparingInt(c -> items.classIds[c]))
                .toArray(Integer[]::new);
        int[][] byClass = items.imagesByClass();
        for (int c : order) {
            if (counts[c] == 0 || counts[c] >= target) {
                continue;
            }
            int[] mine = Arrays.stream(byClass[c]).filter(i -> eligible[i]).toArray();
            boolean grew = true;
            while (counts[c] < target && grew) {
                grew = false;
                for (int i : mine) {
                    if (counts[c] >= target) {
                        break;
                    }
                    if (repeats[i] >= maxRepeats) {
                        continue;
                    }
                    repeats[i]++;
                    grew = true;
                    for (int k = items.start[i]; k < items.start[i + 1]; k++) {
                        counts[items.classIndex[k]] += byInstances ? items.instances[k] : 1;
                    }
                }
            }
        }
        return repeats;
    }
}
