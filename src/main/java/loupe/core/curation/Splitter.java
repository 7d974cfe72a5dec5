package loupe.core.curation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Assigns kept images to new splits, whole groups at a time: random (groups in random order, each to the
 * split furthest below its share of images) or stratified by class with the iterative stratification of
 * Sechidis, Tsoumakas and Vlahavas (2011), "On the stratification of multi-label data", generalised from
 * examples to groups (a group's label weight is the number of its images having the label). Deterministic for
 * a given seed. See {@code docs/decisions/0003-recipes.md}.
 */
final class Splitter {

    private Splitter() {
    }

    /** Union-find over image indexes: images joined by any rule end in one group. */
    static final class Groups {
        private final int[] parent;

        Groups(int n) {
            parent = new int[n];
            for (int i = 0; i < n; i++) {
                parent[i] = i;
            }
        }

        int find(int i) {
            while (parent[i] != i) {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            return i;
        }

        void union(int a, int b) {
            int ra = find(a);
            int rb = find(b);
            if (ra != rb) {
                // The smaller index becomes the root, so the result does not depend on the order of unions.
                parent[Math.max(ra, rb)] = Math.min(ra, rb);
            }
        }

        /** Members per group (ascending), groups in order of their first (smallest) image index. */
        int[][] members(boolean[] keep) {
            int n = parent.length;
            int[] groupOfRoot = new int[n];
            java.util.Arrays.fill(groupOfRoot, -1);
            int[] group = new int[n];
            int groups = 0;
            IntCounter sizes = new IntCounter();
            for (int i = 0; i < n; i++) {
                if (!keep[i]) {
                    continue;
                }
                int r = find(i);
                if (groupOfRoot[r] < 0) {
                    groupOfRoot[r] = groups++;
                }
                group[i] = groupOfRoot[r];
                sizes.increment(group[i]);
            }
            int[][] out = new int[groups][];
            for (int g = 0; g < groups; g++) {
                out[g] = new int[sizes.get(g)];
            }
            int[] fill = new int[groups];
            for (int i = 0; i < n; i++) {
                if (keep[i]) {
                    out[group[i]][fill[group[i]]++] = i;
                }
            }
            return out;
        }
    }

    /** Counts per dense index, growing as needed. */
    private static final class IntCounter {
        private int[] counts = new int[1024];

        void increment(int i) {
            if (i >= counts.length) {
                counts = java.util.Arrays.copyOf(counts, Math.max(i + 1, counts.length * 2));
            }
            counts[i]++;
        }

        int get(int i) {
            return i < counts.length ? counts[i] : 0;
        }
    }

    /**
     * The new split of every image (null for images not kept).
     *
     * @param ratios split name to share, summing to 1, in the recipe's order
     */
    static String[] assign(Items items, boolean[] keep, Groups groups, Map<String, Double> ratios,
                           boolean stratified, long seed) {
        String[] names = ratios.keySet().toArray(String[]::new);
        double[] shares = ratios.values().stream().mapToDouble(Double::doubleValue).toArray();
        int[][] members = groups.members(keep);
        int g = members.length;
        int[] groupSize = new int[g];
        int[] firstMember = new int[g];
        int[] groupOfFirst = new int[items.size];
        for (int j = 0; j < g; j++) {
            groupSize[j] = members[j].length;
            firstMember[j] = members[j][0];
            groupOfFirst[members[j][0]] = j;
        }
        // Groups in the random order of their first images.
        int[] order = items.sortByKey(firstMember);
        for (int j = 0; j < g; j++) {
            order[j] = groupOfFirst[order[j]];
        }
        long total = Arrays.stream(groupSize).asLongStream().sum();
        double[] desired = new double[names.length];
        for (int s = 0; s < names.length; s++) {
            desired[s] = shares[s] * total;
        }
        Random random = new Random(seed);
        int[] splitOfGroup = new int[g];
        Arrays.fill(splitOfGroup, -1);
        if (stratified) {
            stratify(items, members, groupSize, order, shares, desired, splitOfGroup, random);
        }
        for (int j : order) {
            if (splitOfGroup[j] < 0) {
                int s = argmax(desired, null, random);
                splitOfGroup[j] = s;
                desired[s] -= groupSize[j];
            }
        }
        String[] out = new String[items.size];
        for (int j = 0; j < g; j++) {
            for (int i : members[j]) {
                out[i] = names[splitOfGroup[j]];
            }
        }
        return out;
    }

    private static void stratify(Items items, int[][] members, int[] groupSize, int[] order, double[] shares,
                                 double[] desired, int[] splitOfGroup, Random random) {
        int classes = items.classCount();
        int splits = shares.length;
        // Each group's label weights (images in the group having the label), CSR: labels of group g at
        // [weightStart[g], weightStart[g + 1]) in ascending class order.
        int groups = members.length;
        int[] weightStart = new int[groups + 1];
        int[] weightClass = new int[items.classIndex.length];
        int[] weight = new int[items.classIndex.length];
        int[] accumulated = new int[classes];
        int[] touched = new int[classes];
        int filled = 0;
        for (int g = 0; g < groups; g++) {
            int nTouched = 0;
            for (int i : members[g]) {
                for (int k = items.start[i]; k < items.start[i + 1]; k++) {
                    int c = items.classIndex[k];
                    if (accumulated[c]++ == 0) {
                        touched[nTouched++] = c;
                    }
                }
            }
            Arrays.sort(touched, 0, nTouched);
            for (int t = 0; t < nTouched; t++) {
                weightClass[filled] = touched[t];
                weight[filled++] = accumulated[touched[t]];
                accumulated[touched[t]] = 0;
            }
            weightStart[g + 1] = filled;
        }
        double[] remaining = new double[classes];
        int[] groupCount = new int[classes];
        for (int k = 0; k < filled; k++) {
            remaining[weightClass[k]] += weight[k];
            groupCount[weightClass[k]]++;
        }
        int[][] groupsOfClass = new int[classes][];
        for (int c = 0; c < classes; c++) {
            groupsOfClass[c] = new int[groupCount[c]];
        }
        int[] fill = new int[classes];
        for (int g : order) {
            for (int k = weightStart[g]; k < weightStart[g + 1]; k++) {
                groupsOfClass[weightClass[k]][fill[weightClass[k]]++] = g;
            }
        }
        double[][] desiredOfClass = new double[splits][classes];
        for (int s = 0; s < splits; s++) {
            for (int c = 0; c < classes; c++) {
                desiredOfClass[s][c] = shares[s] * remaining[c];
            }
        }
        boolean[] done = new boolean[classes];
        while (true) {
            // The label with the fewest remaining examples goes first: rare labels are the hard ones to spread.
            int label = -1;
            for (int c = 0; c < classes; c++) {
                if (!done[c] && remaining[c] > 0 && (label < 0 || remaining[c] < remaining[label])) {
                    label = c;
                }
            }
            if (label < 0) {
                return;
            }
            done[label] = true;
            for (int j : groupsOfClass[label]) {
                if (splitOfGroup[j] >= 0) {
                    continue;
                }
                double[] forLabel = new double[splits];
                for (int s = 0; s < splits; s++) {
                    forLabel[s] = desiredOfClass[s][label];
                }
                int s = argmax(forLabel, desired, random);
                splitOfGroup[j] = s;
                desired[s] -= groupSize[j];
                for (int k = weightStart[j]; k < weightStart[j + 1]; k++) {
                    desiredOfClass[s][weightClass[k]] -= weight[k];
                    remaining[weightClass[k]] -= weight[k];
                }
            }
        }
    }

    /** The index of the largest value; ties by the largest tie-break value, then at random. */
    private static int argmax(double[] values, double[] tieBreak, Random random) {
        final double eps = 1e-9;
        double best = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            best = Math.max(best, v);
        }
        List<Integer> candidates = new ArrayList<>();
        for (int s = 0; s < values.length; s++) {
            if (values[s] >= best - eps) {
                candidates.add(s);
            }
        }
        if (candidates.size() > 1 && tieBreak != null) {
            double bestTie = Double.NEGATIVE_INFINITY;
            for (int s : candidates) {
                bestTie = Math.max(bestTie, tieBreak[s]);
            }
            final double limit = bestTie - eps;
            candidates.removeIf(s -> tieBreak[s] < limit);
        }
        return candidates.size() == 1 ? candidates.get(0) : candidates.get(random.nextInt(candidates.size()));
    }
}
