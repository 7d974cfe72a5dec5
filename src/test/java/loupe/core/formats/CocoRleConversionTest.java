package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.export.Converter;
import loupe.core.index.Catalog;
import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.Polygon;
import loupe.core.model.Problem;
import loupe.core.model.ProblemKind;
import loupe.core.task.Progress;
import loupe.testing.TestImages;

/** COCO RLE masks from reading to writing: kept by COCO, traced to polygons for the other formats. */
class CocoRleConversionTest {

    private static final Path DATASETS = Path.of("..", "shared", "datasets");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int W = 40, H = 30;

    @TempDir
    Path work;

    /** A 10 x 8 rectangle at (5, 4) with a 2 x 2 hole at (8, 6): 80 - 4 = 76 pixels. */
    private static CocoRle holedRectangle() {
        byte[] mask = new byte[W * H];
        CocoRleTest.fill(mask, W, 5, 4, 10, 8, 1);
        CocoRleTest.fill(mask, W, 8, 6, 2, 2, 0);
        return CocoRleTest.encode(mask, W, H);
    }

    /** A 10 x 10 square at (20, 15): 100 pixels. */
    private static CocoRle square() {
        byte[] mask = new byte[W * H];
        CocoRleTest.fill(mask, W, 20, 15, 10, 10, 1);
        return CocoRleTest.encode(mask, W, H);
    }

    /**
     * One image with a compressed RLE (no bbox, no area) and an uncompressed crowd RLE (with bbox and area),
     * plus {@code extra} annotations.
     */
    private Path dataset(List<Map<String, Object>> extra) throws IOException {
        Path root = work.resolve("src");
        TestImages.write(root.resolve("images/train/a b.png"), W, H);
        List<Map<String, Object>> annotations = new ArrayList<>();
        annotations.add(ann(1, Map.of("size", List.of(H, W), "counts", holedRectangle().toCompressedString()),
                null, 0));
        Map<String, Object> crowd = ann(2, Map.of("counts", Arrays.stream(square().counts()).boxed().toList(),
                "size", List.of(H, W)), List.of(20, 15, 10, 10), 1);
        crowd.put("area", 100);
        annotations.add(crowd);
        annotations.addAll(extra);
        Map<String, Object> coco = new LinkedHashMap<>();
        coco.put("images", List.of(Map.of("id", 1, "file_name", "a b.png", "width", W, "height", H)));
        coco.put("categories", List.of(Map.of("id", 3, "name", "blob")));
        coco.put("annotations", annotations);
        Path json = root.resolve("annotations/instances_train.json");
        Files.createDirectories(json.getParent());
        Files.writeString(json, MAPPER.writeValueAsString(coco), StandardCharsets.UTF_8);
        return root;
    }

