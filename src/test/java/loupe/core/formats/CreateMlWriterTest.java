package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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

class CreateMlWriterTest {

    private static final Path SAMPLES = Path.of("..", "shared", "datasets");

    @TempDir
    Path dir;

    // ------------------------------------------------------------------ round trip

    /**
     * COCO with gaps in category ids, a class name with quotes and non-ASCII, two splits, a polygon, a crowd
     * region, an attribute, an image without annotations, a name with a space and non-ASCII, a sub-folder,
     * and a class without objects.
     */
    private Path cocoFixture() throws IOException {
        Path root = dir.resolve("coco src");
        TestImages.write(root.resolve("images/train/a.jpg"), 200, 100);
        TestImages.write(root.resolve("images/train/b b ü.jpg"), 64, 48);
        TestImages.write(root.resolve("images/train/empty.jpg"), 80, 60);
        TestImages.write(root.resolve("images/val/sub/c.png"), 30, 20);
        String categories = "\"categories\":[{\"id\":1,\"name\":\"car\"},{\"id\":3,\"name\":\"\\\"tree\\\" ü\"},"
                + "{\"id\":7,\"name\":\"boat\"},{\"id\":9,\"name\":\"unused\"}]";
        Files.createDirectories(root.resolve("annotations"));
        Files.writeString(root.resolve("annotations/instances_train.json"), "{\"images\":["
                + "{\"id\":1,\"file_name\":\"a.jpg\",\"width\":200,\"height\":100},"
                + "{\"id\":2,\"file_name\":\"b b ü.jpg\",\"width\":64,\"height\":48},"
                + "{\"id\":3,\"file_name\":\"empty.jpg\",\"width\":80,\"height\":60}],"
                + "\"annotations\":["
                + "{\"image_id\":1,\"category_id\":1,\"bbox\":[10,20,50,30],\"iscrowd\":0},"
                + "{\"image_id\":1,\"category_id\":3,\"bbox\":[0.5,0.25,199.5,99.75],"
                + "\"iscrowd\":0,\"segmentation\":[[0.5,0.25,200,0.25,200,100]]},"
                + "{\"image_id\":2,\"category_id\":7,\"bbox\":[1,2,3,4],\"iscrowd\":1},"
                + "{\"image_id\":2,\"category_id\":1,\"bbox\":[5.1,6,7,8.3],\"iscrowd\":0,"
                + "\"attributes\":{\"occluded\":\"1\"}}],"
                + categories + "}", StandardCharsets.UTF_8);
        Files.writeString(root.resolve("annotations/instances_val.json"), "{\"images\":["
                + "{\"id\":4,\"file_name\":\"sub/c.png\",\"width\":30,\"height\":20}],\"annotations\":["
                + "{\"image_id\":4,\"category_id\":3,\"bbox\":[0,0,30,20],\"iscrowd\":0}],"
                + categories + "}", StandardCharsets.UTF_8);
        return root;
    }

    @Test
    void roundTripKeepsBoxesClassesSplitsAndEmptyImages() throws IOException {
        DatasetLoader.Result source = DatasetLoader.load(cocoFixture(), new CocoFormat());
        assertEquals(List.of(), source.sink().problems());
        Path out = dir.resolve("out");
        ConversionReport report = write(DatasetSource.of(source), out, ImageMode.COPY);
        DatasetLoader.Result back = DatasetLoader.load(out, new CreateMlFormat());
        assertEquals(List.of(), back.sink().problems());

        // Create ML has no class list: the reader sorts the labels, and the report says where each id went.
        assertEquals(List.of(new ClassLabel(0, "\"tree\" ü"), new ClassLabel(1, "boat"), new ClassLabel(2, "car")),
                back.sink().classes());
        assertEquals(List.of(new ConversionReport.ClassMapping(1, "car", 2),
                new ConversionReport.ClassMapping(3, "\"tree\" ü", 0),
                new ConversionReport.ClassMapping(7, "boat", 1)), report.mappings());

        Map<String, String> moved = Map.of("images/train/a.jpg", "train/a.jpg",
                "images/train/b b ü.jpg", "train/b b ü.jpg", "images/train/empty.jpg", "train/empty.jpg",
                "images/val/sub/c.png", "val/sub/c.png");
        Map<String, ImageRef> backImages = back.sink().images().stream()
                .collect(Collectors.toMap(ImageRef::path, i -> i));
        assertEquals(4, backImages.size());
        for (ImageRef src : source.sink().images()) {
            ImageRef b = backImages.get(moved.get(src.path()));
            assertNotNull(b, src.path());
            assertEquals(src.split(), b.split(), src.path());
            assertTrue(Files.isRegularFile(out.resolve(b.path())), b.path());
        }

        Map<Integer, String> sourceNames = names(source.sink().classes());
        Map<Integer, String> backNames = names(back.sink().classes());
        Map<String, List<Annotation>> backByImage = byImage(back.sink().annotations());
        Map<String, List<Annotation>> sourceByImage = byImage(source.sink().annotations());
        assertEquals(3, backByImage.size());
        for (Map.Entry<String, List<Annotation>> e : sourceByImage.entrySet()) {
            List<Annotation> expected = e.getValue();
            List<Annotation> actual = backByImage.get(moved.get(e.getKey()));
            assertEquals(expected.size(), actual.size(), e.getKey());
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(sourceNames.get(expected.get(i).classId()), backNames.get(actual.get(i).classId()));
                assertBox(expected.get(i).box(), actual.get(i).box());
            }
        }

