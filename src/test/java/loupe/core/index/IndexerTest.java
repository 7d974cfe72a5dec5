package loupe.core.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.formats.UnknownFormatException;
import loupe.core.stats.DatasetStats;
import loupe.core.stats.Statistics;
import loupe.core.task.Progress;
import loupe.testing.CocoFixture;
import loupe.testing.TestImages;

class IndexerTest {

    @TempDir
    Path dataset;

    @TempDir
    Path cache;

    private Catalog catalog() throws IOException {
        return Catalog.open(cache.resolve("catalog.duckdb"));
    }

    private IndexResult index(Catalog catalog) throws IOException {
        return new Indexer(IndexOptions.defaults().withThreads(3)).index(catalog, dataset, Progress.NONE);
    }

    /** 4 train + 2 val images, 3 classes (one unused), 7 boxes, all clean. */
    private void cleanCoco() {
        CocoFixture coco = new CocoFixture(dataset).categories("car", "tree", "boat");
        int a = coco.image("train", "a.jpg", 200, 100);
        int b = coco.image("train", "b.jpg", 64, 64);
        int c = coco.image("train", "c.png", 30, 40);
        int d = coco.image("train", "d.jpg", 100, 100);
        int e = coco.image("val", "e.jpg", 80, 60);
        int f = coco.image("val", "f.jpg", 80, 60);
        coco.box(a, 1, 10, 10, 50, 20).box(a, 1, 100, 50, 20, 20).box(a, 2, 0, 0, 200, 100)
                .box(b, 2, 1, 1, 10, 10).box(c, 1, 5, 5, 5, 5).box(d, 1, 0.5, 0.5, 99, 99)
                .box(e, 2, 10, 10, 10, 10).box(f, 1, 0, 0, 80, 60);
        coco.write();
    }

    @Test
    void indexesCocoWithExactCounts() throws IOException {
        cleanCoco();
        try (Catalog catalog = catalog()) {
            IndexResult result = index(catalog);
            assertEquals("coco", result.format());
            assertEquals(8, result.files());
            assertEquals(6, result.images());
            assertEquals(8, result.annotations());
            assertEquals(3, result.classes());
            assertEquals(0, result.problems(), problems(catalog).toString());

            DatasetStats stats = Statistics.compute(catalog, null, 100);
            assertEquals(List.of(new DatasetStats.ClassCount(1, "car", 5, 4),
                    new DatasetStats.ClassCount(2, "tree", 3, 3),
                    new DatasetStats.ClassCount(3, "boat", 0, 0)), stats.classes());
            assertEquals(List.of("train", "val"), stats.splits().stream().map(DatasetStats.SplitCount::name).toList());
            assertEquals(4, stats.splits().get(0).images());
            assertEquals(6, stats.splits().get(0).annotations());
            assertEquals(2, stats.splits().get(1).images());
            assertEquals(2, stats.splits().get(1).annotations());
            assertEquals(List.of(80, 60), catalog.query("SELECT width, height FROM images WHERE path = ?",
                    rs -> List.of(rs.getInt(1), rs.getInt(2)), "images/val/e.jpg").get(0));
        }
    }

    @Test
    void reportsDatasetWideProblems() throws IOException {
        CocoFixture coco = new CocoFixture(dataset).categories("car");
        int ok = coco.image("train", "ok.jpg", 100, 100);
        int outside = coco.image("train", "outside.jpg", 100, 100);
        int zero = coco.image("train", "zero.jpg", 100, 100);
        int unknown = coco.image("train", "unknown.jpg", 100, 100);
        int missing = coco.missingImage("train", "missing.jpg", 100, 100);
        int corrupt = coco.image("train", "corrupt.jpg", 100, 100);
        coco.image("train", "empty.jpg", 100, 100);
        coco.box(ok, 1, 0, 0, 100, 100).box(outside, 1, 90, 90, 20, 20).box(zero, 1, 10, 10, 0, 5)
                .box(unknown, 7, 1, 1, 5, 5).box(missing, 1, 1, 1, 5, 5).box(corrupt, 1, 1, 1, 5, 5);
        coco.write();
        TestImages.truncate(dataset.resolve("images/train/corrupt.jpg"));

        try (Catalog catalog = catalog()) {
            index(catalog);
            Map<String, String> byPath = problems(catalog);
            assertEquals(Map.of(
                    "images/train/outside.jpg", "BOX_OUT_OF_BOUNDS",
                    "images/train/zero.jpg", "INVALID_BOX",
                    "images/train/unknown.jpg", "UNKNOWN_CLASS",
                    "images/train/missing.jpg", "MISSING_IMAGE",
                    "images/train/corrupt.jpg", "CORRUPT_IMAGE",
                    "images/train/empty.jpg", "IMAGE_WITHOUT_ANNOTATIONS"), byPath);
            String message = catalog.query("SELECT message FROM problems WHERE kind = 'BOX_OUT_OF_BOUNDS'",
                    rs -> rs.getString(1)).get(0);
            assertTrue(message.contains("partly outside the 100x100 image"), message);
        }
    }

