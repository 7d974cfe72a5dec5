package loupe.core.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NearDuplicatesTest {

    /** Pairs (i < j) of input indices within the distance, as the result states them. */
    private static Set<String> pairs(NearDuplicates.Result r, int n) {
        Set<String> pairs = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            int g = r.groupOf()[i];
            for (int j : r.members()[g]) {
                if (i < j) {
                    pairs.add(i + "-" + j);
                }
            }
            for (int h : r.neighbours()[g]) {
                for (int j : r.members()[h]) {
                    if (i < j) {
                        pairs.add(i + "-" + j);
                    }
                }
            }
        }
        return pairs;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 4, 8})
    void findsExactlyThePairsABruteForceSearchFinds(int distance) {
        Random random = new Random(distance);
        int n = 3000;
        long[] hashes = new long[n];
        for (int i = 0; i < n; i++) {
            if (i > 0 && random.nextInt(4) == 0) {
                // a planted near copy of an earlier hash: flip up to distance + 1 random bits
                long h = hashes[random.nextInt(i)];
                int flips = random.nextInt(distance + 2);
                for (int f = 0; f < flips; f++) {
                    h ^= 1L << random.nextInt(64);
                }
                hashes[i] = h;
            } else {
                hashes[i] = random.nextLong();
            }
        }
        Set<String> expected = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (Long.bitCount(hashes[i] ^ hashes[j]) <= distance) {
                    expected.add(i + "-" + j);
                }
            }
        }
        assertEquals(expected, pairs(NearDuplicates.search(hashes, distance), n));
    }

    @Test
    void groupsIdenticalHashesOnce() {
        long[] hashes = {5, 9, 5, 5, 1L << 40};
        NearDuplicates.Result r = NearDuplicates.search(hashes, 2);
        assertEquals(3, r.values().length);
        assertArrayEquals(new int[] {0, 2, 3}, r.members()[r.groupOf()[0]]);
        // 5 (0101) and 9 (1001) differ in 2 bits: neighbours; 2^40 is 3 bits from 9 and from 5.
        assertArrayEquals(new int[] {r.groupOf()[1]}, r.neighbours()[r.groupOf()[0]]);
        assertEquals(0, r.neighbours()[r.groupOf()[4]].length);
    }

    @Test
    void distanceZeroOnlyGroups() {
        NearDuplicates.Result r = NearDuplicates.search(new long[] {1, 3, 1}, 0);
        assertEquals(2, r.values().length);
        assertEquals(0, r.neighbours()[0].length);
    }
}
