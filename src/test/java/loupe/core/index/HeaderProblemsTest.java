package loupe.core.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.task.Progress;
import loupe.testing.CocoFixture;
import loupe.testing.TestImages;

class HeaderProblemsTest {

    @TempDir
    Path dataset;

    @TempDir
    Path cache;

    private IndexResult index(Catalog catalog, IndexOptions options) throws IOException {
        return new Indexer(options).index(catalog, dataset, Progress.NONE);
    }

    private static Map<String, String> problems(Catalog catalog) throws IOException {
        Map<String, String> byPath = new TreeMap<>();
        catalog.query("SELECT path, kind FROM problems", rs -> byPath.merge(rs.getString(1), rs.getString(2),
                (a, b) -> a + "," + b));
        return byPath;
    }

    /** Rotated (EXIF 6), huge (a PNG header claiming 20000x10000) and plain images, plus one file no JSON lists. */
    private void dataset() throws IOException {
        CocoFixture coco = new CocoFixture(dataset).categories("car");
        int plain = coco.image("train", "plain.jpg", 40, 30);
        int rotated = coco.image("train", "rotated.jpg", 40, 30);
        // Listed but not drawn by the fixture (200 Mpx would not fit the test heap); the file is made below.
        int huge = coco.missingImage("val", "huge.png", 20_000, 10_000);
        coco.box(plain, 1, 1, 1, 5, 5).box(rotated, 1, 1, 1, 5, 5).box(huge, 1, 1, 1, 5, 5);
        coco.write();
        Path jpeg = dataset.resolve("images/train/rotated.jpg");
        Files.write(jpeg, loupe.testing.ExifJpegs.withOrientation(Files.readAllBytes(jpeg), 6));
        Path png = dataset.resolve("images/val/huge.png");
        TestImages.write(png, 8, 8);
        byte[] bytes = Files.readAllBytes(png);
        ByteBuffer.wrap(bytes).putInt(16, 20_000).putInt(20, 10_000);   // the header alone says 200 Mpx
        Files.write(png, bytes);
        TestImages.write(dataset.resolve("images/train/stray.jpg"), 10, 10);
    }

    @Test
    void reportsExifOrientationHugeImagesAndImagesNoAnnotationLists() throws IOException {
        dataset();
        try (Catalog catalog = Catalog.open(cache.resolve("c.duckdb"))) {
            index(catalog, new IndexOptions(2, null));
            assertEquals(Map.of("images/train/rotated.jpg", "EXIF_ORIENTATION",
                    "images/val/huge.png", "IMAGE_TOO_LARGE",
                    "images/train/stray.jpg", "IMAGE_NOT_IN_ANNOTATIONS"), problems(catalog));
            String exif = catalog.query("SELECT message FROM problems WHERE kind = 'EXIF_ORIENTATION'",
                    rs -> rs.getString(1)).get(0);
            assertTrue(exif.contains("orientation 6") && exif.contains("30x40") && exif.contains("other frame"), exif);
            String huge = catalog.query("SELECT message FROM problems WHERE kind = 'IMAGE_TOO_LARGE'",
                    rs -> rs.getString(1)).get(0);
            assertTrue(huge.contains("200000000") && huge.contains("178956970"), huge);
            assertEquals(List.of("WARNING", "WARNING", "INFO"), catalog.query("SELECT severity FROM problems"
                    + " ORDER BY CASE kind WHEN 'EXIF_ORIENTATION' THEN 0 WHEN 'IMAGE_TOO_LARGE' THEN 1 ELSE 2 END",
                    rs -> rs.getString(1)));
            assertEquals("178956970", catalog.meta("max_pixels").orElseThrow());
        }
    }

    @Test
    void storesChannelsBitDepthAndOrientationInTheImagesTable() throws IOException {
        dataset();
        try (Catalog catalog = Catalog.open(cache.resolve("c.duckdb"))) {
            index(catalog, new IndexOptions(2, null));
            Map<String, String> facts = new TreeMap<>();
            catalog.query("SELECT path, channels, bit_depth, orientation FROM images", rs -> facts.put(rs.getString(1),
                    rs.getInt(2) + "/" + rs.getInt(3) + "/" + rs.getInt(4)));
            assertEquals(Map.of("images/train/plain.jpg", "3/8/0", "images/train/rotated.jpg", "3/8/6",
                    "images/val/huge.png", "3/8/0"), facts);
            assertEquals(List.of("path", "split", "size", "mtime", "width", "height", "format", "present",
                    "decl_width", "decl_height", "channels", "bit_depth", "orientation"),
                    catalog.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'images'"
                            + " ORDER BY ordinal_position", rs -> rs.getString(1)), "old columns keep their order");
        }
    }

    @Test
    void pixelBudgetIsRememberedAndAChangedBudgetRederivesTheProblems() throws IOException {
        dataset();
        try (Catalog catalog = Catalog.open(cache.resolve("c.duckdb"))) {
            index(catalog, new IndexOptions(2, null).withMaxPixels(1000));
            assertEquals(3, catalog.queryLong("SELECT count(*) FROM problems WHERE kind = 'IMAGE_TOO_LARGE'"),
                    "40x30 = 1200 px is over a budget of 1000 too");
            // Nothing changed on disk and no budget given: the catalog's budget stands.
            index(catalog, new IndexOptions(2, null));
            assertEquals("1000", catalog.meta("max_pixels").orElseThrow());
            assertEquals(3, catalog.queryLong("SELECT count(*) FROM problems WHERE kind = 'IMAGE_TOO_LARGE'"));
            // Nothing changed on disk but a new budget: the problems follow it without re-reading anything.
            IndexResult result = index(catalog, new IndexOptions(2, null).withMaxPixels(300_000_000));
            assertEquals(0, result.headersRead());
            assertEquals(0, catalog.queryLong("SELECT count(*) FROM problems WHERE kind = 'IMAGE_TOO_LARGE'"));
            assertEquals("300000000", catalog.meta("max_pixels").orElseThrow());
        }
    }
}
