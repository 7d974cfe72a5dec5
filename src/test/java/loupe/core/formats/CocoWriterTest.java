package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.export.Converter;
import loupe.core.index.Catalog;
import loupe.core.index.IndexOptions;
import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageItem;
import loupe.core.model.ImageRef;
import loupe.core.model.Polygon;
import loupe.core.task.Progress;
import loupe.testing.TestImages;

class CocoWriterTest {

    private static final Path DATASETS = Path.of("..", "shared", "datasets");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path work;

    // ---- round trips ----------------------------------------------------------------------------------------

    @Test
    void cocoRoundTripKeepsBoxesPolygonsCrowdAttributesClassesAndSplits() throws IOException {
        Path source = richCoco(work.resolve("src"));
        DatasetLoader.Result in = DatasetLoader.load(source, new CocoFormat());
        assertEquals(List.of(), in.sink().problems(), "the fixture itself reads cleanly");

        Path out = work.resolve("out");
        ConversionReport report = write(in, out, ImageMode.COPY);
        DatasetLoader.Result back = DatasetLoader.load(out, new CocoFormat());

        assertEquals(List.of(), back.sink().problems());
        assertEquals(sorted(in.sink().classes()), sorted(back.sink().classes()));
        assertEquals(imagesByPath(in), imagesByPath(back), "same paths, splits and declared sizes");
        assertSameAnnotations(in, back);
        assertEquals(List.of(), report.losses());
        assertFalse(report.idsRemapped(), "category ids 3, 7, 12 are kept");
        assertEquals(5, report.annotationsOut());
        assertEquals(5, report.imagesOut());
        assertNoTemporaryFiles(out);
        assertTrue(Files.isRegularFile(out.resolve("images/train/sub dir/b ü.png")));
        assertTrue(Files.isRegularFile(out.resolve("images/x y.jpg")), "images without split go to images/");
    }

    @Test
    void writesTheStandardLayoutWithFileNamesRelativeToTheSplitFolder() throws IOException {
        Path out = work.resolve("out");
        write(DatasetLoader.load(richCoco(work.resolve("src")), new CocoFormat()), out, ImageMode.NONE);

        try (Stream<Path> files = Files.walk(out)) {
            assertEquals(List.of("annotations/instances.json", "annotations/instances_train.json",
                    "annotations/instances_val.json"), files.filter(Files::isRegularFile)
                    .map(p -> out.relativize(p).toString().replace('\\', '/')).sorted().toList(),
                    "--images none writes the JSON files only");
        }
        JsonNode train = MAPPER.readTree(out.resolve("annotations/instances_train.json").toFile());
        List<String> names = new ArrayList<>();
        train.get("images").forEach(i -> names.add(i.get("file_name").asText()));
        assertEquals(List.of("a.jpg", "empty.jpg", "sub dir/b ü.png"), names, "images in path order");
    }

    @Test
    void outputIsWhatCocoToolsExpect() throws IOException {
        Path out = work.resolve("out");
        write(DatasetLoader.load(richCoco(work.resolve("src")), new CocoFormat()), out, ImageMode.NONE);

        for (String file : List.of("instances_train.json", "instances_val.json", "instances.json")) {
            JsonNode root = MAPPER.readTree(out.resolve("annotations").resolve(file).toFile());
            assertTrue(root.get("info").isObject(), file);
            assertTrue(root.get("licenses").isArray(), file);
            Set<Integer> categories = new HashSet<>();
            root.get("categories").forEach(c -> categories.add(c.get("id").asInt()));
            assertEquals(Set.of(3, 7, 12), categories, file + ": positive source ids are kept");
            List<Integer> imageIds = new ArrayList<>();
            for (JsonNode image : root.get("images")) {
                imageIds.add(image.get("id").asInt());
                assertTrue(image.get("width").asInt() > 0 && image.get("height").asInt() > 0, file);
            }
            assertEquals(range(imageIds.size()), imageIds, file + ": image ids 1..M");
            List<Integer> annotationIds = new ArrayList<>();
            for (JsonNode a : root.get("annotations")) {
                annotationIds.add(a.get("id").asInt());
                assertTrue(imageIds.contains(a.get("image_id").asInt()), file);
                assertTrue(categories.contains(a.get("category_id").asInt()), file);
                assertEquals(4, a.get("bbox").size(), file);
                assertTrue(a.get("area").isNumber(), file);
                assertTrue(a.get("iscrowd").isInt(), file);
                assertTrue(a.get("segmentation").isArray(), file);
                a.get("segmentation").forEach(p -> assertTrue(p.isArray() && p.size() >= 6 && p.size() % 2 == 0));
            }
            assertEquals(range(annotationIds.size()), annotationIds, file + ": annotation ids 1..N");
        }
        JsonNode train = MAPPER.readTree(out.resolve("annotations/instances_train.json").toFile());
        JsonNode car = train.get("annotations").get(0);
        assertEquals("[10,20,30.5,15.25]", car.get("bbox").toString(), "integral values without .0");
        assertEquals(465.125, car.get("area").asDouble(), "area from the source");
        assertEquals("{\"note\":\"left side\",\"occluded\":false,\"score\":0.93}", car.get("attributes").toString());
        JsonNode person = train.get("annotations").get(1);
        assertEquals("[[10,10,40,10,40,30,10,30],[50,50,60,50,55,60]]", person.get("segmentation").toString());
        JsonNode crowd = train.get("annotations").get(2);
        assertEquals(1, crowd.get("iscrowd").asInt());
        JsonNode val = MAPPER.readTree(out.resolve("annotations/instances_val.json").toFile());
        assertEquals("[0.1,0.30000000000000004,12.345678901234567,3]",
                val.get("annotations").get(0).get("bbox").toString(), "doubles written exactly");
    }

