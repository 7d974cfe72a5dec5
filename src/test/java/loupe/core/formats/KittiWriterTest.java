package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.export.Converter;
import loupe.core.index.Catalog;
import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageItem;
import loupe.core.model.ImageRef;
import loupe.core.model.Polygon;
import loupe.core.task.Progress;
import loupe.testing.ListSource;
import loupe.testing.TestImages;

class KittiWriterTest {

    private static final Path SAMPLES = Path.of("..", "shared", "datasets");
    private static final Map<String, String> DEFAULTS = Map.of("truncated", "0", "occluded", "0", "alpha", "-10",
            "dimensions", "-1 -1 -1", "location", "-1000 -1000 -1000", "rotation_y", "-10");

    @TempDir
    Path dir;

    // ------------------------------------------------------------------ round trip

    /**
     * COCO with gaps in category ids, a class name with a space, two splits, a polygon, a crowd region, KITTI
     * fields and another attribute nested, an image without annotations, a name with a space and non-ASCII,
     * and two images of one split whose flattened stems collide.
     */
    private Path cocoFixture() throws IOException {
        Path root = dir.resolve("coco src");
        TestImages.write(root.resolve("images/train/a.jpg"), 200, 100);
        TestImages.write(root.resolve("images/train/a.png"), 20, 10);
        TestImages.write(root.resolve("images/train/b b ü.jpg"), 64, 48);
        TestImages.write(root.resolve("images/train/empty.jpg"), 80, 60);
        TestImages.write(root.resolve("images/val/sub/c.png"), 30, 20);
        String categories = "\"categories\":[{\"id\":1,\"name\":\"car\"},{\"id\":3,\"name\":\"traffic light\"},"
                + "{\"id\":7,\"name\":\"boat\"}]";
        Files.createDirectories(root.resolve("annotations"));
        Files.writeString(root.resolve("annotations/instances_train.json"), "{\"images\":["
                + "{\"id\":1,\"file_name\":\"a.jpg\",\"width\":200,\"height\":100},"
                + "{\"id\":2,\"file_name\":\"b b ü.jpg\",\"width\":64,\"height\":48},"
                + "{\"id\":3,\"file_name\":\"empty.jpg\",\"width\":80,\"height\":60},"
                + "{\"id\":4,\"file_name\":\"a.png\",\"width\":20,\"height\":10}],"
                + "\"annotations\":["
                + "{\"image_id\":1,\"category_id\":1,\"bbox\":[10,20,50,30],\"iscrowd\":0},"
                + "{\"image_id\":1,\"category_id\":3,\"bbox\":[0.5,0.25,199.5,99.75],"
                + "\"iscrowd\":0,\"segmentation\":[[0.5,0.25,200,0.25,200,100]]},"
                + "{\"image_id\":2,\"category_id\":7,\"bbox\":[1,2,3,4],\"iscrowd\":1},"
                + "{\"image_id\":2,\"category_id\":1,\"bbox\":[5,6,7,8],\"iscrowd\":0,"
                + "\"attributes\":{\"occluded\":\"2\",\"location\":\"1.5 2 30\",\"color\":\"red\"}},"
                + "{\"image_id\":4,\"category_id\":1,\"bbox\":[1,1,2,2],\"iscrowd\":0}],"
                + categories + "}", StandardCharsets.UTF_8);
        Files.writeString(root.resolve("annotations/instances_val.json"), "{\"images\":["
                + "{\"id\":5,\"file_name\":\"sub/c.png\",\"width\":30,\"height\":20}],\"annotations\":["
                + "{\"image_id\":5,\"category_id\":3,\"bbox\":[0,0,30,20],\"iscrowd\":0}],"
                + categories + "}", StandardCharsets.UTF_8);
        return root;
    }

