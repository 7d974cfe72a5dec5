package loupe.core.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import loupe.core.formats.ConversionReport;
import loupe.core.formats.Formats;
import loupe.core.formats.ImageMode;
import loupe.core.index.Catalog;
import loupe.core.task.Progress;
import loupe.testing.TestImages;

/**
 * The two ways a conversion reads its source, straight into memory and through the catalog, write the same
 * output byte for byte and the same report, for every writable format, from COCO and from YOLO; and the
 * automatic choice between them.
 */
class ConverterRoutesTest {

    @TempDir
    Path work;

    /** Image names whose orders differ between UTF-16 units (Java's String) and code points (DuckDB's VARCHAR). */
    private static final String FULLWIDTH = "\uFF21 fullwidth.jpg";
    private static final String EMOJI = "\uD83D\uDE00 emoji.jpg";

    /**
     * A COCO dataset in two splits: polygons (short decimals and long ones), a crowd object, attributes, an empty
     * image, a missing image, a size declared wrong (the header wins), an unknown category, non-ASCII and
     * space-containing names, category ids with a gap, and the same image declared in both files.
     */
    private Path coco() throws IOException {
        Path root = work.resolve("coco");
        List<Object[]> train = List.of(
                new Object[] {1, "a.jpg", 64, 48, true},
                new Object[] {2, "b b ü.jpg", 40, 30, true},
                new Object[] {3, FULLWIDTH, 32, 32, true},
                new Object[] {4, EMOJI, 32, 24, true},
                new Object[] {5, "empty.jpg", 20, 20, true},
                new Object[] {6, "missing.jpg", 50, 40, false},
                new Object[] {7, "wrong size.png", 99, 99, true});
        List<Map<String, Object>> images = new ArrayList<>();
        for (Object[] i : train) {
            if ((boolean) i[4]) {
                int w = i[1].equals("wrong size.png") ? 30 : (int) i[2];
                int h = i[1].equals("wrong size.png") ? 20 : (int) i[3];
                TestImages.write(root.resolve("images/train").resolve((String) i[1]), w, h);
            }
            images.add(Map.of("id", i[0], "file_name", i[1], "width", i[2], "height", i[3]));
        }
        List<Map<String, Object>> annotations = new ArrayList<>();
        annotations.add(annotation(1, 1, 1, List.of(2, 3, 20, 10), List.of(List.of(2, 3, 22, 3, 22, 13, 2, 13)), 0,
                Map.of("occluded", true, "note", "é \"quoted\"")));
        annotations.add(annotation(2, 1, 2, List.of(10.25, 5.5, 30.75, 20.125),
                List.of(List.of(10.25, 5.5, 41.0, 5.5, 41.0, 25.625), List.of(12.5, 6.5, 13.5, 6.5, 13.5, 7.5)), 0,
                Map.of()));
        annotations.add(annotation(3, 2, 5, List.of(1.1234567890123, 2.2, 30.333333333333332, 20.1),
                List.of(List.of(1.1234567890123, 2.2, 31.456789012345678, 2.2, 31.456789012345678, 22.3)), 1,
                Map.of()));
        annotations.add(annotation(4, 3, 1, List.of(0, 0, 40, 40), List.of(), 0, Map.of()));  // out of bounds
        annotations.add(annotation(5, 4, 9, List.of(1, 1, 5, 5), List.of(), 0, Map.of()));    // unknown category
        annotations.add(annotation(6, 4, 2, List.of(3, 4, 5, 6), List.of(List.of(3, 4, 8, 4, 8, 10)), 0, Map.of()));
        annotations.add(annotation(7, 6, 1, List.of(1, 1, 10, 10), List.of(List.of(1, 1, 11, 1, 11, 11)), 0, Map.of()));
        annotations.add(annotation(8, 7, 5, List.of(1, 1, 25, 15), List.of(List.of(1, 1, 26, 1, 26, 16)), 1, Map.of()));
        annotations.add(annotation(9, 1, 5, List.of(30, 20, 10, 10), List.of(List.of(30, 20, 40, 20, 40, 30)), 0,
                Map.of()));
        writeJson(root.resolve("annotations/instances_train.json"), images, annotations);

        TestImages.write(root.resolve("images/val/c.jpg"), 16, 16);
        writeJson(root.resolve("annotations/instances_val.json"),
                List.of(Map.of("id", 1, "file_name", "c.jpg", "width", 16, "height", 16)),
                List.of(annotation(1, 1, 2, List.of(1, 2, 3, 4), List.of(List.of(1, 2, 4, 2, 4, 6)), 0, Map.of())));
        return root;
    }