    private static Map<String, Object> ann(int id, Object segmentation, List<Integer> bbox, int crowd) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("id", id);
        a.put("image_id", 1);
        a.put("category_id", 3);
        a.put("segmentation", segmentation);
        if (bbox != null) {
            a.put("bbox", bbox);
        }
        a.put("iscrowd", crowd);
        return a;
    }

    private ConversionReport convert(Path source, String to, Path out) throws IOException {
        try (Catalog catalog = Catalog.open(work.resolve("catalog-" + to + ".duckdb"))) {
            return new Converter().convert(source, out, catalog,
                    new Converter.Options("coco", to, ImageMode.COPY, false, 1), Progress.NONE);
        }
    }

    private static Map<String, Long> losses(ConversionReport report) {
        return report.losses().stream()
                .collect(Collectors.toMap(ConversionReport.Loss::kind, ConversionReport.Loss::count));
    }

    @Test
    void readerCarriesTheRunsAndTakesTheBoxFromTheMaskWhenThereIsNone() throws IOException {
        DatasetLoader.Result in = DatasetLoader.load(dataset(List.of()), new CocoFormat());
        assertEquals(List.of(), in.sink().problems());
        Map<String, Annotation> byId = in.sink().annotations().stream()
                .collect(Collectors.toMap(a -> a.attributes().get("id"), a -> a));
        Annotation rectangle = byId.get("1");
        assertEquals(new BoundingBox(5, 4, 10, 8), rectangle.box(), "the mask's pixel bounds");
        assertEquals("rle", rectangle.attributes().get("segmentation"));
        assertEquals("30 40 " + holedRectangle().toCompressedString(), rectangle.attributes().get("rle"));
        assertEquals(List.of(), rectangle.polygons(), "masks are not traced on read");
        Annotation crowd = byId.get("2");
        assertTrue(crowd.crowd());
        assertEquals("rle-uncompressed", crowd.attributes().get("segmentation"));
        assertEquals(square(), CocoRle.fromAttribute(crowd.attributes().get("rle")));
    }

    @Test
    void malformedRleIsAProblemAndTheBoxIsKept() throws IOException {
        Path root = dataset(List.of(
                ann(3, Map.of("size", List.of(H, W), "counts", "n5"), List.of(1, 1, 2, 2), 0), // sums to 190
                ann(4, Map.of("size", List.of(H), "counts", List.of(1, 2)), List.of(3, 3, 1, 1), 0),
                ann(5, Map.of("size", List.of(H, W), "counts", List.of(1, -2)), List.of(4, 4, 1, 1), 0),
                ann(6, Map.of("size", List.of(H, W), "counts", "1~"), List.of(5, 5, 1, 1), 0),
                ann(7, Map.of("counts", "11"), List.of(6, 6, 1, 1), 0)));
        DatasetLoader.Result in = DatasetLoader.load(root, new CocoFormat());

        List<Problem> problems = in.sink().problems();
        assertEquals(List.of("/annotations/2/segmentation", "/annotations/3/segmentation",
                "/annotations/4/segmentation", "/annotations/5/segmentation", "/annotations/6/segmentation"),
                problems.stream().map(Problem::location).toList());
        assertTrue(problems.stream().allMatch(p -> p.kind() == ProblemKind.MALFORMED_ANNOTATION));
        assertTrue(problems.get(0).message().contains("1200 pixels"), problems.get(0).message());
        assertEquals(7, in.sink().annotations().size(), "every annotation is kept with its box");
        for (Annotation a : in.sink().annotations()) {
            if (Integer.parseInt(a.attributes().get("id")) > 2) {
                assertNull(a.attributes().get("rle"));
                assertNotNull(a.box());
            }
        }
    }

    @Test
    void cocoToCocoWritesTheSameRleBack() throws IOException {
        Path source = dataset(List.of());
        Path out = work.resolve("out");
        ConversionReport report = convert(source, "coco", out);
        assertEquals(Map.of(), losses(report));

        JsonNode in = MAPPER.readTree(source.resolve("annotations/instances_train.json").toFile()).get("annotations");
        JsonNode written = MAPPER.readTree(out.resolve("annotations/instances_train.json").toFile())
                .get("annotations");
        assertEquals(2, written.size());
        for (int i = 0; i < 2; i++) {
            assertEquals(in.get(i).get("segmentation"), written.get(i).get("segmentation"),
                    "same counts (the compressed text byte for byte, the list as a list) and size");
        }
        assertEquals("[5,4,10,8]", written.get(0).get("bbox").toString(), "bbox from the mask");
        assertEquals(76, written.get(0).get("area").asInt(), "area from the runs when the source had none");
        assertEquals(100, written.get(1).get("area").asInt());
        assertEquals(1, written.get(1).get("iscrowd").asInt());
        assertFalse(written.get(0).has("attributes"), "the mask attributes are not written as attributes");
    }

    @Test
    void cocoToYoloTracesMasksToSegmentationPolygonsAndReportsTheHole() throws IOException {
        Path out = work.resolve("out");
        ConversionReport report = convert(dataset(List.of()), "yolo", out);

        Map<String, Long> losses = losses(report);
        assertEquals(2L, losses.get("RLE mask"));
        assertEquals(1L, losses.get("RLE mask hole"));
        assertFalse(losses.containsKey("polygon"), "every object has a shape: segmentation lines, no box-only");
        assertFalse(losses.keySet().stream().anyMatch(k -> k.startsWith("attribute 'rle")
                || k.equals("attribute 'segmentation'")), losses.toString());

        List<String> lines = Files.readAllLines(out.resolve("labels/train/a b.txt"));
        assertEquals(2, lines.size());
        assertTrue(lines.stream().allMatch(l -> l.split(" ").length >= 7), "polygon lines: " + lines);

        DatasetLoader.Result back = DatasetLoader.load(out, new YoloFormat());
        assertEquals(List.of(), back.sink().problems());
        List<Long> areas = new ArrayList<>();
        for (Annotation a : back.sink().annotations()) {
            areas.add(CocoRleTest.rasterisedArea(a.polygons(), W, H));
        }
        areas.sort(null);
        // The rectangle's outer contour covers its 76 pixels plus the 4 of the dropped hole; the square is exact.
        assertEquals(List.of(80L, 100L), areas);
    }

    @Test
    void cocoToLabelMeWritesPolygonsAndNoMaskText() throws IOException {
        Path out = work.resolve("out");
        ConversionReport report = convert(dataset(List.of()), "labelme", out);
        assertEquals(2L, losses(report).get("RLE mask"));
        try (Stream<Path> files = Files.walk(out)) {
            List<Path> json = files.filter(p -> p.toString().endsWith(".json")
                    && !p.getFileName().toString().equals(Converter.REPORT_FILE)).toList();
            assertEquals(1, json.size());
            String text = Files.readString(json.get(0));
            assertFalse(text.contains("\"rle\""), text);
            assertTrue(text.contains("polygon"), text);
        }
    }

    @Test
    void datumaroUncompressedRleTracesToItsTwoColumns() throws IOException {
        Path sample = DATASETS.resolve("datumaro/coco/coco_instances");
        Assumptions.assumeTrue(Files.isDirectory(sample), "shared samples absent");
        DatasetLoader.Result in = DatasetLoader.load(sample, new CocoFormat());
        // instances_val.json: {"counts": [0, 20, 30], "size": [10, 5]}: columns 0 and 1 of a 5 x 10 image.
        Annotation crowd = in.sink().annotations().stream().filter(Annotation::crowd).findFirst().orElseThrow();
        MaskContours.Result traced = MaskContours.trace(CocoRle.fromAttribute(crowd.attributes().get("rle")));
        assertEquals(List.of(new Polygon(new double[] {0, 0, 2, 0, 2, 10, 0, 10})), traced.polygons());
    }
}