        assertEquals(Map.of("polygon", 1L, "crowd flag", 1L, "attribute 'occluded'", 1L, "class without objects", 1L),
                losses(report));
        assertEquals(4, report.imagesOut());
        assertEquals(5, report.annotationsIn());
        assertEquals(5, report.annotationsOut());
        assertEquals(List.of(), report.notes());
    }

    @Test
    void convertsThroughTheConverterIntoAFolderDetectedAsCreateMl() throws IOException {
        Path source = cocoFixture();
        Path out = dir.resolve("converted");
        ConversionReport report;
        try (Catalog catalog = Catalog.open(dir.resolve("catalog.duckdb"))) {
            report = new Converter().convert(source, out, catalog,
                    new Converter.Options("coco", "createml", ImageMode.LINK, false, 2), Progress.NONE);
        }
        assertEquals(5, report.annotationsOut());
        assertEquals("createml", Formats.detect(out, DatasetLoader.list(out)).format().id());
        DatasetLoader.Result back = DatasetLoader.load(out, new CreateMlFormat());
        assertEquals(5, back.sink().annotations().size());
        assertEquals(4, back.sink().images().size());
    }

    // ------------------------------------------------------------------ losses and the JSON

    @Test
    void reportListsExactlyWhatWasLost() throws IOException {
        Path src = dir.resolve("src");
        TestImages.write(src.resolve("x.jpg"), 40, 30);
        ImageItem x = item("x.jpg", "train");
        List<Annotation> annotations = List.of(
                Annotation.imageLabel("x.jpg", 0),
                Annotation.box("x.jpg", 9, new BoundingBox(1, 1, 2, 2)),
                Annotation.box("x.jpg", 0, new BoundingBox(Double.NaN, 1, 2, 2)),
                new Annotation("x.jpg", 1, null, List.of(new Polygon(new double[]{2, 3, 12, 3, 7, 13})), false,
                        Map.of()),
                new Annotation("x.jpg", 0, new BoundingBox(0, 0, 4, 4), List.of(), false,
                        Map.of("pose", "Left", "difficult", "1")),
                new Annotation("x.jpg", 1, new BoundingBox(5, 5, 5, 5), List.of(), true, Map.of()));
        Path out = dir.resolve("out");
        ConversionReport report = write(new ListSource(src, List.of(new ClassLabel(0, "cat"),
                new ClassLabel(1, "dog"), new ClassLabel(2, "")), Map.of(x, annotations)), out, ImageMode.COPY);

        assertEquals(Map.of("image-level label", 1L, "unknown class id", 1L, "box with non-finite coordinates", 1L,
                "polygon", 1L, "attribute 'pose'", 1L, "attribute 'difficult'", 1L, "crowd flag", 1L,
                "class without objects", 1L), losses(report));
        assertEquals(6, report.annotationsIn());
        assertEquals(3, report.annotationsOut());
        assertEquals(List.of("class 2 has no name; it is written as 'class_2'"), report.notes());

        List<Annotation> back = DatasetLoader.load(out, new CreateMlFormat()).sink().annotations();
        assertEquals(3, back.size());
        assertEquals(new BoundingBox(2, 3, 10, 10), back.get(0).box(), "a polygon without a box becomes its bounds");
    }

    @Test
    void writesBoxCentresInACreateMlArray() throws IOException {
        Path src = dir.resolve("src");
        TestImages.write(src.resolve("x \"q\".png"), 40, 30);
        TestImages.write(src.resolve("y.png"), 40, 30);
        Map<ImageItem, List<Annotation>> images = new TreeMap<>(Comparator.comparing(ImageItem::path));
        images.put(item("x \"q\".png", null), List.of(
                Annotation.box("x \"q\".png", 4, new BoundingBox(0, 0, 10, 5)),
                Annotation.box("x \"q\".png", 4, new BoundingBox(0.5, 0.25, 2.25, 3.1))));
        images.put(item("y.png", null), List.of());
        Path out = dir.resolve("out");
        write(new ListSource(src, List.of(new ClassLabel(4, "a\\b")), images), out, ImageMode.COPY);

        String json = Files.readString(out.resolve(CreateMlWriter.FILE));
        assertEquals("[{\"image\":\"x \\\"q\\\".png\",\"annotations\":["
                + "{\"label\":\"a\\\\b\",\"coordinates\":{\"x\":5,\"y\":2.5,\"width\":10,\"height\":5}},"
                + "{\"label\":\"a\\\\b\",\"coordinates\":{\"x\":1.625,\"y\":1.8,\"width\":2.25,\"height\":3.1}}]},"
                + "{\"image\":\"y.png\",\"annotations\":[]}]", json);
        JsonNode parsed = new ObjectMapper().readTree(json);
        assertEquals(2, parsed.size());
        assertTrue(Files.isRegularFile(out.resolve("x \"q\".png")));

        DatasetLoader.Result back = DatasetLoader.load(out, new CreateMlFormat());
        assertEquals(List.of(), back.sink().problems());
        assertEquals(List.of(new ClassLabel(0, "a\\b")), back.sink().classes());
        assertEquals(2, back.sink().images().size());
        assertBox(new BoundingBox(0.5, 0.25, 2.25, 3.1), back.sink().annotations().get(1).box());
    }

    @Test
    void aSplitTheReaderDoesNotKnowIsWrittenToItsOwnFolderAndNoted() throws IOException {
        Path src = dir.resolve("src");
        Map<ImageItem, List<Annotation>> images = new TreeMap<>(Comparator.comparing(ImageItem::path));
        for (String[] image : new String[][] {{"a.jpg", "holdout/x"}, {"b.jpg", "valid"}, {"c.jpg", null}}) {
            TestImages.write(src.resolve(image[0]), 10, 10);
            images.put(item(image[0], image[1]), List.of(Annotation.box(image[0], 0, new BoundingBox(1, 1, 2, 2))));
        }
        Path out = dir.resolve("out");
        ConversionReport report = write(new ListSource(src, List.of(new ClassLabel(0, "cat")), images), out,
                ImageMode.COPY);

        assertTrue(Files.isRegularFile(out.resolve("holdout_x/" + CreateMlWriter.FILE)));
        assertTrue(Files.isRegularFile(out.resolve("valid/" + CreateMlWriter.FILE)));
        assertTrue(Files.isRegularFile(out.resolve(CreateMlWriter.FILE)));
        assertEquals(List.of("split 'holdout/x' is written to holdout_x/, not a split name Create ML readers know:"
                + " Loupe reads it back without a split"), report.notes());
        DatasetLoader.Result back = DatasetLoader.load(out, new CreateMlFormat());
        assertEquals(List.of(), back.sink().problems());
        assertEquals(3, back.sink().annotations().size());
        Map<String, String> splits = new HashMap<>();
        back.sink().images().forEach(i -> splits.put(i.path(), String.valueOf(i.split())));
        assertEquals(Map.of("holdout_x/a.jpg", "null", "valid/b.jpg", "valid", "c.jpg", "null"), splits);
    }

    // ------------------------------------------------------------------ shared samples

    @Test
    void raccoonVocRoundTripsThroughCreateMlWithTheVocReadersBoxes() throws IOException {
        Path raccoon = sample("raccoon");
        DatasetLoader.Result voc = DatasetLoader.load(raccoon, new VocFormat());
        Path out = dir.resolve("out");
        ConversionReport report = write(DatasetSource.of(voc), out, ImageMode.SYMLINK);

        // 200 XML files with 217 <object>s, each with pose, truncated and difficult (python3 xml.etree, grep -c).
        assertEquals(200, report.imagesOut());
        assertEquals(217, report.annotationsOut());
        assertEquals(Map.of("attribute 'pose'", 217L, "attribute 'truncated'", 217L, "attribute 'difficult'", 217L),
                losses(report));
        DatasetLoader.Result back = DatasetLoader.load(out, new CreateMlFormat());
        assertEquals(List.of(), back.sink().problems());
        assertEquals(200, back.sink().images().size());
        assertEquals(List.of(new ClassLabel(0, "raccoon")), back.sink().classes());
        Map<String, List<Annotation>> expected = byImage(voc.sink().annotations());
        Map<String, List<Annotation>> actual = byImage(back.sink().annotations());
        assertEquals(200, expected.size());
        for (Map.Entry<String, List<Annotation>> e : expected.entrySet()) {
            List<Annotation> a = actual.get(DatasetPaths.fileName(e.getKey()));
            assertNotNull(a, e.getKey());
            assertEquals(e.getValue().size(), a.size(), e.getKey());
            for (int i = 0; i < a.size(); i++) {
                assertBox(e.getValue().get(i).box(), a.get(i).box());
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static ConversionReport write(DatasetSource source, Path out, ImageMode mode) throws IOException {
        ConversionReport report = new ConversionReport("test", "createml");
        new CreateMlWriter().write(source, new WriteTarget(out, source.root(), mode, report, Progress.NONE));
        return report;
    }

    private static ImageItem item(String path, String split) {
        return new ImageItem(path, 1, 1, 40, 30, "jpeg", split);
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