    private static Map<String, Object> annotation(int id, int image, int category, List<? extends Number> bbox,
                                                  List<List<? extends Number>> polygons, int crowd,
                                                  Map<String, Object> attributes) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("id", id);
        a.put("image_id", image);
        a.put("category_id", category);
        a.put("bbox", bbox);
        a.put("segmentation", polygons);
        a.put("iscrowd", crowd);
        if (!attributes.isEmpty()) {
            a.put("attributes", attributes);
        }
        return a;
    }

    private static void writeJson(Path file, List<Map<String, Object>> images, List<Map<String, Object>> annotations)
            throws IOException {
        Files.createDirectories(file.getParent());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("images", images);
        json.put("annotations", annotations);
        json.put("categories", List.of(Map.of("id", 1, "name", "car"), Map.of("id", 2, "name", "tree"),
                Map.of("id", 5, "name", "bőat")));
        new ObjectMapper().writeValue(file.toFile(), json);
    }

    private ConversionReport convert(Converter.Route route, Path source, Path out, String to, Path catalogFile)
            throws IOException {
        try (Catalog catalog = Catalog.open(catalogFile)) {
            return new Converter(route).convert(source, out, catalog,
                    new Converter.Options(null, to, ImageMode.NONE, false, 2), Progress.NONE);
        }
    }

    /** Every file under {@code root} by relative path, with its bytes as text (all outputs are text). */
    private static Map<String, String> files(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p).toString(), new String(Files.readAllBytes(p), StandardCharsets.UTF_8));
            }
        }
        return files;
    }

    private void assertSameOutputBothWays(Path source, String name) throws IOException {
        for (String to : Formats.writableIds()) {
            Path viaMemory = work.resolve(name + "-memory-" + to);
            Path viaCatalog = work.resolve(name + "-catalog-" + to);
            ConversionReport memory = convert(Converter.Route.MEMORY, source, viaMemory, to,
                    work.resolve(name + "-m-" + to + ".duckdb"));
            ConversionReport catalog = convert(Converter.Route.CATALOG, source, viaCatalog, to,
                    work.resolve(name + "-c-" + to + ".duckdb"));
            assertEquals(Converter.ReportJson.of(catalog), Converter.ReportJson.of(memory), name + " to " + to);
            Map<String, String> expected = files(viaCatalog);
            assertFalse(expected.isEmpty());
            assertEquals(expected, files(viaMemory), name + " to " + to + ": the same files, the same bytes");
        }
    }

    @Test
    void memoryAndCatalogWriteTheSameBytesFromCoco() throws IOException {
        Path source = coco();
        assertSameOutputBothWays(source, "coco");

        // The case that tells the two orders apart is there: U+FF21 sorts before the emoji by code point.
        Map<String, String> yolo = files(work.resolve("coco-memory-yolo"));
        assertTrue(yolo.containsKey("labels/train/" + FULLWIDTH.replace(".jpg", ".txt")));
        String json = files(work.resolve("coco-memory-coco")).get("annotations/instances_train.json");
        // Jackson writes the emoji as an escaped surrogate pair: look for the rest of its name.
        assertTrue(json.indexOf(FULLWIDTH) < json.indexOf(" emoji.jpg"), "code point order, as DuckDB sorts");
        assertTrue(EMOJI.compareTo(FULLWIDTH) < 0, "String order would have put the emoji first");
        assertTrue(json.contains("\"width\":30,\"height\":20"), "the header's size wins over the declared one");
    }

    @Test
    void memoryAndCatalogWriteTheSameBytesFromYolo() throws IOException {
        Path yolo = work.resolve("yolo");
        ConversionReport report = convert(Converter.Route.MEMORY, coco(), yolo, "yolo", work.resolve("y.duckdb"));
        assertEquals(9, report.annotationsOut(), "all but the unknown category's annotation (the missing image's too)");
        // The YOLO output names images it does not hold (--images none): give it the source's.
        Files.createSymbolicLink(yolo.resolve("images"), work.resolve("coco/images"));
        assertSameOutputBothWays(yolo, "yolo");
    }

    @Test
    void aNewCatalogIsLeftEmptyAndAnIndexedOneIsBroughtUpToDateAndUsed() throws IOException {
        Path source = coco();
        Path catalogFile = work.resolve("auto.duckdb");
        convert(Converter.Route.AUTO, source, work.resolve("first"), "yolo", catalogFile);
        try (Catalog catalog = Catalog.open(catalogFile)) {
            assertFalse(catalog.isIndexed(), "read into memory: the new catalog holds no index");
        }

        try (Catalog catalog = Catalog.open(catalogFile)) {
            new loupe.core.index.Indexer(loupe.core.index.IndexOptions.defaults().withThreads(2))
                    .index(catalog, source, Progress.NONE);
        }
        String indexedAt;
        try (Catalog catalog = Catalog.open(catalogFile)) {
            indexedAt = catalog.meta("indexed_at").orElseThrow();
        }
        convert(Converter.Route.AUTO, source, work.resolve("second"), "yolo", catalogFile);
        try (Catalog catalog = Catalog.open(catalogFile)) {
            assertNotEquals(indexedAt, catalog.meta("indexed_at").orElseThrow(),
                    "an index of the source is brought up to date and read from");
            assertEquals(8, catalog.queryLong("SELECT count(*) FROM images"));
        }
        assertEquals(files(work.resolve("first")), files(work.resolve("second")));
    }

    @Test
    void annotationsTooBigForTheBudgetGoThroughTheCatalog() throws IOException {
        Path source = coco();
        Path catalogFile = work.resolve("small.duckdb");
        try (Catalog catalog = Catalog.open(catalogFile)) {
            new Converter(Converter.Route.AUTO, 100).convert(source, work.resolve("small"), catalog,
                    new Converter.Options(null, "coco", ImageMode.NONE, false, 2), Progress.NONE);
            assertTrue(catalog.isIndexed(), "past the budget, the catalog path was taken");
        }
        convert(Converter.Route.MEMORY, source, work.resolve("big"), "coco", work.resolve("big.duckdb"));
        assertEquals(files(work.resolve("big")), files(work.resolve("small")));
    }
}