    @Test
    void roundTripKeepsBoxesClassesSplitsAndKittiFields() throws IOException {
        DatasetLoader.Result source = DatasetLoader.load(cocoFixture(), new CocoFormat());
        assertEquals(List.of(), source.sink().problems());
        Path out = dir.resolve("out");
        ConversionReport report = write(DatasetSource.of(source), out, ImageMode.COPY);
        DatasetLoader.Result back = DatasetLoader.load(out, new KittiFormat());
        assertEquals(List.of(), back.sink().problems());

        // KITTI has no class list: the reader sorts the types, and the report says where each id went.
        assertEquals(List.of(new ClassLabel(0, "boat"), new ClassLabel(1, "car"), new ClassLabel(2, "traffic_light")),
                back.sink().classes());
        assertEquals(List.of(new ConversionReport.ClassMapping(1, "car", 1),
                new ConversionReport.ClassMapping(3, "traffic_light", 2),
                new ConversionReport.ClassMapping(7, "boat", 0)), report.mappings());

        Map<String, String> renamed = Map.of("images/train/a.jpg", "train/image_2/a.jpg",
                "images/train/a.png", "train/image_2/a_2.png", "images/train/b b ü.jpg", "train/image_2/b b ü.jpg",
                "images/train/empty.jpg", "train/image_2/empty.jpg", "images/val/sub/c.png", "val/image_2/sub_c.png");
        Map<String, ImageRef> backImages = back.sink().images().stream()
                .collect(Collectors.toMap(ImageRef::path, i -> i));
        assertEquals(5, backImages.size());
        for (ImageRef src : source.sink().images()) {
            ImageRef b = backImages.get(renamed.get(src.path()));
            assertNotNull(b, src.path());
            assertEquals(src.split(), b.split(), src.path());
            assertTrue(Files.isRegularFile(out.resolve(b.path())), b.path());
        }
        assertEquals("", Files.readString(out.resolve("train/label_2/empty.txt")));

        Map<Integer, String> sourceNames = names(source.sink().classes());
        Map<Integer, String> backNames = names(back.sink().classes());
        Map<String, List<Annotation>> backByImage = byImage(back.sink().annotations());
        for (Map.Entry<String, List<Annotation>> e : byImage(source.sink().annotations()).entrySet()) {
            List<Annotation> expected = e.getValue();
            List<Annotation> actual = backByImage.get(renamed.get(e.getKey()));
            assertEquals(expected.size(), actual.size(), e.getKey());
            for (int i = 0; i < expected.size(); i++) {
                Annotation s = expected.get(i);
                Annotation b = actual.get(i);
                assertEquals(sourceNames.get(s.classId()).replace(' ', '_'), backNames.get(b.classId()));
                assertBox(s.box(), b.box());
                Map<String, String> attributes = new HashMap<>(DEFAULTS);
                s.attributes().forEach((k, v) -> {
                    if (DEFAULTS.containsKey(k)) {
                        attributes.put(k, v);
                    }
                });
                assertEquals(attributes, b.attributes(), e.getKey() + " #" + i);
            }
        }

        assertEquals(Map.of("polygon", 1L, "crowd flag", 1L, "attribute 'color'", 1L), losses(report));
        assertEquals(5, report.imagesOut());
        assertEquals(6, report.annotationsIn());
        assertEquals(6, report.annotationsOut());
        assertTrue(report.notes().stream().anyMatch(n -> n.contains("'traffic light' is written as 'traffic_light'")),
                report.notes().toString());
        assertTrue(report.notes().stream().anyMatch(n -> n.startsWith("2 images were renamed")),
                report.notes().toString());
    }

    @Test
    void convertsThroughTheConverterIntoAFolderDetectedAsKitti() throws IOException {
        Path source = cocoFixture();
        Path out = dir.resolve("converted");
        ConversionReport report;
        try (Catalog catalog = Catalog.open(dir.resolve("catalog.duckdb"))) {
            report = new Converter().convert(source, out, catalog,
                    new Converter.Options("coco", "kitti", ImageMode.LINK, false, 2), Progress.NONE);
        }
        assertEquals(6, report.annotationsOut());
        assertEquals("kitti", Formats.detect(out, DatasetLoader.list(out)).format().id());
        assertEquals(6, DatasetLoader.load(out, new KittiFormat()).sink().annotations().size());
    }

    // ------------------------------------------------------------------ losses and lines

