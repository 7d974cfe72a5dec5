package loupe.core.curation;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import loupe.core.audit.NearDuplicates;
import loupe.core.index.IndexOptions;

/**
 * The {@code "near-duplicates"} group rule: images whose dHashes (from {@code loupe index --hashes}) differ in at
 * most the distance the index used for its NEAR_DUPLICATE check are one group, transitively: a chain of near
 * copies (a resized copy of a cropped copy) stays in one split, so no near copy of a training image is validated
 * on. Images without a dHash are in no group under this rule; without any, the rule is skipped with a note.
 */
final class NearDuplicateGroups implements GroupSource {

    @Override
    public boolean keys(Recipe.GroupRule rule, Context context, KeySink sink) throws IOException {
        List<String> columns = context.columns("image_hashes");
        if (!columns.contains("dhash") || !columns.contains("path")) {
            context.note("grouping by near duplicates skipped: the catalog has no dHashes"
                    + " (run `loupe index --hashes` first)");
            return false;
        }
        int[] distance = {IndexOptions.DEFAULT_NEAR_DISTANCE};
        context.forEachKey("SELECT key, value FROM meta WHERE key = 'near_distance'", (key, value) -> {
            try {
                distance[0] = Math.max(0, Math.min(16, Integer.parseInt(value)));
            } catch (NumberFormatException e) {
                // keep the default: the meta value is Loupe's own, a bad one means an old catalog
            }
        });
        List<String> paths = new ArrayList<>();
        long[][] hashes = {new long[1024]};
        context.forEachKey("SELECT h.path, CAST(h.dhash AS VARCHAR) FROM image_hashes h"
                + " JOIN cur_img c ON c.path = h.path WHERE h.dhash IS NOT NULL ORDER BY h.path", (path, hash) -> {
                    if (paths.size() == hashes[0].length) {
                        hashes[0] = java.util.Arrays.copyOf(hashes[0], 2 * paths.size());
                    }
                    hashes[0][paths.size()] = Long.parseLong(hash);
                    paths.add(path);
                });
        if (paths.isEmpty()) {
            context.note("grouping by near duplicates skipped: no dHashes in the catalog"
                    + " (run `loupe index --hashes` first)");
            return false;
        }
        NearDuplicates.Result near = NearDuplicates.search(java.util.Arrays.copyOf(hashes[0], paths.size()),
                distance[0]);
        int[] parent = new int[near.values().length];
        for (int i = 0; i < parent.length; i++) {
            parent[i] = i;
        }
        for (int v = 0; v < parent.length; v++) {
            for (int u : near.neighbours()[v]) {
                int a = root(parent, v), b = root(parent, u);
                if (a != b) {
                    parent[Math.max(a, b)] = Math.min(a, b);
                }
            }
        }
        for (int i = 0; i < paths.size(); i++) {
            sink.accept(paths.get(i), "near:" + root(parent, near.groupOf()[i]));
        }
        return true;
    }

    private static int root(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }
}
