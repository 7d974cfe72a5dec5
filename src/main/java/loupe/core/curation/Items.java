package loupe.core.curation;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The selected images in a compact form for the sequential algorithms (sampling, splitting) that SQL cannot
 * express: paths sorted, each image's classes as dense indexes with instance counts (CSR layout), and a seeded
 * random key per image that fixes every random order. Package-private; built by {@link CurationSession}.
 */
final class Items {

    final int size;
    final String[] paths;
    final String[] sourceSplits;
    /** Labels of image i are at [start[i], start[i+1]). */
    final int[] start;
    final int[] classIndex;
    final int[] instances;
    /** Dense class index to the class id of the result. */
    final int[] classIds;
    /** A random key from (seed, path): independent of the order and number of other images. */
    final long[] keys;

    Items(String[] paths, String[] sourceSplits, int[] start, int[] classIndex, int[] instances, int[] classIds,
          long seed) {
        this.size = paths.length;
        this.paths = paths;
        this.sourceSplits = sourceSplits;
        this.start = start;
        this.classIndex = classIndex;
        this.instances = instances;
        this.classIds = classIds;
        this.keys = new long[size];
        for (int i = 0; i < size; i++) {
            keys[i] = key(seed, paths[i]);
        }
    }

    int classCount() {
        return classIds.length;
    }

    /**
     * The seeded sort key of a path: FNV-1a over its UTF-8 bytes, mixed with the seed by SplitMix64's
     * finaliser. Specified here (not String.hashCode or a database hash) so that replays agree across versions.
     */
    static long key(long seed, String path) {
        long h = 0xcbf29ce484222325L;
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(h ^ mix(seed + 0x9e3779b97f4a7c15L));
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Image indexes sorted by their random key (ties by path, which is the index order). */
    int[] shuffled() {
        return sortByKey(allIndexes());
    }

    int[] allIndexes() {
        int[] all = new int[size];
        for (int i = 0; i < size; i++) {
            all[i] = i;
        }
        return all;
    }

    /**
     * Sorts image indexes into random order: by the top 39 bits of their key, ties by index. Packing the
     * truncated key and the index into one long lets a primitive sort do it (a million images in tens of
     * milliseconds); beyond 2^24 images the full key is compared instead.
     */
    int[] sortByKey(int[] indexes) {
        if (size < (1 << 24)) {
            long[] packed = new long[indexes.length];
            for (int j = 0; j < indexes.length; j++) {
                packed[j] = ((keys[indexes[j]] >>> 25) << 24) | indexes[j];
            }
            Arrays.sort(packed);
            int[] out = new int[indexes.length];
            for (int j = 0; j < packed.length; j++) {
                out[j] = (int) (packed[j] & 0xFFFFFF);
            }
            return out;
        }
        return Arrays.stream(indexes).boxed()
                .sorted((a, b) -> Long.compare(keys[a] >>> 25, keys[b] >>> 25) != 0
                        ? Long.compare(keys[a] >>> 25, keys[b] >>> 25) : Integer.compare(a, b))
                .mapToInt(Integer::intValue).toArray();
    }

    /** For each class, the images having it, in random-key order. */
    int[][] imagesByClass() {
        int[] counts = new int[classCount()];
        for (int k = 0; k < classIndex.length; k++) {
            counts[classIndex[k]]++;
        }
        int[][] byClass = new int[classCount()][];
        for (int c = 0; c < byClass.length; c++) {
            byClass[c] = new int[counts[c]];
        }
        int[] fill = new int[classCount()];
        for (int i : shuffled()) {
            for (int k = start[i]; k < start[i + 1]; k++) {
                byClass[classIndex[k]][fill[classIndex[k]]++] = i;
            }
        }
        return byClass;
    }
}