    @Test
    void computesAreaFromPolygonsElseFromTheBox() throws IOException {
        ListSource source = new ListSource(work, List.of(new ClassLabel(1, "a")));
        ImageItem image = source.image("images/x.jpg", null, 100, 100);
        source.add(image, new Annotation(image.path(), 1, new BoundingBox(0, 0, 10, 10),
                List.of(new Polygon(new double[] {0, 0, 10, 0, 0, 10})), false, Map.of()));
        source.add(image, Annotation.box(image.path(), 1, new BoundingBox(1, 2, 3, 4.5)));
        source.add(image, new Annotation(image.path(), 1, new BoundingBox(0, 0, 2, 2), List.of(), false,
                Map.of("area", "3.75")));
        Path out = work.resolve("out");
        write(source, out, ImageMode.NONE);

        JsonNode annotations = MAPPER.readTree(out.resolve("annotations/instances.json").toFile()).get("annotations");
        assertEquals("50", annotations.get(0).get("area").toString(), "shoelace area of the triangle");
        assertEquals("13.5", annotations.get(1).get("area").toString(), "w * h");
        assertEquals("3.75", annotations.get(2).get("area").toString(), "the source's area attribute");
        assertFalse(annotations.get(2).has("attributes"), "area is a field, not an attribute");
    }

    // ---- what the report says -------------------------------------------------------------------------------

    @Test
    void reportListsExactlyWhatWasLost() throws IOException {
        ListSource source = new ListSource(work, List.of(new ClassLabel(0, "zero"), new ClassLabel(5, "five")));
        ImageItem known = source.image("images/train/a.jpg", "train", 50, 40);
        ImageItem unknownSize = source.image("images/train/b.jpg", "train", 0, 0);
        BoundingBox box = new BoundingBox(1, 1, 5, 5);
        source.add(known, Annotation.box(known.path(), 0, box));
        source.add(known, Annotation.imageLabel(known.path(), 5));
        source.add(known, Annotation.box(known.path(), 9, box));
        source.add(known, new Annotation(known.path(), 5, box, List.of(), true, Map.of("segmentation", "rle")));
        source.add(known, new Annotation(known.path(), 5, box, List.of(new Polygon(new double[] {1, 1, 6, 6})),
                false, Map.of("id", "77")));
        source.add(unknownSize, new Annotation(unknownSize.path(), 0, box, List.of(), false, Map.of("area", "big")));
        source.add(unknownSize, Annotation.box(unknownSize.path(), 0, new BoundingBox(Double.NaN, 1, 2, 3)));

        Path out = work.resolve("out");
        ConversionReport report = write(source, out, ImageMode.NONE);

        Map<String, Long> losses = report.losses().stream()
                .collect(Collectors.toMap(ConversionReport.Loss::kind, ConversionReport.Loss::count));
        assertEquals(Map.of("image-level label", 1L, "unknown class id", 1L, "RLE mask", 1L, "annotation id", 1L,
                "degenerate polygon", 1L, "image size unknown", 1L, "attribute 'area'", 1L,
                "non-finite coordinates", 1L), losses);
        assertEquals(7, report.annotationsIn());
        assertEquals(4, report.annotationsOut());
        assertTrue(report.idsRemapped(), "id 0 forces 1..N");
        assertEquals(List.of(new ConversionReport.ClassMapping(0, "zero", 1),
                new ConversionReport.ClassMapping(5, "five", 2)), report.mappings());

        JsonNode root = MAPPER.readTree(out.resolve("annotations/instances_train.json").toFile());
        assertEquals("[{\"id\":1,\"name\":\"zero\",\"supercategory\":\"\"},"
                + "{\"id\":2,\"name\":\"five\",\"supercategory\":\"\"}]", root.get("categories").toString());
        JsonNode rle = root.get("annotations").get(1);
        assertEquals("[]", rle.get("segmentation").toString(), "an RLE mask is written as its box");
        assertFalse(rle.has("attributes"));
        assertEquals(0, root.get("images").get(1).get("width").asInt());
        assertEquals(25, root.get("annotations").get(3).get("area").asInt(), "a bad area attribute is recomputed");
    }