    @Test
    void reportListsExactlyWhatWasLost() throws IOException {
        Path src = dir.resolve("src");
        TestImages.write(src.resolve("x.jpg"), 40, 30);
        ImageItem x = item("x.jpg", "training");
        List<Annotation> annotations = List.of(
                Annotation.imageLabel("x.jpg", 0),
                Annotation.box("x.jpg", 9, new BoundingBox(1, 1, 2, 2)),
                Annotation.box("x.jpg", 0, new BoundingBox(Double.NaN, 1, 2, 2)),
                new Annotation("x.jpg", 0, null, List.of(new Polygon(new double[]{2, 3, 12, 3, 7, 13})), false,
                        Map.of()),
                new Annotation("x.jpg", 0, new BoundingBox(0, 0, 4, 4), List.of(), false, Map.of("truncated", "yes",
                        "dimensions", "1 2", "pose", "Left", "score", "0.9")),
                new Annotation("x.jpg", 0, new BoundingBox(5, 5, 5, 5), List.of(), true, Map.of("score", "high")));
        Path out = dir.resolve("out");
        ConversionReport report = write(new ListSource(src, List.of(new ClassLabel(0, "cat"),
                new ClassLabel(1, "dog")), Map.of(x, annotations)), out, ImageMode.COPY);

        assertEquals(Map.of("image-level label", 1L, "unknown class id", 1L, "box with non-finite coordinates", 1L,
                "polygon", 1L, "attribute 'truncated' not a number", 1L, "attribute 'dimensions' not 3 numbers", 1L,
                "attribute 'pose'", 1L, "crowd flag", 1L, "attribute 'score' not a number", 1L,
                "class without objects", 1L), losses(report));
        assertEquals(6, report.annotationsIn());
        assertEquals(3, report.annotationsOut());
        assertEquals("cat 0 0 -10 2 3 12 13 -1 -1 -1 -1000 -1000 -1000 -10\n"
                + "cat 0 0 -10 0 0 4 4 -1 -1 -1 -1000 -1000 -1000 -10 0.9\n"
                + "cat 0 0 -10 5 5 10 10 -1 -1 -1 -1000 -1000 -1000 -10\n",
                Files.readString(out.resolve("training/label_2/x.txt")));
        assertEquals(List.of(new ConversionReport.ClassMapping(0, "cat", 0)), report.mappings());
    }

    @Test
    void writesEdgesAndKittiFieldsAsTheReaderKeepsThem() throws IOException {
        Path src = dir.resolve("src");
        TestImages.write(src.resolve("x.png"), 40, 30);
        ImageItem x = item("x.png", null);
        Path out = dir.resolve("out");
        ConversionReport report = write(new ListSource(src, List.of(new ClassLabel(4, " Person sitting ")),
                Map.of(x, List.of(new Annotation("x.png", 4, new BoundingBox(0.5, 0.25, 2.25, 3.1), List.of(), false,
                        Map.of("truncated", "0.30", "occluded", "1", "alpha", "-1.57", "dimensions", " 1.5  0.6 0.8 ",
                                "location", "1 2 3", "rotation_y", "0.1", "score", "0.75"))))),
                out, ImageMode.COPY);

        assertEquals("Person_sitting 0.30 1 -1.57 0.5 0.25 2.75 3.35 1.5 0.6 0.8 1 2 3 0.1 0.75\n",
                Files.readString(out.resolve("training/label_2/x.txt")));
        assertTrue(Files.isRegularFile(out.resolve("training/image_2/x.png")));
        assertEquals(Map.of(), losses(report));
        assertTrue(report.notes().stream().anyMatch(n -> n.contains("without a split are written to training/")),
                report.notes().toString());
        DatasetLoader.Result back = DatasetLoader.load(out, new KittiFormat());
        assertEquals(List.of(new ImageRef("training/image_2/x.png", "training", 0, 0)), back.sink().images());
        assertBox(new BoundingBox(0.5, 0.25, 2.25, 3.1), back.sink().annotations().get(0).box());
        assertEquals("0.75", back.sink().annotations().get(0).attributes().get("score"));
    }