    @Test
    void reindexWithNothingChangedReadsNothingAgain() throws IOException {
        cleanCoco();
        try (Catalog catalog = catalog()) {
            IndexResult first = index(catalog);
            assertEquals(6, first.headersRead());
            assertEquals(2, first.unitsParsed());

            IndexResult second = index(catalog);
            assertEquals(0, second.headersRead());
            assertEquals(0, second.unitsParsed());
            assertEquals(2, second.unitsReused());
            assertEquals(first.images(), second.images());
            assertEquals(first.annotations(), second.annotations());
            assertEquals(first.problems(), second.problems());
        }
    }

    @Test
    void readsEveryHeaderOfADatasetLargerThanOneReadingChunk() throws IOException {
        // Headers are read 8,192 at a time while the chunk before is staged: 8,200 images span two chunks.
        // Image i is i+1 px wide (sizes cycle every 50) so a header staged for the wrong file would show.
        int n = 8_200;
        Map<Integer, byte[]> bytesByWidth = new TreeMap<>();
        for (int w = 1; w <= 50; w++) {
            bytesByWidth.put(w, Files.readAllBytes(TestImages.write(cache.resolve("src/" + w + ".jpg"), w, 7)));
        }
        Path folder = Files.createDirectories(dataset.resolve("cat"));
        for (int i = 0; i < n; i++) {
            Files.write(folder.resolve(String.format("%05d.jpg", i)), bytesByWidth.get(i % 50 + 1));
        }
        // Truncated images at both ends and on both sides of the chunk boundary (listing order is by name).
        int[] truncated = {0, 8_191, 8_192, n - 1};
        for (int i : truncated) {
            TestImages.truncate(folder.resolve(String.format("%05d.jpg", i)));
        }
        try (Catalog catalog = catalog()) {
            IndexResult result = new Indexer(IndexOptions.defaults().withThreads(3).withFormat("folders"))
                    .index(catalog, dataset, Progress.NONE);
            assertEquals(n, result.headersRead());
            assertEquals(n, result.images());
            assertEquals(0, catalog.queryLong("SELECT count(*) FROM images"
                    + " WHERE width <> CAST(substr(path, 5, 5) AS INTEGER) % 50 + 1 OR height <> 7"));
            assertEquals(n, catalog.queryLong("SELECT count(*) FROM header_cache"));
            List<String> corrupt = catalog.query("SELECT path FROM problems WHERE kind = 'CORRUPT_IMAGE' ORDER BY path",
                    rs -> rs.getString(1));
            assertEquals(List.of("cat/00000.jpg", "cat/08191.jpg", "cat/08192.jpg", "cat/08199.jpg"), corrupt);

            // With the cache filled, only the changed image is read again.
            Files.write(folder.resolve("08192.jpg"), bytesByWidth.get(3));
            IndexResult again = new Indexer(IndexOptions.defaults().withThreads(3).withFormat("folders"))
                    .index(catalog, dataset, Progress.NONE);
            assertEquals(1, again.headersRead());
            assertEquals(3, catalog.queryLong("SELECT width FROM images WHERE path = 'cat/08192.jpg'"));
            assertEquals(3, catalog.queryLong("SELECT count(*) FROM problems WHERE kind = 'CORRUPT_IMAGE'"));
        }
    }