    @Test
    void categoryIdsFromOneUpAreKeptEvenWithGaps() throws IOException {
        ListSource source = new ListSource(work, List.of(new ClassLabel(2, "b"), new ClassLabel(40, "c")));
        source.image("images/a.jpg", null, 10, 10);
        ConversionReport report = write(source, work.resolve("out"), ImageMode.NONE);
        assertFalse(report.idsRemapped());
        assertEquals(List.of(new ConversionReport.ClassMapping(2, "b", 2),
                new ConversionReport.ClassMapping(40, "c", 40)), report.mappings());
    }

    // ---- cleanliness and memory -----------------------------------------------------------------------------

    @Test
    void cancelledWriteLeavesNoPartFiles() throws IOException {
        Path source = richCoco(work.resolve("src"));
        Path out = work.resolve("out");
        Files.createDirectories(out);
        Progress cancelAfterOne = new Progress() {
            private volatile boolean cancelled;

            @Override
            public void update(String phase, long done, long total) {
                cancelled |= done >= 1;
            }

            @Override
            public boolean isCancelled() {
                return cancelled;
            }
        };
        WriteTarget target = new WriteTarget(out, source, ImageMode.NONE, new ConversionReport("coco", "coco"),
                cancelAfterOne);
        assertThrows(CancellationException.class, () -> new CocoWriter()
                .write(DatasetSource.of(DatasetLoader.load(source, new CocoFormat())), target));
        assertNoTemporaryFiles(out);
    }

    @Test
    void streamsLargeDatasetsInBoundedMemory() throws Exception {
        // A child JVM with a 32 MB heap writes 300k annotations with polygons; holding them (or the document)
        // in memory would need several times that.
        Path out = work.resolve("big");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m", "-cp", System.getProperty("java.class.path"), BigWrite.class.getName(), out.toString(),
                "30000", "10")
                .redirectErrorStream(true).redirectOutput(work.resolve("child.log").toFile()).start();
        assertTrue(child.waitFor(5, TimeUnit.MINUTES), "the child JVM finished");
        assertEquals(0, child.exitValue(), Files.readString(work.resolve("child.log")));

