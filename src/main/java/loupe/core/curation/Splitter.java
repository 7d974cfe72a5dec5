package loupe.core.curation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
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

        /** Members per group, groups in order of their first (smallest) image index. */
        int[][] members(boolean[] keep) {
            Map<Integer, List<Integer>> byRoot = new HashMap<>();
            List<Integer> roots = new ArrayList<>();
            for (int i = 0; i < parent.length; i++) {
                if (!keep[i]) {
                    continue;
                }
                int r = find(i);
                List<Integer> list = byRoot.get(r);
                if (list == null) {
                    list = new ArrayList<>();
                    byRoot.put(r, list);
                    roots.add(r);
                }
                list.add(i);
            }
            int[][] out = new int[roots.size()][];
            for (int g = 0; g < out.length; g++) {
                out[g] = byRoot.get(roots.get(g)).stream().mapToInt(Integer::intValue).toArray();
            }
            return out;
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
        long[] groupKey = new long[g];
        int[] groupSize = new int[g];
        for (int j = 0; j < g; j++) {
            groupKey[j] = items.keys[members[j][0]];
            groupSize[j] = members[j].length;
        }
        Integer[] order = new Integer[g];
        for (int j = 0; j < g; j++) {
            order[j] = j;
        }
        Arrays.sort(order, (a, b) -> groupKey[a] != groupKey[b] ? Long.compare(groupKey[a], groupKey[b])
                : Integer.compare(a, b));
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

    private static void stratify(Items items, int[][] members, int[] groupSize, Integer[] order, double[] shares,
                                 double[] desired, int[] splitOfGroup, Random random) {
        int classes = items.classCount();
        int splits = shares.length;
        // Each group's label weights: images in the group having the label.
        List<Map<Integer, Integer>> weights = new ArrayList<>(members.length);
        double[] remaining = new double[classes];
        List<List<Integer>> groupsOfClass = new ArrayList<>(classes);
        for (int c = 0; c < classes; c++) {
            groupsOfClass.add(new ArrayList<>());
        }
        for (int[] member : members) {
            Map<Integer, Integer> w = new HashMap<>();
            for (int i : member) {
                for (int k = items.start[i]; k < items.start[i + 1]; k++) {
                    w.merge(items.classIndex[k], 1, Integer::sum);
                }
            }
            weights.add(w);
        }
        for (int j : order) {
            for (Map.Entry<Integer, Integer> e : weights.get(j).entrySet()) {
                remaining[e.getKey()] += e.getValue();
                groupsOfClass.get(e.getKey()).add(j);
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
            for (int j : groupsOfClass.get(label)) {
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
                for (Map.Entry<Integer, Integer> e : weights.get(j).entrySet()) {
                    desiredOfClass[s][e.getKey()] -= e.getValue();
                    remaining[e.getKey()] -= e.getValue();
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