    @Test
    void reindexPicksUpChangedAddedAndRemovedFiles() throws IOException {
        cleanCoco();
        try (Catalog catalog = catalog()) {
            index(catalog);
            // A changed image (new size, new mtime), a removed image, and a changed val annotation file.
            TestImages.write(dataset.resolve("images/train/b.jpg"), 640, 480);
            Files.setLastModifiedTime(dataset.resolve("images/train/b.jpg"), FileTime.fromMillis(1_000_000));
            Files.delete(dataset.resolve("images/train/d.jpg"));
            Path val = dataset.resolve("annotations/instances_val.json");
            Files.writeString(val, Files.readString(val).replace("\"bbox\":[0.0,0.0,80.0,60.0]",
                    "\"bbox\":[0.0,0.0,80.0,60.0]},{\"id\":99,\"image_id\":5,\"category_id\":3,\"bbox\":[1,2,3,4]"));

            IndexResult result = index(catalog);
            assertEquals(1, result.headersRead());
            assertEquals(1, result.unitsParsed());
            assertEquals(1, result.unitsReused());
            assertEquals(9, result.annotations());
            assertEquals(List.of(640, 480), catalog.query("SELECT width, height FROM images WHERE path = ?",
                    rs -> List.of(rs.getInt(1), rs.getInt(2)), "images/train/b.jpg").get(0));
            assertEquals("MISSING_IMAGE", problems(catalog).get("images/train/d.jpg"));
            assertEquals(1, Statistics.compute(catalog, "val", 10).classes().get(2).instances());
        }
    }

    @Test
    void cancelledIndexKeepsThePreviousIndex() throws IOException {
        cleanCoco();
        try (Catalog catalog = catalog()) {
            IndexResult first = index(catalog);
            TestImages.write(dataset.resolve("images/train/extra.jpg"), 10, 10);
            Progress cancelDuringScan = new Progress() {
                private volatile boolean cancelled;

                @Override
                public void update(String phase, long done, long total) {
                    if (phase.equals("scanning")) {
                        cancelled = true;
                    }
                }

                @Override
                public boolean isCancelled() {
                    return cancelled;
                }
            };
            assertThrows(CancellationException.class,
                    () -> new Indexer(IndexOptions.defaults()).index(catalog, dataset, cancelDuringScan));
            assertEquals(first.images(), catalog.queryLong("SELECT count(*) FROM images"));
            assertEquals(first.annotations(), catalog.queryLong("SELECT count(*) FROM annotations"));
            assertEquals("8", catalog.meta("files").orElseThrow());

            IndexResult after = index(catalog);
            assertEquals(9, after.files());
        }
    }