        long annotations = 0;
        for (String split : List.of("train", "val")) {
            try (InputStream in = Files.newInputStream(out.resolve("annotations/instances_" + split + ".json"));
                 JsonParser p = CocoReader.JSON.createParser(in)) {
                p.nextToken();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    if (name.equals("annotations")) {
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            annotations++;
                            p.skipChildren();
                        }
                    } else {
                        p.skipChildren();
                    }
                }
            }
        }
        assertEquals(300_000, annotations);
        assertNoTemporaryFiles(out);
    }

    /** Writes a synthetic dataset generated on the fly: args OUT IMAGES ANNOTATIONS_PER_IMAGE. */
    static final class BigWrite {
        public static void main(String[] args) throws IOException {
            Path out = Path.of(args[0]);
            int images = Integer.parseInt(args[1]);
            int perImage = Integer.parseInt(args[2]);
            Files.createDirectories(out);
            DatasetSource source = new DatasetSource() {
                @Override
                public Path root() {
                    return out;
                }

                @Override
                public List<ClassLabel> classes() {
                    return List.of(new ClassLabel(1, "a"), new ClassLabel(2, "b"));
                }

                @Override
                public long imageCount() {
                    return images;
                }

                @Override
                public void forEachImage(ImageVisitor visitor) throws IOException {
                    for (int i = 0; i < images; i++) {
                        String path = String.format("images/%s/img%07d.jpg", i % 2 == 0 ? "train" : "val", i);
                        List<Annotation> list = new ArrayList<>(perImage);
                        for (int k = 0; k < perImage; k++) {
                            double x = k * 3.25;
                            list.add(new Annotation(path, 1 + k % 2, new BoundingBox(x, x / 2, 10.5, 20.25),
                                    List.of(new Polygon(new double[] {x, x, x + 10.5, x, x + 10.5, x + 20.25})),
                                    false, Map.of("occluded", "false")));
                        }
                        visitor.visit(new ImageItem(path, 1000, 0, 640, 480, "jpeg", i % 2 == 0 ? "train" : "val"),
                                list);
                    }
                }
            };
            new CocoWriter().write(source, new WriteTarget(out, out, ImageMode.NONE,
                    new ConversionReport("test", "coco"), Progress.NONE));
        }
    }

    // ---- shared samples written by other tools --------------------------------------------------------------

    @Test
    void datumaroInstancesRoundTripKeepsTheRleMask() throws IOException {
        Path sample = DATASETS.resolve("datumaro/coco/coco_instances");
        Assumptions.assumeTrue(Files.isDirectory(sample), "shared samples absent");
        DatasetLoader.Result in = DatasetLoader.load(sample, new CocoFormat());
        Path out = work.resolve("out");
        ConversionReport report = write(in, out, ImageMode.COPY);
        DatasetLoader.Result back = DatasetLoader.load(out, new CocoFormat());

        // instances_val.json has 2 annotations on b.jpg: a polygon with attributes {x: 1, y: "hello"}, and an
        // iscrowd RLE (segmentation {"counts": [0, 20, 30], "size": [10, 5]}) whose box is [0, 0, 1, 9].
        assertEquals(List.of(), report.losses());
        assertEquals(3, report.annotationsOut());
        assertFalse(report.idsRemapped(), "categories 1, 2, 4 kept");
        assertEquals(sorted(in.sink().classes()), sorted(back.sink().classes()));
        assertEquals(imagesByPath(in), imagesByPath(back));
        assertEquals(List.of(), back.sink().problems());

        assertEquals(byImage(in.sink().annotations()), byImage(back.sink().annotations()));
        JsonNode crowd = null;
        for (JsonNode a : MAPPER.readTree(out.resolve("annotations/instances_val.json").toFile()).get("annotations")) {
            if (a.get("iscrowd").asInt() == 1) {
                crowd = a;
            }
        }
        assertNotNull(crowd);
        assertEquals("{\"counts\":[0,20,30],\"size\":[10,5]}", crowd.get("segmentation").toString(),
                "uncompressed counts are written back uncompressed");
        assertEquals(20, crowd.get("area").asInt());
    }

    @Test
    void raccoonVocConvertsToCocoWithTheBoxesOfItsCsv() throws IOException {
        Path sample = DATASETS.resolve("raccoon");
        Assumptions.assumeTrue(Files.isDirectory(sample), "shared samples absent");
        Path out = work.resolve("out");
        ConversionReport report;
        try (Catalog catalog = Catalog.open(work.resolve("catalog.duckdb"))) {
            report = new Converter().convert(sample, out, catalog, new Converter.Options("voc", "coco",
                    ImageMode.NONE, false, IndexOptions.defaultThreads()), Progress.NONE);
        }
        // `ls images | wc -l` = 200; `grep -c "<object>" voc_annotations/*.xml` sums to 217, all <name>raccoon.
        assertEquals(200, report.imagesOut());
        assertEquals(217, report.annotationsOut());
        assertEquals(List.of(new ConversionReport.ClassMapping(0, "raccoon", 1)), report.mappings());
        assertEquals(List.of(), report.losses());

        JsonNode root = MAPPER.readTree(out.resolve("annotations/instances.json").toFile());
        assertEquals("[{\"id\":1,\"name\":\"raccoon\",\"supercategory\":\"\"}]", root.get("categories").toString());
        assertEquals(200, root.get("images").size());
        assertEquals(217, root.get("annotations").size());
        Map<Integer, JsonNode> images = new HashMap<>();
        root.get("images").forEach(i -> images.put(i.get("id").asInt(), i));

        // tfod_csv/raccoon_labels.csv (datitran's xml_to_csv.py over the same XML) holds the VOC corners:
        // filename,width,height,class,xmin,ymin,xmax,ymax. VOC's 1-based inclusive corners become
        // [xmin - 1, ymin - 1, xmax - xmin + 1, ymax - ymin + 1] (VocFormat.toPixels).
        Map<String, List<String>> expected = new TreeMap<>();
        try (BufferedReader csv = Files.newBufferedReader(sample.resolve("tfod_csv/raccoon_labels.csv"))) {
            csv.readLine();
            for (String line; (line = csv.readLine()) != null; ) {
                String[] f = line.split(",");
                int xmin = Integer.parseInt(f[4]), ymin = Integer.parseInt(f[5]);
                int xmax = Integer.parseInt(f[6]), ymax = Integer.parseInt(f[7]);
                expected.computeIfAbsent(f[0], k -> new ArrayList<>()).add(f[1] + "x" + f[2] + " ["
                        + (xmin - 1) + "," + (ymin - 1) + "," + (xmax - xmin + 1) + "," + (ymax - ymin + 1) + "]");
            }
        }
        Map<String, List<String>> actual = new TreeMap<>();
        for (JsonNode a : root.get("annotations")) {
            JsonNode image = images.get(a.get("image_id").asInt());
            actual.computeIfAbsent(image.get("file_name").asText(), k -> new ArrayList<>()).add(
                    image.get("width").asInt() + "x" + image.get("height").asInt() + " " + a.get("bbox"));
            assertEquals(1, a.get("category_id").asInt());
        }
        expected.values().forEach(l -> l.sort(null));
        actual.values().forEach(l -> l.sort(null));
        assertEquals(expected, actual);
    }

    // ---- fixtures and helpers -------------------------------------------------------------------------------

    /**
     * Two split files and one without a split: category ids with gaps, a polygon annotation with two rings, a
     * crowd region, attributes (top-level and nested), an empty image, a non-ASCII name in a sub-folder with a
     * space, and coordinates that need every digit.
     */
    private static Path richCoco(Path root) throws IOException {
        TestImages.write(root.resolve("images/train/a.jpg"), 100, 80);
        TestImages.write(root.resolve("images/train/sub dir/b ü.png"), 64, 48);
        TestImages.write(root.resolve("images/train/empty.jpg"), 30, 20);
        TestImages.write(root.resolve("images/val/c.jpg"), 50, 40);
        TestImages.write(root.resolve("images/x y.jpg"), 40, 30);
        List<Map<String, Object>> categories = List.of(category(3, "car"), category(7, "person"),
                category(12, "ünïcode cat"));
        writeJson(root.resolve("annotations/instances_train.json"), Map.of("categories", categories,
                "images", List.of(image(101, "a.jpg", 100, 80), image(205, "sub dir/b ü.png", 64, 48),
                        image(300, "empty.jpg", 30, 20)),
                "annotations", List.of(
                        annotation(1, 101, 3, List.of(10, 20, 30.5, 15.25), 465.125, 0, List.of(),
                                Map.of("score", 0.93, "attributes", Map.of("occluded", false, "note", "left side"))),
                        annotation(2, 101, 7, List.of(10, 10, 50, 50), 650, 0,
                                List.of(List.of(10, 10, 40, 10, 40, 30, 10, 30), List.of(50, 50, 60, 50, 55, 60)),
                                Map.of()),
                        annotation(3, 205, 12, List.of(1, 2, 30, 20), 400.5, 1,
                                List.of(List.of(1, 2, 31, 2, 31, 22)), Map.of()))));
        writeJson(root.resolve("annotations/instances_val.json"), Map.of("categories", categories,
                "images", List.of(image(9, "c.jpg", 50, 40)),
                "annotations", List.of(annotation(1, 9, 3, List.of(0.1, 0.30000000000000004, 12.345678901234567, 3),
                        37.037, 0, List.of(), Map.of()))));
        writeJson(root.resolve("annotations/instances.json"), Map.of("categories", categories,
                "images", List.of(image(1, "x y.jpg", 40, 30)),
                "annotations", List.of(annotation(1, 1, 7, List.of(5, 5, 10, 10), 100, 0, List.of(), Map.of()))));
        return root;
    }

    private static Map<String, Object> category(int id, String name) {
        return Map.of("id", id, "name", name, "supercategory", "");
    }

    private static Map<String, Object> image(int id, String name, int w, int h) {
        return Map.of("id", id, "file_name", name, "width", w, "height", h);
    }

    private static Map<String, Object> annotation(int id, int imageId, int categoryId, List<Number> bbox,
                                                  Number area, int crowd, List<List<Number>> segmentation,
                                                  Map<String, Object> extra) {
        Map<String, Object> a = new LinkedHashMap<>(Map.of("id", id, "image_id", imageId, "category_id",
                categoryId, "bbox", bbox, "area", area, "iscrowd", crowd, "segmentation", segmentation));
        a.putAll(extra);
        return a;
    }

    private static void writeJson(Path file, Object value) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, MAPPER.writeValueAsString(value), StandardCharsets.UTF_8);
    }

    private ConversionReport write(DatasetLoader.Result in, Path out, ImageMode mode) throws IOException {
        return write(DatasetSource.of(in), out, mode);
    }

    private static ConversionReport write(DatasetSource source, Path out, ImageMode mode) throws IOException {
        Files.createDirectories(out);
        ConversionReport report = new ConversionReport("test", "coco");
        new CocoWriter().write(source, new WriteTarget(out, source.root(), mode, report, Progress.NONE));
        return report;
    }

    private static List<ClassLabel> sorted(List<ClassLabel> classes) {
        return classes.stream().sorted((a, b) -> Integer.compare(a.id(), b.id())).toList();
    }

    private static Map<String, ImageRef> imagesByPath(DatasetLoader.Result result) {
        return result.sink().images().stream().collect(Collectors.toMap(ImageRef::path, i -> i, (a, b) -> a,
                TreeMap::new));
    }

    private static Map<String, List<Annotation>> byImage(List<Annotation> annotations) {
        return annotations.stream().collect(Collectors.groupingBy(Annotation::imagePath, TreeMap::new,
                Collectors.toList()));
    }

    private static void assertSameAnnotations(DatasetLoader.Result in, DatasetLoader.Result back) {
        Map<String, List<Annotation>> expected = byImage(in.sink().annotations());
        Map<String, List<Annotation>> actual = byImage(back.sink().annotations());
        assertEquals(expected.keySet(), actual.keySet());
        for (String path : expected.keySet()) {
            List<Annotation> e = expected.get(path);
            List<Annotation> a = actual.get(path);
            assertEquals(e.size(), a.size(), path);
            for (int i = 0; i < e.size(); i++) {
                assertEquals(e.get(i).classId(), a.get(i).classId(), path);
                assertBox(e.get(i).box(), a.get(i).box());
                assertEquals(e.get(i).polygons(), a.get(i).polygons(), path);
                assertEquals(e.get(i).crowd(), a.get(i).crowd(), path);
                assertEquals(e.get(i).attributes(), a.get(i).attributes(), path);
            }
        }
    }

    private static void assertBox(BoundingBox expected, BoundingBox actual) {
        assertNotNull(actual);
        assertEquals(expected.x(), actual.x(), 1e-6 * Math.max(1, Math.abs(expected.x())));
        assertEquals(expected.y(), actual.y(), 1e-6 * Math.max(1, Math.abs(expected.y())));
        assertEquals(expected.width(), actual.width(), 1e-6 * Math.max(1, Math.abs(expected.width())));
        assertEquals(expected.height(), actual.height(), 1e-6 * Math.max(1, Math.abs(expected.height())));
    }

    private static List<Integer> range(int n) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            ids.add(i);
        }
        return ids;
    }

    private static void assertNoTemporaryFiles(Path out) throws IOException {
        try (Stream<Path> files = Files.walk(out)) {
            List<Path> hidden = files.filter(p -> p.getFileName().toString().startsWith(".")
                    || p.getFileName().toString().endsWith(".part")).toList();
            assertEquals(List.of(), hidden);
        }
    }

    /** An in-memory source built image by image, for cases a reader cannot produce. */
    private static final class ListSource implements DatasetSource {
        private final Path root;
        private final List<ClassLabel> classes;
        private final Map<ImageItem, List<Annotation>> images = new LinkedHashMap<>();

        ListSource(Path root, List<ClassLabel> classes) {
            this.root = root;
            this.classes = classes;
        }

        ImageItem image(String path, String split, int width, int height) {
            ImageItem item = new ImageItem(path, -1, -1, width, height, null, split);
            images.put(item, new ArrayList<>());
            return item;
        }

        void add(ImageItem image, Annotation annotation) {
            images.get(image).add(annotation);
        }

        @Override
        public Path root() {
            return root;
        }

        @Override
        public List<ClassLabel> classes() {
            return classes;
        }

        @Override
        public long imageCount() {
            return images.size();
        }

        @Override
        public void forEachImage(ImageVisitor visitor) throws IOException {
            for (Map.Entry<ImageItem, List<Annotation>> e : images.entrySet()) {
                visitor.visit(e.getKey(), e.getValue());
            }
        }
    }
}
