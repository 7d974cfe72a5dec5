package loupe.core.audit;

import java.util.Arrays;

/**
 * Finds the pairs of 64-bit hashes that differ in at most {@code d} bits, without comparing all pairs
 * (multi-index hashing, Norouzi et al. 2012): the bits are cut into {@code d + 1} bands, and two hashes within
 * distance {@code d} must agree exactly on at least one band (pigeonhole). Per band, the hashes are sorted by
 * that band's bits, and only hashes sharing a band value are compared. Identical hashes are collapsed first,
 * so a thousand copies of one picture cost one comparison each, not a million.
 *
 * <p>For random-looking hashes this does about n * n / 2^(64/(d+1)) comparisons per band: 100,000 hashes at
 * d = 4 are a few million comparisons, well under a second.
 */
public final class NearDuplicates {

    /**
     * The result, over distinct hash values.
     *
     * @param values     the distinct hash values, ascending (signed order)
     * @param members    for each distinct value, the indices (into the input) of the hashes equal to it, ascending
     * @param neighbours for each distinct value, the other distinct values within the distance (indices into
     *                   {@code values}), ascending
     * @param groupOf    for each input hash, the index of its distinct value
     */
    public record Result(long[] values, int[][] members, int[][] neighbours, int[] groupOf) {
    }

    private NearDuplicates() {
    }

    /**
     * Groups {@code hashes} by value and links the groups within {@code maxDistance} bits.
     *
     * @param maxDistance 0..32; 0 only groups identical values
     */
    public static Result search(long[] hashes, int maxDistance) {
        if (maxDistance < 0 || maxDistance > 32) {
            throw new IllegalArgumentException("maxDistance must be 0..32, got " + maxDistance);
        }
        int n = hashes.length;
        long[] sorted = new long[n];
        int[] order = sortedOrder(hashes);
        for (int k = 0; k < n; k++) {
            sorted[k] = hashes[order[k]];
        }
        int distinct = 0;
        for (int k = 0; k < n; k++) {
            if (k == 0 || sorted[k] != sorted[k - 1]) {
                distinct++;
            }
        }
        long[] values = new long[distinct];
        int[][] members = new int[distinct][];
        int[] groupOf = new int[n];
        int u = -1;
        int start = 0;
        for (int k = 0; k <= n; k++) {
            if (k == n || k == 0 || sorted[k] != sorted[k - 1]) {
                if (k > 0) {
                    members[u] = Arrays.copyOfRange(order, start, k);
                    Arrays.sort(members[u]);
                    for (int i : members[u]) {
                        groupOf[i] = u;
                    }
                }
                if (k < n) {
                    values[++u] = sorted[k];
                    start = k;
                }
            }
        }
        int[][] neighbours = maxDistance == 0 ? emptyLists(distinct) : neighbours(values, maxDistance);
        return new Result(values, members, neighbours, groupOf);
    }

    private static int[][] neighbours(long[] values, int d) {
        int n = values.length;
        int bands = d + 1;
        int[] shift = new int[bands];
        long[] mask = new long[bands];
        int at = 0;
        for (int b = 0; b < bands; b++) {
            int width = 64 / bands + (b < 64 % bands ? 1 : 0);
            shift[b] = at;
            mask[b] = width == 64 ? -1L : (1L << width) - 1;
            at += width;
        }
        IntList[] found = new IntList[n];
        long[] keyed = new long[n];
        for (int b = 0; b < bands; b++) {
            for (int u = 0; u < n; u++) {
                keyed[u] = (((values[u] >>> shift[b]) & mask[b]) << 32) | u;
            }
            Arrays.sort(keyed);
            int from = 0;
            while (from < n) {
                long key = keyed[from] >>> 32;
                int to = from + 1;
                while (to < n && (keyed[to] >>> 32) == key) {
                    to++;
                }
                for (int i = from; i < to; i++) {
                    int p = (int) keyed[i];
                    for (int j = i + 1; j < to; j++) {
                        int q = (int) keyed[j];
                        if (Long.bitCount(values[p] ^ values[q]) <= d && firstSharedBand(values[p], values[q],
                                shift, mask) == b) {
                            add(found, p, q);
                            add(found, q, p);
                        }
                    }
                }
                from = to;
            }
        }
        int[][] result = new int[n][];
        for (int u = 0; u < n; u++) {
            result[u] = found[u] == null ? new int[0] : found[u].sorted();
        }
        return result;
    }

    /** The pair is recorded in the first band where it agrees, so it is recorded once. */
    private static int firstSharedBand(long a, long b, int[] shift, long[] mask) {
        for (int k = 0; k < shift.length; k++) {
            if (((a >>> shift[k]) & mask[k]) == ((b >>> shift[k]) & mask[k])) {
                return k;
            }
        }
        return -1;
    }

    private static void add(IntList[] lists, int at, int value) {
        if (lists[at] == null) {
            lists[at] = new IntList();
        }
        lists[at].add(value);
    }

    private static int[][] emptyLists(int n) {
        int[][] lists = new int[n][];
        Arrays.fill(lists, new int[0]);
        return lists;
    }

    /** Input indices ordered by hash value (signed order; any total order groups equal values). */
    private static int[] sortedOrder(long[] hashes) {
        int n = hashes.length;
        long[] copy = hashes.clone();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        sortByKey(copy, order, 0, n);
        return order;
    }

    /** Sorts keys ascending, permuting {@code order} alongside (heap-free recursive quicksort + insertion). */
    private static void sortByKey(long[] keys, int[] order, int from, int to) {
        while (to - from > 16) {
            long pivot = median(keys[from], keys[(from + to) >>> 1], keys[to - 1]);
            int lt = from, i = from, gt = to - 1;
            while (i <= gt) {
                if (keys[i] < pivot) {
                    swap(keys, order, lt++, i++);
                } else if (keys[i] > pivot) {
                    swap(keys, order, i, gt--);
                } else {
                    i++;
                }
            }
            if (lt - from < to - gt - 1) {
                sortByKey(keys, order, from, lt);
                from = gt + 1;
            } else {
                sortByKey(keys, order, gt + 1, to);
                to = lt;
            }
        }
        for (int i = from + 1; i < to; i++) {
            for (int j = i; j > from && keys[j] < keys[j - 1]; j--) {
                swap(keys, order, j, j - 1);
            }
        }
    }

    private static long median(long a, long b, long c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    private static void swap(long[] keys, int[] order, int i, int j) {
        long k = keys[i];
        keys[i] = keys[j];
        keys[j] = k;
        int o = order[i];
        order[i] = order[j];
        order[j] = o;
    }

    private static final class IntList {
        private int[] items = new int[4];
        private int size;

        void add(int v) {
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            items[size++] = v;
        }

        int[] sorted() {
            int[] out = Arrays.copyOf(items, size);
            Arrays.sort(out);
            return out;
        }
    }
}
