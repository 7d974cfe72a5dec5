package loupe.core.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.audit.Pictures;
import loupe.core.task.Progress;
import loupe.testing.CocoFixture;

class ContentChecksTest {

    @TempDir
    Path dataset;

    @TempDir
    Path cache;

    private static final IndexOptions HASHES = new IndexOptions(2, null).withHashes(true);

    private IndexResult index(Catalog catalog, IndexOptions options) throws IOException {
        return new Indexer(options).index(catalog, dataset, Progress.NONE);
    }

    /** path -> "KIND,KIND" of the content-check kinds only. */
    private static Map<String, String> contentProblems(Catalog catalog) throws IOException {
        Map<String, String> byPath = new TreeMap<>();
        catalog.query("SELECT path, kind FROM problems WHERE kind IN ('DUPLICATE_IMAGE', 'NEAR_DUPLICATE',"
                + " 'SPLIT_LEAKAGE', 'CORRUPT_IMAGE') ORDER BY kind", rs -> byPath.merge(rs.getString(1),
                rs.getString(2), (a, b) -> a + "," + b));
        return byPath;
    }

    private static String message(Catalog catalog, String kind, String path) throws IOException {
        return catalog.query("SELECT message FROM problems WHERE kind = ? AND path = ?", rs -> rs.getString(1),
                kind, path).get(0);
    }

    /**
     * train: a (picture 1), a_copy (same bytes), b (picture 2), b_small (picture 2 resized, re-encoded),
     * c (picture 3); val: c_leak (same bytes as train/c), d (picture 4), d_near (picture 4 resized) and
     * e (picture 5); test: b_leak (picture 2 as JPEG).
     */
    private void dataset() throws IOException {
        CocoFixture coco = new CocoFixture(dataset).categories("thing");
        for (String[] img : new String[][] {{"train", "a.jpg"}, {"train", "a_copy.jpg"}, {"train", "b.png"},
                {"train", "b_small.jpg"}, {"train", "c.jpg"}, {"val", "c_leak.jpg"}, {"val", "d.png"},
                {"val", "d_near.jpg"}, {"val", "e.jpg"}, {"test", "b_leak.jpg"}}) {
            coco.missingImage(img[0], img[1], 0, 0);   // files written below, with distinct pictures
        }
        coco.write();
        BufferedImage one = Pictures.picture(1, 320, 240);
        BufferedImage two = Pictures.picture(2, 400, 300);
        BufferedImage four = Pictures.picture(4, 500, 400);
        Path a = Pictures.write(one, dataset.resolve("images/train/a.jpg"));
        Files.copy(a, dataset.resolve("images/train/a_copy.jpg"));
        Pictures.write(two, dataset.resolve("images/train/b.png"));
        Pictures.write(Pictures.resized(two, 200, 150), dataset.resolve("images/train/b_small.jpg"));
        Path c = Pictures.write(Pictures.picture(3, 300, 300), dataset.resolve("images/train/c.jpg"));
        Files.createDirectories(dataset.resolve("images/val"));
        Files.copy(c, dataset.resolve("images/val/c_leak.jpg"));
        Pictures.write(four, dataset.resolve("images/val/d.png"));
        Pictures.write(Pictures.resized(four, 250, 200), dataset.resolve("images/val/d_near.jpg"));
        Pictures.write(Pictures.picture(5, 300, 200), dataset.resolve("images/val/e.jpg"));
        Pictures.write(two, dataset.resolve("images/test/b_leak.jpg"));
    }

    @Test
    void findsExactAndNearDuplicatesAndLeakageAcrossSplits() throws IOException {
        dataset();
        try (Catalog catalog = Catalog.open(cache.resolve("c.duckdb"))) {
            index(catalog, HASHES);
            Map<String, String> found = contentProblems(catalog);
            // b_small is a smaller copy of b: near b and maybe near b_leak (test split) too, depending on the
            // bits the resize flips; the rest is exact.
            String bSmall = found.remove("images/train/b_small.jpg");
            assertTrue(bSmall.startsWith("NEAR_DUPLICATE"), bSmall);
            assertEquals(Map.of(
                    "images/train/a.jpg", "DUPLICATE_IMAGE",
                    "images/train/a_copy.jpg", "DUPLICATE_IMAGE",
                    "images/train/b.png", "NEAR_DUPLICATE,SPLIT_LEAKAGE",
                    "images/test/b_leak.jpg", "SPLIT_LEAKAGE",
                    "images/train/c.jpg", "SPLIT_LEAKAGE",
                    "images/val/c_leak.jpg", "SPLIT_LEAKAGE",
                    "images/val/d.png", "NEAR_DUPLICATE",
                    "images/val/d_near.jpg", "NEAR_DUPLICATE"), found);
            assertTrue(message(catalog, "DUPLICATE_IMAGE", "images/train/a.jpg").contains("images/train/a_copy.jpg"));
            String leak = message(catalog, "SPLIT_LEAKAGE", "images/val/c_leak.jpg");
            assertTrue(leak.contains("'val'") && leak.contains("'train' images/train/c.jpg") && leak.contains("identical"),
                    leak);
            String near = message(catalog, "NEAR_DUPLICATE", "images/val/d_near.jpg");
            assertTrue(near.contains("images/val/d.png") && near.contains("dHash distance"), near);
            assertEquals(List.of("ERROR"), catalog.query("SELECT DISTINCT severity FROM problems"
                    + " WHERE kind = 'SPLIT_LEAKAGE'", rs -> rs.getString(1)));
            assertEquals("on", catalog.meta("content_hashes").orElseThrow());
        }
    }

