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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

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

class TfodCsvWriterTest {

    private static final Path SAMPLES = Path.of("..", "shared", "datasets");

    @TempDir
    Path dir;

    // ------------------------------------------------------------------ round trip

    /**
     * COCO with gaps in category ids, a class name holding a comma and quotes, two splits, a polygon, a crowd
     * region, nested attributes, an image without annotations, and a name with a space, a comma and non-ASCII.
     */
    private Path cocoFixture() throws IOException {
        Path root = dir.resolve("coco src");
        TestImages.write(root.resolve("images/train/a.jpg"), 200, 100);
        TestImages.write(root.resolve("images/train/b b, ü.jpg"), 64, 48);
        TestImages.write(root.resolve("images/train/empty.jpg"), 80, 60);
        TestImages.write(root.resolve("images/val/c.png"), 30, 20);
        String categories = "\"categories\":[{\"id\":1,\"name\":\"car\"},{\"id\":3,\"name\":\"tree, \\\"big\\\" ü\"},"
                + "{\"id\":7,\"name\":\"boat\"}]";
        Files.createDirectories(root.resolve("annotations"));
        Files.writeString(root.resolve("annotations/instances_train.json"), "{\"images\":["
                + "{\"id\":1,\"file_name\":\"a.jpg\",\"width\":200,\"height\":100},"
                + "{\"id\":2,\"file_name\":\"b b, ü.jpg\",\"width\":64,\"height\":48},"
                + "{\"id\":3,\"file_name\":\"empty.jpg\",\"width\":80,\"height\":60}],"
                + "\"annotations\":["
                + "{\"id\":1,\"image_id\":1,\"category_id\":1,\"bbox\":[10,20,50,30],\"iscrowd\":0},"
                + "{\"id\":2,\"image_id\":1,\"category_id\":3,\"bbox\":[0.5,0.25,199.5,99.75],"
                + "\"iscrowd\":0,\"segmentation\":[[0.5,0.25,200,0.25,200,100]]},"
                + "{\"id\":3,\"image_id\":2,\"category_id\":7,\"bbox\":[1,2,3,4],\"iscrowd\":1},"
                + "{\"id\":4,\"image_id\":2,\"category_id\":1,\"bbox\":[5,6,7,8],\"iscrowd\":0,"
                + "\"attributes\":{\"occluded\":\"1\"}}],"
                + categories + "}", StandardCharsets.UTF_8);
        Files.writeString(root.resolve("annotations/instances_val.json"), "{\"images\":["
                + "{\"id\":4,\"file_name\":\"c.png\",\"width\":30,\"height\":20}],\"annotations\":["
                + "{\"id\":5,\"image_id\":4,\"category_id\":3,\"bbox\":[0,0,30,20],\"iscrowd\":0}],"
                + categories + "}", StandardCharsets.UTF_8);
        return root;
    }