    @Test
    void aSplitTheReaderDoesNotKnowIsWrittenToItsOwnFolderAndNoted() throws IOException {
        Path src = dir.resolve("src");
        TestImages.write(src.resolve("a.jpg"), 10, 10);
        TestImages.write(src.resolve("b.jpg"), 10, 10);
        Map<ImageItem, List<Annotation>> images = new TreeMap<>(Comparator.comparing(ImageItem::path));
        images.put(item("a.jpg", "holdout/x"), List.of(Annotation.box("a.jpg", 0, new BoundingBox(1, 1, 2, 2))));
        images.put(item("b.jpg", "test"), List.of());
        Path out = dir.resolve("out");
        ConversionReport report = write(new ListSource(src, List.of(new ClassLabel(0, "cat")), images), out,
                ImageMode.COPY);

        assertTrue(Files.isRegularFile(out.resolve("holdout_x/label_2/a.txt")));
        assertTrue(Files.isRegularFile(out.resolve("test/label_2/b.txt")));
        assertEquals(List.of("split 'holdout/x' is written to holdout_x/, not a split name KITTI readers know: "
                + "Loupe reads it back without a split"), report.notes());
        Map<String, String> splits = new HashMap<>();
        DatasetLoader.load(out, new KittiFormat()).sink().images().forEach(i -> splits.put(i.path(), i.split()));
        assertEquals(Map.of("holdout_x/image_2/a.jpg", "null", "test/image_2/b.jpg", "test"),
                splits.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue()))));
    }

    // ------------------------------------------------------------------ shared samples

    @Test
    void datumaroKittiSamplesRoundTripToIdenticalLabelFiles() throws IOException {
        // kitti_detection: training/label_2/000030_10.txt (2 lines) and 000030_11.txt (3 lines), types Truck and
        // Van; kitti_3d: training/label_2/000001.txt (3 lines: Truck, Car, DontCare with the devkit's unknown
        // values). Counted with grep -c; each file ends with a newline (tail -c1).
        String[][] samples = {{"kitti_detection", "2", "5", "2"}, {"kitti_3d", "1", "3", "3"}};
        for (String[] sample : samples) {
            Path root = sample("datumaro", "kitti", sample[0]);
            DatasetLoader.Result source = DatasetLoader.load(root, new KittiFormat());
            Path out = dir.resolve(sample[0]);
            ConversionReport report = write(DatasetSource.of(source), out, ImageMode.COPY);
            assertEquals(Map.of(), losses(report), sample[0]);
            assertFalse(report.idsRemapped(), sample[0]);
            assertEquals(List.of(), report.notes(), sample[0]);

            // The lines written are the lines datumaro's files hold, character for character.
            List<String> labels;
            try (Stream<Path> files = Files.list(root.resolve("training/label_2"))) {
                labels = files.map(p -> p.getFileName().toString()).sorted().toList();
            }
            assertEquals(Integer.parseInt(sample[1]), labels.size());
            for (String label : labels) {
                assertEquals(Files.readString(root.resolve("training/label_2").resolve(label)),
                        Files.readString(out.resolve("training/label_2").resolve(label)), label);
            }

            DatasetLoader.Result back = DatasetLoader.load(out, new KittiFormat());
            assertEquals(List.of(), back.sink().problems());
            assertEquals(source.sink().classes(), back.sink().classes());
            assertEquals(Integer.parseInt(sample[3]), back.sink().classes().size());
            assertEquals(source.sink().images(), back.sink().images());
            assertEquals(Integer.parseInt(sample[2]), back.sink().annotations().size());
            assertEquals(source.sink().annotations(), back.sink().annotations());
        }
    }

    // ------------------------------------------------------------------ helpers

    private static ConversionReport write(DatasetSource source, Path out, ImageMode mode) throws IOException {
        ConversionReport report = new ConversionReport("test", "kitti");
        new KittiWriter().write(source, new WriteTarget(out, source.root(), mode, report, Progress.NONE));
        return report;
    }

    private static ImageItem item(String path, String split) {
        return new ImageItem(path, 1, 1, 10, 10, "jpeg", split);
    }

    private static Path sample(String... parts) {
        Path p = SAMPLES.resolve(Path.of("", parts));
        Assumptions.assumeTrue(Files.isDirectory(p), "shared sample missing: " + p);
        return p;
    }

    private static Map<String, Long> losses(ConversionReport report) {
        return report.losses().stream().collect(Collectors.toMap(ConversionReport.Loss::kind,
                ConversionReport.Loss::count));
    }

    private static Map<Integer, String> names(List<ClassLabel> classes) {
        return classes.stream().collect(Collectors.toMap(ClassLabel::id, ClassLabel::name));
    }

    private static Map<String, List<Annotation>> byImage(List<Annotation> annotations) {
        return annotations.stream().collect(Collectors.groupingBy(Annotation::imagePath));
    }

    private static void assertBox(BoundingBox expected, BoundingBox actual) {
        assertEquals(expected.x(), actual.x(), 1e-6 * Math.max(1, Math.abs(expected.x())), "x");
        assertEquals(expected.y(), actual.y(), 1e-6 * Math.max(1, Math.abs(expected.y())), "y");
        assertEquals(expected.width(), actual.width(), 1e-6 * Math.max(1, Math.abs(expected.width())), "width");
        assertEquals(expected.height(), actual.height(), 1e-6 * Math.max(1, Math.abs(expected.height())), "height");
    }
}
