package loupe.core.curation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.index.Catalog;
import loupe.core.index.IndexOptions;
import loupe.core.index.Indexer;
import loupe.core.model.ImageItem;
import loupe.core.task.Progress;
import loupe.testing.CocoFixture;

class NearDuplicateGroupsTest {

    private static final String RECIPE = "{\"split\": {\"method\": \"random\", \"ratios\": {\"a\": 0.5, \"b\": 0.5},"
            + " \"groupBy\": [{\"by\": \"near-duplicates\"}]}}";

    @TempDir
    Path work;

    @Test
    void chainsOfNearCopiesStayInOneSplit() throws Exception {
        CocoFixture coco = new CocoFixture(work.resolve("data")).categories("a");
        for (int photo = 0; photo < 12; photo++) {
            for (int copy = 0; copy < 4; copy++) {
                int id = coco.missingImage("all", "p" + photo + "_copy" + copy + ".jpg", 64, 64);
                coco.box(id, 1, 1, 1, 10, 10);
            }
        }
        Path data = coco.write();
        Path catalogFile = work.resolve("c.duckdb");

        Curations.Selected without = Curations.evaluate(data, catalogFile, RECIPE);
        assertTrue(without.preview().notes().stream().anyMatch(n -> n.contains("no dHashes")),
                without.preview().notes().toString());
        Map<String, Set<String>> ungrouped = splitsOfPhotos(without.images());
        assertTrue(ungrouped.values().stream().anyMatch(s -> s.size() > 1), "the test needs mixed photos: " + ungrouped);

        try (Catalog catalog = Catalog.open(catalogFile)) {
            new Indexer(new IndexOptions(1, null)).index(catalog, data, Progress.NONE);
        }
        // Copies of one photo form a chain 3 bits apart each: copy 0 and copy 3 differ in 9 bits, more than the
        // near-duplicate distance (4), so only a transitive grouping keeps the four together. Photos are random.
        Random random = new Random(3);
        long[] bases = random.longs(12).toArray();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + catalogFile);
             PreparedStatement ps = c.prepareStatement("INSERT INTO image_hashes(path, dhash) VALUES (?, ?)");
             java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT path FROM images")) {
            int rows = 0;
            while (rs.next()) {
                String path = rs.getString(1);
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("p(\\d+)_copy(\\d)").matcher(path);
                assertTrue(m.find(), path);
                int photo = Integer.parseInt(m.group(1)), copy = Integer.parseInt(m.group(2));
                ps.setString(1, path);
                ps.setLong(2, bases[photo] ^ ((1L << (3 * copy)) - 1));
                ps.executeUpdate();
                rows++;
            }
            assertEquals(48, rows);
        }
        Curations.Selected with = Curations.evaluate(data, catalogFile, RECIPE);
        assertTrue(with.preview().notes().isEmpty(), with.preview().notes().toString());
        Map<String, Set<String>> grouped = splitsOfPhotos(with.images());
        assertEquals(12, grouped.size());
        grouped.forEach((photo, splits) -> assertEquals(1, splits.size(), photo + " is in " + splits));
        assertTrue(new HashSet<>(grouped.values()).size() > 1, "both splits are used: " + grouped);
    }

    private static Map<String, Set<String>> splitsOfPhotos(Map<String, ImageItem> images) {
        Map<String, Set<String>> out = new TreeMap<>();
        images.values().forEach(i -> out.computeIfAbsent(i.path().replaceAll(".*(p\\d+)_.*", "$1"),
                k -> new HashSet<>()).add(i.split()));
        return out;
    }
}