    @Test
    void roundTripKeepsBoxesClassOrderSplitsAndSizes() throws IOException {
        DatasetLoader.Result source = DatasetLoader.load(cocoFixture(), new CocoFormat());
        assertEquals(List.of(), source.sink().problems());
        Path out = dir.resolve("out");
        ConversionReport report = write(DatasetSource.of(source), out, ImageMode.COPY);
        DatasetLoader.Result back = DatasetLoader.load(out, new TfodCsvFormat());
        assertEquals(List.of(), back.sink().problems());

        // The label map gives ids 1..N in source id order, so names and order survive.
        assertEquals(List.of(new ClassLabel(1, "car"), new ClassLabel(2, "tree, \"big\" ü"), new ClassLabel(3, "boat")),
                back.sink().classes());
        assertEquals(List.of(new ConversionReport.ClassMapping(1, "car", 1),
                new ConversionReport.ClassMapping(3, "tree, \"big\" ü", 2),
                new ConversionReport.ClassMapping(7, "boat", 3)), report.mappings());

        // The writer's image paths are the source's (images/<split>/NAME); the empty image is copied but has no row.
        Map<String, ImageRef> backImages = back.sink().images().stream()
                .collect(Collectors.toMap(ImageRef::path, i -> i));
        assertEquals(3, backImages.size());
        assertTrue(Files.isRegularFile(out.resolve("images/train/empty.jpg")));
        for (ImageRef src : source.sink().images()) {
            if (src.path().endsWith("empty.jpg")) {
                continue;
            }
            ImageRef b = backImages.get(src.path());
            assertNotNull(b, src.path());
            assertEquals(src.split(), b.split(), src.path());
            assertEquals(src.declaredWidth(), b.declaredWidth(), src.path());
            assertEquals(src.declaredHeight(), b.declaredHeight(), src.path());
            assertTrue(Files.isRegularFile(out.resolve(b.path())), b.path());
        }

        Map<Integer, String> sourceNames = names(source.sink().classes());
        Map<Integer, String> backNames = names(back.sink().classes());
        Map<String, List<Annotation>> sourceByImage = byImage(source.sink().annotations());
        Map<String, List<Annotation>> backByImage = byImage(back.sink().annotations());
        assertEquals(sourceByImage.keySet(), backByImage.keySet());
        for (Map.Entry<String, List<Annotation>> e : sourceByImage.entrySet()) {
            List<Annotation> expected = e.getValue();
            List<Annotation> actual = backByImage.get(e.getKey());
            assertEquals(expected.size(), actual.size(), e.getKey());
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(sourceNames.get(expected.get(i).classId()), backNames.get(actual.get(i).classId()));
                assertBox(expected.get(i).box(), actual.get(i).box());
                assertEquals(Map.of(), actual.get(i).attributes());
            }
        }

