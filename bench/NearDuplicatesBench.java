// Near-duplicate search over synthetic 64-bit dHashes (issue 4: 100,000 images in under 30 s).
// Run from the repository after compiling:  java -cp target/classes bench/NearDuplicatesBench.java [N] [ROUNDS]
// (bench/hashes.sh runs it with the jar on the class path, for the problem derivation's dependencies.)
// Three hash populations, each searched at distance 4 (the default) and 8:
//   uniform  - independent random bits (the best case for the band index),
//   skewed   - each bit set with probability 0.8 (real dHashes are not uniform: bands collide far more),
//   copies   - uniform, but 20% are near copies (0..6 bits flipped) of another hash and 2% exact copies.
import java.util.Random;

import java.util.ArrayList;
import java.util.List;

import loupe.core.audit.NearDuplicates;
import loupe.core.index.ContentChecks;
import loupe.core.model.Problem;

public class NearDuplicatesBench {
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        endToEnd(n, rounds);
        for (String kind : new String[] {"uniform", "skewed", "copies"}) {
            long[] hashes = population(kind, n, new Random(42));
            for (int d : new int[] {4, 8}) {
                double best = Double.MAX_VALUE;
                long pairs = 0;
                for (int r = 0; r < rounds; r++) {
                    long t0 = System.nanoTime();
                    NearDuplicates.Result result = NearDuplicates.search(hashes, d);
                    double s = (System.nanoTime() - t0) / 1e9;
                    best = Math.min(best, s);
                    pairs = 0;
                    for (int u = 0; u < result.values().length; u++) {
                        long m = result.members()[u].length;
                        pairs += m * (m - 1) / 2;
                        for (int v : result.neighbours()[u]) {
                            if (v > u) {
                                pairs += m * result.members()[v].length;
                            }
                        }
                    }
                }
                System.out.printf("%-8s n=%,d distance=%d: best of %d %.3f s, %,d pairs within the distance%n",
                        kind, n, d, rounds, best, pairs);
            }
        }
    }

    /** The whole derivation the indexer runs: exact + near duplicates + leakage, problems with messages. */
    static void endToEnd(int n, int rounds) {
        long[] dh = population("copies", n, new Random(7));
        Random random = new Random(8);
        List<ContentChecks.Fingerprint> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            boolean exactCopy = i > 0 && random.nextInt(50) == 0;
            int of = exactCopy ? random.nextInt(i) : i;
            if (exactCopy) {
                dh[i] = dh[of];
            }
            items.add(new ContentChecks.Fingerprint(String.format("images/%08d.jpg", i),
                    random.nextInt(10) == 0 ? "val" : "train", 1000 + of, Long.toHexString(of * 0x9E3779B97F4A7C15L),
                    dh[i]));
        }
        double best = Double.MAX_VALUE;
        int problems = 0;
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            List<Problem> found = ContentChecks.duplicates(items, 4);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            problems = found.size();
        }
        System.out.printf("problems n=%,d distance=4 (search + exact groups + leakage + messages): best of %d %.3f s,"
                + " %,d problems%n", n, rounds, best, problems);
    }

    static long[] population(String kind, int n, Random random) {
        long[] h = new long[n];
        for (int i = 0; i < n; i++) {
            switch (kind) {
                case "skewed" -> {
                    long v = 0;
                    for (int b = 0; b < 64; b++) {
                        v = (v << 1) | (random.nextDouble() < 0.8 ? 1 : 0);
                    }
                    h[i] = v;
                }
                case "copies" -> {
                    double p = random.nextDouble();
                    if (i > 0 && p < 0.02) {
                        h[i] = h[random.nextInt(i)];
                    } else if (i > 0 && p < 0.22) {
                        long v = h[random.nextInt(i)];
                        int flips = random.nextInt(7);
                        for (int f = 0; f < flips; f++) {
                            v ^= 1L << random.nextInt(64);
                        }
                        h[i] = v;
                    } else {
                        h[i] = random.nextLong();
                    }
                }
                default -> h[i] = random.nextLong();
            }
        }
        return h;
    }
}
