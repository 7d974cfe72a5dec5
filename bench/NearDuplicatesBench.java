// Near-duplicate search over synthetic 64-bit dHashes (issue 4: 100,000 images in under 30 s).
// Run from the repository after compiling:  java -cp target/classes bench/NearDuplicatesBench.java [N] [ROUNDS]
// Three hash populations, each searched at distance 4 (the default) and 8:
//   uniform  - independent random bits (the best case for the band index),
//   skewed   - each bit set with probability 0.8 (real dHashes are not uniform: bands collide far more),
//   copies   - uniform, but 20% are near copies (0..6 bits flipped) of another hash and 2% exact copies.
import java.util.Random;

import loupe.core.audit.NearDuplicates;

public class NearDuplicatesBench {
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
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