        // COCO's reader keeps each annotation's id as an attribute, and the nested occluded flag.
        assertEquals(Map.of("polygon", 1L, "crowd flag", 1L, "attribute 'id'", 5L, "attribute 'occluded'", 1L,
                "image without boxes", 1L), losses(report));
        assertEquals(4, report.imagesIn());
        assertEquals(4, report.imagesOut());
        assertEquals(5, report.annotationsIn());
        assertEquals(5, report.annotationsOut());
        assertTrue(Files.isRegularFile(out.resolve("train_labels.csv")));
        assertTrue(Files.isRegularFile(out.resolve("val_labels.csv")));
        assertEquals(List.of(), report.notes());
    }

    @Test
    void convertsThroughTheConverterIntoAFolderDetectedAsTfodCsv() throws IOException {
        Path source = cocoFixture();
        Path out = dir.resolve("converted");
        ConversionReport report;
        try (Catalog catalog = Catalog.open(dir.resolve("catalog.duckdb"))) {
            report = new Converter().convert(source, out, catalog,
                    new Converter.Options("coco", "tfod-csv", ImageMode.LINK, false, 2), Progress.NONE);
        }
        assertEquals(5, report.annotationsOut());
        assertEquals("tfod-csv", Formats.detect(out, DatasetLoader.list(out)).format().id());
        assertTrue(Files.isRegularFile(out.resolve(Converter.REPORT_FILE)));
        assertEquals(5, DatasetLoader.load(out, new TfodCsvFormat()).sink().annotations().size());
    }

    // ------------------------------------------------------------------ losses and the files

    @Test
    void reportListsExactlyWhatWasLost() throws IOException {
        Path src = dir.resolve("src");
        TestImages.write(src.resolve("x.jpg"), 40, 30);
        TestImages.write(src.resolve("only-label.jpg"), 40, 30);
        TestImages.write(src.resolve("empty.jpg"), 40, 30);
        Map<ImageItem, List<Annotation>> images = new TreeMap<>(Comparator.comparing(ImageItem::path));
        images.put(item("x.jpg", 40, 30, "train"), List.of(
                Annotation.box("x.jpg", 9, new BoundingBox(1, 1, 2, 2)),
                Annotation.box("x.jpg", 0, new BoundingBox(Double.NaN, 1, 2, 2)),
                new Annotation("x.jpg", 1, null, List.of(new Polygon(new double[]{2, 3, 12, 3, 7, 13})), false,
                        Map.of()),
                new Annotation("x.jpg", 0, new BoundingBox(0, 0, 4, 4), List.of(), false,
                        Map.of("pose", "Left", "difficult", "1")),
                new Annotation("x.jpg", 1, new BoundingBox(5, 5, 5, 5), List.of(), true, Map.of())));
        images.put(item("only-label.jpg", 40, 30, "train"), List.of(Annotation.imageLabel("only-label.jpg", 0)));
        images.put(item("empty.jpg", 40, 30, "train"), List.of());
        images.put(item("missing.jpg", 0, 0, "train"), List.of(Annotation.box("missing.jpg", 0,
                new BoundingBox(1, 1, 1, 1))));
        Path out = dir.resolve("out");
        ConversionReport report = write(new ListSource(src, List.of(new ClassLabel(0, "cat"),
                new ClassLabel(1, "dog")), images), out, ImageMode.COPY);

        assertEquals(Map.of("unknown class id", 1L, "box with non-finite coordinates", 1L, "polygon", 1L,
                "attribute 'pose'", 1L, "attribute 'difficult'", 1L, "crowd flag", 1L, "image-level label", 1L,
                "image without boxes", 2L, "image size unknown", 1L, "missing image", 1L), losses(report));
        assertEquals(7, report.annotationsIn());
        assertEquals(4, report.annotationsOut());
        assertEquals(4, report.imagesOut());

        List<Annotation> back = DatasetLoader.load(out, new TfodCsvFormat()).sink().annotations().stream()
                .filter(a -> a.imagePath().endsWith("x.jpg")).toList();
        assertEquals(3, back.size());
        assertEquals(new BoundingBox(2, 3, 10, 10), back.get(0).box(), "a polygon without a box becomes its bounds");
    }

    @Test
    void writesOneBasedCornersQuotedFieldsAndATensorFlowLabelMap() throws IOException {
        Path src = dir.resolve("src");
        TestImages.write(src.resolve("x \"y\", z.png"), 40, 30);
        ImageItem x = item("x \"y\", z.png", 40, 30, null);
        Path out = dir.resolve("out");
        ConversionReport report = write(new ListSource(src, List.of(new ClassLabel(0, "cat"),
                new ClassLabel(4, "it's, ok")), Map.of(x, List.of(
                Annotation.box(x.path(), 0, new BoundingBox(0, 0, 10, 5)),
                Annotation.box(x.path(), 4, new BoundingBox(0.5, 0.25, 2.25, 3.1))))), out, ImageMode.COPY);

        assertEquals(TfodCsvWriter.HEADER + "\n"
                + "\"x \"\"y\"\", z.png\",40,30,cat,1,1,10,5\n"
                + "\"x \"\"y\"\", z.png\",40,30,\"it's, ok\",1.5,1.25,2.75,3.35\n",
                Files.readString(out.resolve("labels.csv")));
        assertEquals("item {\n  id: 1\n  name: 'cat'\n}\nitem {\n  id: 2\n  name: \"it's, ok\"\n}\n",
                Files.readString(out.resolve("label_map.pbtxt")));
        assertTrue(report.idsRemapped());
        assertTrue(Files.isRegularFile(out.resolve("images/x \"y\", z.png")));

        DatasetLoader.Result back = DatasetLoader.load(out, new TfodCsvFormat());
        assertEquals(List.of(), back.sink().problems());
        assertEquals(List.of(new ClassLabel(1, "cat"), new ClassLabel(2, "it's, ok")), back.sink().classes());
        assertEquals(List.of(new ImageRef("images/x \"y\", z.png", null, 40, 30)), back.sink().images());
        assertBox(new BoundingBox(0.5, 0.25, 2.25, 3.1), back.sink().annotations().get(1).box());
        assertEquals(2, back.sink().annotations().get(1).classId());
    }

    @Test
    void splitsTheReaderDoesNotKnowAndUnsplitImagesGetTheirOwnFolderInsteadOfBeingTakenForAUnion()
            throws IOException {
        Path src = dir.resolve("src");
        Map<ImageItem, List<Annotation>> images = new TreeMap<>(Comparator.comparing(ImageItem::path));
        for (String[] image : new String[][] {{"a.jpg", "train"}, {"b.jpg", "holdout"}, {"c.jpg", null},
                {"d.jpg", "val"}}) {
            TestImages.write(src.resolve(image[0]), 20, 10);
            images.put(item(image[0], 20, 10, image[1]),
                    List.of(Annotation.box(image[0], 0, new BoundingBox(1, 2, 3, 4))));
        }
        Path out = dir.resolve("out");
        ConversionReport report = write(new ListSource(src, List.of(new ClassLabel(0, "cat")), images), out,
                ImageMode.COPY);

        assertTrue(Files.isRegularFile(out.resolve("train_labels.csv")));
        assertTrue(Files.isRegularFile(out.resolve("val_labels.csv")));
        assertTrue(Files.isRegularFile(out.resolve("holdout/labels.csv")));
        assertTrue(Files.isRegularFile(out.resolve("default/labels.csv")));
        assertFalse(Files.exists(out.resolve("labels.csv")));
        assertEquals(TfodCsvWriter.HEADER + "\nholdout/b.jpg,20,10,cat,2,3,4,6\n",
                Files.readString(out.resolve("holdout/labels.csv")));
        assertEquals(2, report.notes().size(), report.notes().toString());

        DatasetLoader.Result back = DatasetLoader.load(out, new TfodCsvFormat());
        assertEquals(List.of(), back.sink().problems());
        assertEquals(4, back.sink().annotations().size());
        Map<String, String> splits = new HashMap<>();
        back.sink().images().forEach(i -> splits.put(i.path(), i.split()));
        assertEquals("train", splits.get("images/train/a.jpg"));
        assertEquals("val", splits.get("images/val/d.jpg"));
        assertTrue(splits.containsKey("images/holdout/b.jpg"));
        assertNull(splits.get("images/holdout/b.jpg"));
        assertTrue(splits.containsKey("images/c.jpg"));
        assertNull(splits.get("images/c.jpg"));
    }

    @Test
    void unsplitImagesJoinTheRowsOfASplitNamedDefault() throws IOException {
        Path src = dir.resolve("src");
        Map<ImageItem, List<Annotation>> images = new TreeMap<>(Comparator.comparing(ImageItem::path));
        for (String[] image : new String[][] {{"a.jpg", "default"}, {"b.jpg", null}, {"c.jpg", "train"}}) {
            TestImages.write(src.resolve(image[0]), 20, 10);
            images.put(item(image[0], 20, 10, image[1]),
                    List.of(Annotation.box(image[0], 0, new BoundingBox(0, 0, 1, 1))));
        }
        Path out = dir.resolve("out");
        write(new ListSource(src, List.of(new ClassLabel(0, "cat")), images), out, ImageMode.COPY);

        assertEquals(TfodCsvWriter.HEADER + "\ndefault/a.jpg,20,10,cat,1,1,1,1\nb.jpg,20,10,cat,1,1,1,1\n",
                Files.readString(out.resolve("default/labels.csv")));
        assertFalse(Files.exists(out.resolve("labels.csv")));
        assertEquals(3, DatasetLoader.load(out, new TfodCsvFormat()).sink().annotations().size());
    }

    @Test
    void classNamesTheLabelMapCannotHoldAreCleanedAndDuplicatesMerged() throws IOException {
        Path src = dir.resolve("src");
        TestImages.write(src.resolve("x.jpg"), 10, 10);
        Path out = dir.resolve("out");
        ConversionReport report = write(new ListSource(src, List.of(new ClassLabel(0, "#a"),
                new ClassLabel(1, "b}c"), new ClassLabel(2, " cat "), new ClassLabel(3, "cat"),
                new ClassLabel(4, "it's \"q\""), new ClassLabel(5, "")),
                Map.of(item("x.jpg", 10, 10, null), List.of(Annotation.box("x.jpg", 3, new BoundingBox(1, 1, 2, 2)),
                        Annotation.box("x.jpg", 4, new BoundingBox(1, 1, 2, 2))))),
                out, ImageMode.COPY);

        assertEquals(Map.of("duplicate class name", 1L), losses(report));
        assertEquals(new ConversionReport.ClassMapping(3, "cat", 3), report.mappings().get(3));
        DatasetLoader.Result back = DatasetLoader.load(out, new TfodCsvFormat());
        assertEquals(List.of(), back.sink().problems());
        assertEquals(List.of(new ClassLabel(1, "_a"), new ClassLabel(2, "b_c"), new ClassLabel(3, "cat"),
                new ClassLabel(4, "it's _q_"), new ClassLabel(5, "class_5")), back.sink().classes());
        assertEquals(List.of(3, 4), back.sink().annotations().stream().map(Annotation::classId).toList());
    }

    // ------------------------------------------------------------------ shared samples

    @Test
    void raccoonVocConvertedToTfodCsvReproducesTheAuthorsOwnCsvRows() throws IOException {
        Path raccoon = sample("raccoon");
        Path out = dir.resolve("out");
        ConversionReport report = write(DatasetSource.of(DatasetLoader.load(raccoon, new VocFormat())), out,
                ImageMode.SYMLINK);

        // raccoon_labels.csv is what datitran's xml_to_csv.py wrote from voc_annotations/*.xml: 217 rows, no two
        // alike, the same multiset as the 217 <object>s of the 200 XML files, whose sizes all equal the JPEG
        // headers' (python3: csv + xml.etree + a JPEG SOF parser). The VOC has no splits, so one labels.csv.
        assertEquals(rows(raccoon.resolve("tfod_csv/raccoon_labels.csv")), rows(out.resolve("labels.csv")));
        assertEquals(217, rows(out.resolve("labels.csv")).size());
        assertEquals("item {\n  id: 1\n  name: 'raccoon'\n}\n", Files.readString(out.resolve("label_map.pbtxt")));
        assertEquals(200, report.imagesOut());
        assertEquals(217, report.annotationsOut());
        // labelImg writes pose, truncated and difficult on every object (grep -c on the XML: 217 each).
        assertEquals(Map.of("attribute 'pose'", 217L, "attribute 'truncated'", 217L, "attribute 'difficult'", 217L),
                losses(report));

        // Read back, the boxes are the VOC reader's boxes for the same images.
        DatasetLoader.Result voc = DatasetLoader.load(raccoon, new VocFormat());
        DatasetLoader.Result back = DatasetLoader.load(out, new TfodCsvFormat());
        assertEquals(List.of(), back.sink().problems());
        assertEquals(200, back.sink().images().size());
        Map<String, List<Annotation>> expected = byImage(voc.sink().annotations());
        Map<String, List<Annotation>> actual = byImage(back.sink().annotations());
        assertEquals(expected.keySet(), actual.keySet());
        for (String image : expected.keySet()) {
            for (int i = 0; i < expected.get(image).size(); i++) {
                assertEquals(expected.get(image).get(i).box(), actual.get(image).get(i).box(), image);
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static ConversionReport write(DatasetSource source, Path out, ImageMode mode) throws IOException {
        ConversionReport report = new ConversionReport("test", "tfod-csv");
        new TfodCsvWriter().write(source, new WriteTarget(out, source.root(), mode, report, Progress.NONE));
        return report;
    }

    /** The data rows of a CSV file, parsed, sorted. */
    private static List<List<String>> rows(Path csv) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        try (CsvRows parser = CsvRows.open(csv)) {
            assertEquals(List.of(TfodCsvWriter.HEADER.split(",")), parser.next().fields());
            for (CsvRows.Row row = parser.next(); row != null; row = parser.next()) {
                assertNull(row.error());
                rows.add(row.fields());
            }
        }
        rows.sort(Comparator.comparing(Object::toString));
        return rows;
    }

    private static ImageItem item(String path, int width, int height, String split) {
        return new ImageItem(path, 1, 1, width, height, "jpeg", split);
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
