package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageItem;
import loupe.core.model.Polygon;
import loupe.core.task.Progress;

/**
 * The COCO writer formats annotations in batches on background threads: the file must still hold every
 * annotation once, in write order with ids 1..N, each number reading back as the value written, and the
 * report must hear of losses in the order they occur.
 */
class CocoWriterBatchesTest {

    @TempDir
    Path work;

    /** Images 0..n-1 in two splits; every image has 4 objects with 24-point polygons of 17-digit coordinates. */
    private static DatasetSource source(Path root, int imageCount) {
        return new DatasetSource() {
            @Override
            public Path root() {
                return root;
            }

            @Override
            public List<ClassLabel> classes() {
                return List.of(new ClassLabel(1, "car"), new ClassLabel(2, "tree"));
            }

            @Override
            public long imageCount() {
                return imageCount;
            }

            @Override
            public void forEachImage(ImageVisitor visitor) throws IOException {
                Random random = new Random(42);
                for (int i = 0; i < imageCount; i++) {
                    String split = i % 3 == 0 ? "val" : "train";
                    ImageItem image = new ImageItem(String.format("images/%s/%05d.jpg", split, i), 10, 1, 640,
                            480, "jpeg", split);
                    List<Annotation> annotations = new ArrayList<>();
                    for (int k = 0; k < 4; k++) {
                        double[] points = new double[48];
                        for (int p = 0; p < points.length; p++) {
                            points[p] = random.nextDouble() * 400;   // 15-17 significant digits
                        }
                        Polygon polygon = new Polygon(points);
                        // A loss late in the stream (an attribute COCO drops) and one early (renumbered ids).
                        Map<String, String> attributes = i == imageCount - 1 && k == 3
                                ? Map.of("iscrowd", "1") : i == 0 ? Map.of("id", "999") : Map.of();
                        annotations.add(new Annotation(image.path(), 1 + k % 2, polygon.bounds(), List.of(polygon),
                                false, attributes));
                    }
                    visitor.visit(image, annotations);
                }
            }
        };
    }

    @Test
    void manyBatchesAreWrittenOnceInOrderWithExactNumbers() throws IOException {
        int images = 1500;   // 6,000 annotations, ~300k numbers: dozens of batches per file
        Path out = Files.createDirectories(work.resolve("out"));
        ConversionReport report = new ConversionReport("test", "coco");
        new CocoWriter().write(source(work, images), new WriteTarget(out, work, ImageMode.NONE, report, Progress.NONE));

        ObjectMapper mapper = new ObjectMapper();
        Map<String, List<ImageItem>> expectedImages = new java.util.HashMap<>();
        List<double[]> expectedPoints = new ArrayList<>();
        source(work, images).forEachImage((image, annotations) -> {
            expectedImages.computeIfAbsent(image.split(), s -> new ArrayList<>()).add(image);
            for (Annotation a : annotations) {
                expectedPoints.add(a.polygons().get(0).points());
            }
        });
        int total = 0;
        for (String split : List.of("train", "val")) {
            JsonNode root = mapper.readTree(out.resolve("annotations/instances_" + split + ".json").toFile());
            JsonNode anns = root.get("annotations");
            assertEquals(expectedImages.get(split).size() * 4, anns.size(), split);
            for (int i = 0; i < anns.size(); i++) {
                JsonNode a = anns.get(i);
                assertEquals(i + 1, a.get("id").asLong(), "ids 1..N in write order");
                assertEquals(i / 4 + 1, a.get("image_id").asInt(), "annotations follow their image's order");
                assertEquals(1 + i % 2, a.get("category_id").asInt());
            }
            total += anns.size();
        }
        assertEquals(images * 4, total);
        assertEquals(images * 4L, report.annotationsOut());
        assertTrue(Files.list(out.resolve("annotations")).allMatch(p -> p.toString().endsWith(".json")),
                "no part file is left");

        // Every coordinate reads back as the very double written, in order (splits interleave in the source).
        JsonNode train = mapper.readTree(out.resolve("annotations/instances_train.json").toFile()).get("annotations");
        JsonNode val = mapper.readTree(out.resolve("annotations/instances_val.json").toFile()).get("annotations");
        int t = 0;
        int v = 0;
        int n = 0;
        for (int i = 0; i < images; i++) {
            for (int k = 0; k < 4; k++) {
                JsonNode a = i % 3 == 0 ? val.get(v++) : train.get(t++);
                JsonNode segmentation = a.get("segmentation").get(0);
                double[] points = expectedPoints.get(n++);
                assertEquals(points.length, segmentation.size());
                for (int p = 0; p < points.length; p++) {
                    assertEquals(points[p], Double.parseDouble(segmentation.get(p).asText()), "point " + p);
                }
            }
        }

        List<String> kinds = report.losses().stream().map(ConversionReport.Loss::kind).toList();
        assertEquals(List.of("annotation id", "attribute 'iscrowd'"), kinds, "losses in order of first occurrence");
    }

    @Test
    void elementsWrittenApartJoinAnArrayAsOneWriterWritesThem() throws IOException {
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        try (JsonBytes one = new JsonBytes(whole)) {
            one.startArray();
            for (int i = 0; i < 5; i++) {
                one.startObject();
                one.fieldName("id");
                one.number(i);
                one.endObject();
            }
            one.endArray();
        }
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        try (JsonBytes target = new JsonBytes(joined)) {
            target.startArray();
            target.elements(new byte[0]);
            for (int[] range : new int[][] {{0, 2}, {2, 3}, {3, 5}}) {
                ByteArrayOutputStream part = new ByteArrayOutputStream();
                JsonBytes elements = JsonBytes.elements(part);
                for (int i = range[0]; i < range[1]; i++) {
                    elements.startObject();
                    elements.fieldName("id");
                    elements.number(i);
                    elements.endObject();
                }
                elements.flush();
                target.elements(part.toByteArray());
            }
            target.endArray();
        }
        assertEquals(whole.toString(StandardCharsets.UTF_8), joined.toString(StandardCharsets.UTF_8));
        assertEquals("[{\"id\":0},{\"id\":1},{\"id\":2},{\"id\":3},{\"id\":4}]", joined.toString(StandardCharsets.UTF_8));
    }
}