    @Test
    void cancellingWhileTheReaderRunsStopsTheHeaderReadingBesideIt() throws Exception {
        CocoFixture coco = new CocoFixture(dataset).categories("car");
        for (int i = 0; i < 400; i++) {
            coco.box(coco.image("train", "img" + i + ".jpg", 32, 24), 1, 1, 1, 10, 10);
        }
        coco.write();
        List<String> phases = new java.util.concurrent.CopyOnWriteArrayList<>();
        Progress cancelOnAnnotations = new Progress() {
            private volatile boolean cancelled;

            @Override
            public void update(String phase, long done, long total) {
                phases.add(phase);
                if (phase.equals("annotations")) {
                    cancelled = true;
                }
            }

            @Override
            public boolean isCancelled() {
                return cancelled;
            }
        };
        try (Catalog catalog = catalog()) {
            assertThrows(CancellationException.class,
                    () -> new Indexer(IndexOptions.defaults().withThreads(2)).index(catalog, dataset,
                            cancelOnAnnotations));
            assertFalse(catalog.isIndexed());
            // Header progress is held back while the reader runs, and no header reading outlives the index.
            assertFalse(phases.contains("headers"), phases.toString());
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().equals("loupe-headers")) {
                    t.join(5_000);
                    assertFalse(t.isAlive(), "header reading still running after the index returned");
                }
            }
            IndexResult after = index(catalog);
            assertEquals(400, after.images());
            assertEquals(400, catalog.queryLong("SELECT count(*) FROM images WHERE width = 32 AND height = 24"));
        }
    }

    @Test
    void neverWritesIntoTheDataset() throws IOException {
        cleanCoco();
        Map<String, Long> before = snapshot(dataset);
        try (Catalog catalog = catalog()) {
            index(catalog);
            index(catalog);
        }
        assertEquals(before, snapshot(dataset));
    }

    @Test
    void catalogReopensWithoutTheDataset() throws IOException {
        cleanCoco();
        try (Catalog catalog = catalog()) {
            index(catalog);
        }
        try (Catalog reopened = catalog()) {
            assertTrue(reopened.isIndexed());
            assertEquals(6, Statistics.compute(reopened, null, 10).images());
        }
    }

    @Test
    void unknownFormatIsAClearError() throws IOException {
        Files.writeString(dataset.resolve("notes.md"), "nothing here");
        try (Catalog catalog = catalog()) {
            UnknownFormatException e = assertThrows(UnknownFormatException.class, () -> index(catalog));
            assertTrue(e.getMessage().startsWith("no known dataset format found"), e.getMessage());
            assertFalse(catalog.isIndexed());
        }
    }

    @Test
    void missingFolderIsAClearError() throws IOException {
        try (Catalog catalog = catalog()) {
            assertThrows(NoSuchFileException.class, () -> new Indexer(IndexOptions.defaults())
                    .index(catalog, dataset.resolve("nope"), Progress.NONE));
        }
    }

    @Test
    void skipsFifoNamedLikeAnImageInsteadOfBlocking() throws Exception {
        cleanCoco();
        Process mkfifo = new ProcessBuilder("mkfifo", dataset.resolve("images/train/pipe.jpg").toString()).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mkfifo.waitFor() == 0, "mkfifo not available");
        try (Catalog catalog = catalog()) {
            index(catalog);
            assertEquals("OTHER", problems(catalog).get("images/train/pipe.jpg"));
        }
    }

    @Test
    void reparsesOnlyTheYoloLabelFileThatChanged() throws IOException {
        Files.createDirectories(dataset.resolve("labels/train"));
        Files.writeString(dataset.resolve("data.yaml"), "names: [cat, dog]\n");
        for (int i = 0; i < 5; i++) {
            TestImages.write(dataset.resolve("images/train/" + i + ".png"), 200, 100);
            Files.writeString(dataset.resolve("labels/train/" + i + ".txt"), "0 0.5 0.5 0.5 0.2\n");
        }
        try (Catalog catalog = catalog()) {
            IndexResult first = index(catalog);
            assertEquals("yolo", first.format());
            assertEquals(5, first.annotations());

            Files.writeString(dataset.resolve("labels/train/3.txt"), "1 0.5 0.5 0.5 0.2\n1 0.25 0.25 0.1 0.1\n");
            IndexResult second = index(catalog);
            assertEquals(1, second.unitsParsed());
            assertEquals(4, second.unitsReused());
            assertEquals(0, second.headersRead());
            assertEquals(6, second.annotations());
            // The reused units kept their pixel boxes; the re-parsed one converted with the cached image size.
            assertEquals(List.of(50.0, 40.0, 100.0, 20.0), catalog.query(
                    "SELECT x, y, w, h FROM annotations WHERE image_path = 'images/train/0.png'",
                    rs -> List.of(rs.getDouble(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4))).get(0));
            assertEquals(List.of(40.0, 20.0, 20.0, 10.0), catalog.query(
                    "SELECT x, y, w, h FROM annotations WHERE image_path = 'images/train/3.png' AND w < 50",
                    rs -> List.of(rs.getDouble(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4))).get(0));
            assertEquals(List.of(new DatasetStats.ClassCount(0, "cat", 4, 4), new DatasetStats.ClassCount(1, "dog", 2, 1)),
                    Statistics.compute(catalog, null, 10).classes());
        }
    }

    @Test
    void placesYoloBoxesOnATruncatedImageAndStillReportsIt() throws IOException {
        Files.createDirectories(dataset.resolve("labels/train"));
        Files.writeString(dataset.resolve("data.yaml"), "names: [cat]\n");
        TestImages.write(dataset.resolve("images/train/cut.jpg"), 200, 100);
        TestImages.truncate(dataset.resolve("images/train/cut.jpg"));
        Files.writeString(dataset.resolve("labels/train/cut.txt"), "0 0.5 0.5 0.5 0.2\n");
        try (Catalog catalog = catalog()) {
            IndexResult result = index(catalog);
            assertEquals(1, result.annotations());
            assertEquals(List.of(50.0, 40.0, 100.0, 20.0), catalog.query("SELECT x, y, w, h FROM annotations",
                    rs -> List.of(rs.getDouble(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4))).get(0));
            assertEquals(Map.of("images/train/cut.jpg", "CORRUPT_IMAGE"), problems(catalog));
        }
    }

    @Test
    void keepsPolygonsInTheCatalog() throws IOException {
        TestImages.write(dataset.resolve("images/a.jpg"), 100, 100);
        Files.createDirectories(dataset.resolve("annotations"));
        Files.writeString(dataset.resolve("annotations/instances_all.json"), "{\"images\":[{\"id\":1,"
                + "\"file_name\":\"a.jpg\",\"width\":100,\"height\":100}],\"annotations\":[{\"id\":1,"
                + "\"image_id\":1,\"category_id\":1,\"bbox\":[10,10,20,20],\"segmentation\":[[10,10,30,10,30.5,30]]}],"
                + "\"categories\":[{\"id\":1,\"name\":\"x\"}]}");
        try (Catalog catalog = catalog()) {
            index(catalog);
            byte[] blob = catalog.query("SELECT polygons FROM annotations", rs -> rs.getBytes(1)).get(0);
            assertEquals(List.of(new loupe.core.model.Polygon(new double[] {10, 10, 30, 10, 30.5, 30})),
                    Polygons.decode(blob));
        }
    }

    @Test
    void reportsFileThatVanishesDuringIndexing() throws IOException {
        cleanCoco();
        Path victim = dataset.resolve("images/train/c.png");
        Progress deleteAfterListing = new Progress() {
            @Override
            public void update(String phase, long done, long total) {
                if (phase.equals("scanning")) {
                    try {
                        Files.deleteIfExists(victim);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }

            @Override
            public boolean isCancelled() {
                return false;
            }
        };
        try (Catalog catalog = catalog()) {
            new Indexer(IndexOptions.defaults()).index(catalog, dataset, deleteAfterListing);
            List<String> kinds = catalog.query("SELECT kind FROM problems WHERE path = 'images/train/c.png' ORDER BY kind",
                    rs -> rs.getString(1));
            assertEquals(List.of("FILE_VANISHED", "MISSING_IMAGE"), kinds);
        }
    }

    @Test
    void reportsBrokenSymbolicLinkAsSuch() throws IOException {
        cleanCoco();
        Files.createSymbolicLink(dataset.resolve("images/train/gone.jpg"), dataset.resolve("nowhere.jpg"));
        try (Catalog catalog = catalog()) {
            index(catalog);
            assertEquals(List.of("broken symbolic link: its target does not exist"), catalog.query(
                    "SELECT message FROM problems WHERE path = 'images/train/gone.jpg'", rs -> rs.getString(1)));
        }
    }

    @Test
    void reportsUnreadableFolderAndGoesOn() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeFalse("root".equals(System.getProperty("user.name")),
                "root reads every folder");
        cleanCoco();
        Path locked = Files.createDirectories(dataset.resolve("images/locked"));
        TestImages.write(locked.resolve("x.jpg"), 5, 5);
        locked.toFile().setReadable(false);
        try (Catalog catalog = catalog()) {
            IndexResult result = index(catalog);
            assertEquals(6, result.images());
            assertEquals("PERMISSION_DENIED", problems(catalog).get("images/locked"));
        } finally {
            locked.toFile().setReadable(true);
        }
    }

    private static Map<String, String> problems(Catalog catalog) throws IOException {
        return new TreeMap<>(catalog.query("SELECT path, kind FROM problems", rs -> Map.entry(rs.getString(1),
                rs.getString(2))).stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    private static Map<String, Long> snapshot(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return new TreeMap<>(files.collect(Collectors.toMap(p -> root.relativize(p).toString(), p -> {
                try {
                    return Files.getLastModifiedTime(p).toMillis() * 31 + (Files.isDirectory(p) ? 0 : Files.size(p));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            })));
        }
    }
}