    @Test
    void hashesAreReusedForUnchangedFilesAndRecomputedForChangedOnes() throws IOException {
        dataset();
        try (Catalog catalog = Catalog.open(cache.resolve("c.duckdb"))) {
            index(catalog, HASHES);
            ContentChecks.Settings settings = new ContentChecks.Settings(true, false, 4, 2);
            ContentChecks.Result again = ContentChecks.run(catalog, settings, Progress.NONE);
            assertEquals(10, again.images());
            assertEquals(0, again.hashed(), "nothing changed: every hash comes from the catalog");
            assertEquals(9, contentProblems(catalog).size(), "same problems from cached hashes");

            // Replace a_copy with a different picture (new size and mtime): only it is hashed again, and the
            // re-index keeps the content checks on without being asked.
            Path copy = dataset.resolve("images/train/a_copy.jpg");
            Pictures.write(Pictures.picture(9, 100, 80), copy);
            Files.setLastModifiedTime(copy, FileTime.fromMillis(System.currentTimeMillis() + 5000));
            index(catalog, new IndexOptions(2, null));
            ContentChecks.Result third = ContentChecks.run(catalog, settings, Progress.NONE);
            assertEquals(0, third.hashed());
            Map<String, String> problems = contentProblems(catalog);
            assertFalse(problems.containsKey("images/train/a.jpg"), problems.toString());
            assertFalse(problems.containsKey("images/train/a_copy.jpg"), problems.toString());
            assertEquals(1, catalog.queryLong("SELECT count(*) FROM image_hashes WHERE path = ?",
                    "images/train/a_copy.jpg"), "one cached hash per file, the old one forgotten");
        }
    }

    @Test
    void reindexingWithoutChangesDoesNotHashAgain() throws IOException {
        dataset();
        try (Catalog catalog = Catalog.open(cache.resolve("c.duckdb"))) {
            IndexResult first = index(catalog, HASHES);
            assertTrue(first.phaseMillis().containsKey("hashes"));
            IndexResult second = index(catalog, HASHES);
            assertFalse(second.phaseMillis().containsKey("hashes"), "nothing changed, no content pass at all");
            assertEquals(9, contentProblems(catalog).size());
            // A new near distance re-derives the problems from cached hashes.
            IndexResult third = index(catalog, HASHES.withNearDistance(0));
            assertTrue(third.phaseMillis().containsKey("hashes"));
            assertFalse(contentProblems(catalog).containsValue("NEAR_DUPLICATE"));
        }
    }

    @Test
    void deepDecodeFindsDamageTheHeaderCheckMisses() throws IOException {
        dataset();
        // Zero the middle of e.jpg's entropy-coded data: the markers at both ends stay, the header check passes.
        Path e = dataset.resolve("images/val/e.jpg");
        byte[] bytes = Files.readAllBytes(e);
        for (int i = bytes.length / 2; i < bytes.length / 2 + 400; i++) {
            bytes[i] = (byte) 0xFF;
        }
        Files.write(e, bytes);
        try (Catalog catalog = Catalog.open(cache.resolve("c.duckdb"))) {
            index(catalog, new IndexOptions(2, null));
            assertEquals(0, catalog.queryLong("SELECT count(*) FROM problems WHERE kind = 'CORRUPT_IMAGE'"));
            index(catalog, new IndexOptions(2, null).withDeep(true));
            assertEquals(List.of("images/val/e.jpg"), catalog.query("SELECT path FROM problems"
                    + " WHERE kind = 'CORRUPT_IMAGE'", rs -> rs.getString(1)));
            assertTrue(message(catalog, "CORRUPT_IMAGE", "images/val/e.jpg").length() > 10);
            assertEquals(10, catalog.queryLong("SELECT count(*) FROM decode_cache"));
            assertEquals(1, catalog.queryLong("SELECT count(*) FROM decode_cache WHERE error IS NOT NULL"));
        }
    }

    @Test
    void cancelledContentChecksStoreNothing() throws IOException {
        dataset();
        try (Catalog catalog = Catalog.open(cache.resolve("c.duckdb"))) {
            index(catalog, new IndexOptions(2, null));
            Progress cancelled = new Progress() {
                @Override
                public void update(String phase, long done, long total) {
                }

                @Override
                public boolean isCancelled() {
                    return true;
                }
            };
            org.junit.jupiter.api.Assertions.assertThrows(CancellationException.class, () -> ContentChecks.run(
                    catalog, new ContentChecks.Settings(true, true, 4, 2), cancelled));
            assertEquals(0, catalog.queryLong("SELECT count(*) FROM image_hashes"));
            assertTrue(catalog.meta("content_hashes").isEmpty());
        }
    }
}
