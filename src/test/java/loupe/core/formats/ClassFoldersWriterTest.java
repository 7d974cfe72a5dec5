package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageItem;
import loupe.testing.ListSource;
import loupe.core.model.ImageRef;
import loupe.core.model.Polygon;
import loupe.core.task.Progress;
import loupe.testing.TestImages;

class ClassFoldersWriterTest {

    private static final Path SAMPLES = Path.of("..", "shared", "datasets");

    @TempDir
    Path dir;

    // ------------------------------------------------------------------ round trip

    @Test
    void classFolderTreeRoundTripsWithTheSamePathsSplitsAndClasses() throws IOException {
        Path src = dir.resolve("src");
        TestImages.write(src.resolve("train/cat/a.jpg"), 10, 10);
        TestImages.write(src.resolve("train/dog/b b ü.jpg"), 10, 10);
        TestImages.write(src.resolve("val/cat/c.png"), 10, 10);
        TestImages.write(src.resolve("val/dog/sub folder/d.jpg"), 10, 10);
        TestImages.write(src.resolve("val/loose.jpg"), 10, 10);
        DatasetLoader.Result source = DatasetLoader.load(src, new ClassFoldersFormat());
        Path out = dir.resolve("out");
        ConversionReport report = write(DatasetSource.of(source), out, ImageMode.COPY);
        DatasetLoader.Result back = DatasetLoader.load(out, new ClassFoldersFormat());

        assertEquals(source.sink().classes(), back.sink().classes());
        assertEquals(labelled(source), labelled(back));
        assertEquals(Map.of("train/cat/a.jpg", "train", "train/dog/b b ü.jpg", "train", "val/cat/c.png", "val",
                "val/dog/sub folder/d.jpg", "val"), splits(back));
        assertEquals(Map.of("unlabelled image", 1L), losses(report));
        assertEquals(5, report.imagesIn());
        assertEquals(4, report.imagesOut());
        assertEquals(4, report.annotationsIn());
        assertEquals(4, report.annotationsOut());
        assertFalse(report.idsRemapped());
    }

    @Test
    void detectionImagesOfOneClassAreFiledUnderItAndTheRestAreSkipped() throws IOException {
        Path src = dir.resolve("src");
        TestImages.write(src.resolve("images/train/cars.jpg"), 40, 30);
        TestImages.write(src.resolve("images/train/mixed.jpg"), 40, 30);
        TestImages.write(src.resolve("images/val/empty.jpg"), 40, 30);
        TestImages.write(src.resolve("images/val/boat.jpg"), 40, 30);
        Map<ImageItem, List<Annotation>> images = new TreeMap<>(Comparator.comparing(ImageItem::path));
        images.put(item("images/train/cars.jpg", "train"), List.of(
                Annotation.box("images/train/cars.jpg", 1, new BoundingBox(1, 1, 5, 5)),
                new Annotation("images/train/cars.jpg", 1, new BoundingBox(2, 2, 5, 5),
                        List.of(new Polygon(new double[]{2, 2, 7, 2, 7, 7})), true, Map.of("area", "12"))));
        images.put(item("images/train/mixed.jpg", "train"), List.of(
                Annotation.box("images/train/mixed.jpg", 1, new BoundingBox(1, 1, 5, 5)),
                Annotation.box("images/train/mixed.jpg", 7, new BoundingBox(1, 1, 5, 5))));
        images.put(item("images/val/empty.jpg", "val"), List.of());
        images.put(item("images/val/boat.jpg", "val"), List.of(
                Annotation.box("images/val/boat.jpg", 7, new BoundingBox(1, 1, 5, 5))));
        Path out = dir.resolve("out");
        ConversionReport report = write(new ListSource(src, List.of(new ClassLabel(1, "car"),
                new ClassLabel(3, "tree"), new ClassLabel(7, "boat")), images), out, ImageMode.COPY);

        assertEquals(List.of("train/car/cars.jpg", "val/boat/boat.jpg"), files(out));
        assertEquals(Map.of("box", 5L, "image with several classes", 1L, "unlabelled image", 1L), losses(report));
        assertEquals(2, report.imagesOut());
        assertEquals(5, report.annotationsIn());
        assertEquals(2, report.annotationsOut());
        // Readers number class folders by name: boat 0, car 1; tree has no image and no folder.
        assertEquals(List.of(new ConversionReport.ClassMapping(1, "car", 1),
                new ConversionReport.ClassMapping(7, "boat", 0)), report.mappings());
        assertTrue(report.notes().stream().anyMatch(n -> n.startsWith("1 classes have no image") && n.endsWith("tree")),
                report.notes().toString());
        DatasetLoader.Result back = DatasetLoader.load(out, new ClassFoldersFormat());
        assertEquals(List.of(new ClassLabel(0, "boat"), new ClassLabel(1, "car")), back.sink().classes());
    }

    @Test
    void imageLevelLabelsDecideOverBoxes() throws IOException {
        Path src = dir.resolve("src");
        TestImages.write(src.resolve("x.jpg"), 20, 20);
        Map<ImageItem, List<Annotation>> images = Map.of(item("x.jpg", null), List.of(
                Annotation.box("x.jpg", 1, new BoundingBox(1, 1, 5, 5)),
                Annotation.imageLabel("x.jpg", 0),
                new Annotation("x.jpg", 0, null, List.of(), false, Map.of("score", "0.9")),
                Annotation.imageLabel("x.jpg", 42)));
        Path out = dir.resolve("out");
        ConversionReport report = write(new ListSource(src, List.of(new ClassLabel(0, "cat"),
                new ClassLabel(1, "dog")), images), out, ImageMode.COPY);

        assertEquals(List.of("cat/x.jpg"), files(out));
        assertEquals(Map.of("box", 1L, "repeated image-level label", 1L, "attribute 'score'", 1L,
                "unknown class id", 1L), losses(report));
    }

    @Test
    void sanitisesClassNamesIntoFolderNamesAndSaysSo() throws IOException {
        Path src = dir.resolve("src");
        List<ClassLabel> classes = List.of(new ClassLabel(0, "a/b"), new ClassLabel(1, ".hidden"),
                new ClassLabel(2, "Cat"), new ClassLabel(3, "cat"), new ClassLabel(4, " "), new ClassLabel(5, "ok"));
        Map<ImageItem, List<Annotation>> images = new TreeMap<>(Comparator.comparing(ImageItem::path));
        for (ClassLabel c : classes) {
            String name = "img" + c.id() + ".jpg";
            TestImages.write(src.resolve(name), 10, 10);
            images.put(item(name, null), List.of(Annotation.imageLabel(name, c.id())));
        }
        Path out = dir.resolve("out");
        ConversionReport report = write(new ListSource(src, classes, images), out, ImageMode.COPY);

        assertEquals(List.of("Cat/img2.jpg", "_hidden/img1.jpg", "a_b/img0.jpg", "cat_3/img3.jpg",
                "class_4/img4.jpg", "ok/img5.jpg"), files(out));
        assertEquals(4, report.notes().stream().filter(n -> n.startsWith("class ")).count(), report.notes().toString());
        assertTrue(report.notes().contains("class 0 'a/b' is written as folder 'a_b'"), report.notes().toString());
        DatasetLoader.Result back = DatasetLoader.load(out, new ClassFoldersFormat());
        assertEquals(List.of("Cat", "_hidden", "a_b", "cat_3", "class_4", "ok"),
                back.sink().classes().stream().map(ClassLabel::name).toList());
        // the report's mapping says which id each source class reads back with
        for (ConversionReport.ClassMapping m : report.mappings()) {
            assertEquals(m.name(), back.sink().classes().get(m.targetId()).name());
        }
    }

    @Test
    void neverOverwritesImagesThatLandOnTheSamePath() throws IOException {
        Path src = dir.resolve("src");
        TestImages.write(src.resolve("A.jpg"), 10, 10);
        TestImages.write(src.resolve("a.jpg"), 20, 20);
        TestImages.write(src.resolve("images/a.jpg"), 30, 30);
        Map<ImageItem, List<Annotation>> images = new TreeMap<>(Comparator.comparing(ImageItem::path));
        for (String p : List.of("A.jpg", "a.jpg", "images/a.jpg")) {
            images.put(item(p, null), List.of(Annotation.imageLabel(p, 0)));
        }
        Path out = dir.resolve("out");
        ConversionReport report = write(new ListSource(src, List.of(new ClassLabel(0, "cat")), images), out,
                ImageMode.COPY);

        // In path order: A.jpg keeps its name; a.jpg collides ignoring case and is numbered; images/a.jpg
        // collides too and is prefixed with its folder.
        assertEquals(List.of("cat/A.jpg", "cat/a_2.jpg", "cat/images_a.jpg"), files(out));
        assertEquals(30, javax.imageio.ImageIO.read(out.resolve("cat/images_a.jpg").toFile()).getWidth());
        assertTrue(report.notes().stream().anyMatch(n -> n.startsWith("2 images were renamed")),
                report.notes().toString());
    }

    @Test
    void splitsReadersDoNotKnowAndImageModeNoneAreNoted() throws IOException {
        Path src = dir.resolve("src");
        TestImages.write(src.resolve("x.jpg"), 10, 10);
        Path out = dir.resolve("out");
        ConversionReport report = write(new ListSource(src, List.of(new ClassLabel(0, "cat")),
                Map.of(item("x.jpg", "holdout"), List.of(Annotation.imageLabel("x.jpg", 0)))), out, ImageMode.NONE);

        assertFalse(Files.exists(out.resolve("holdout")));
        assertTrue(report.notes().stream().anyMatch(n -> n.startsWith("split 'holdout' is not a split folder name")),
                report.notes().toString());
        assertTrue(report.notes().stream().anyMatch(n -> n.contains("nothing was written")), report.notes().toString());
    }

    // ------------------------------------------------------------------ shared samples

    @Test
    void datumaroImagenetFoldersRoundTrip() throws IOException {
        // flat/: label_0/label_0_1.jpg, label_1/label_1_1.jpg, label_1/label_1_1/label_1_1.jpg and label_0_2.jpg
        // loose in the root; subsets/ has the same four under each of test/, train/ and val/ (find -type f).
        for (String layout : List.of("flat", "subsets")) {
            Path root = sample("datumaro", "imagenet_folders", layout);
            DatasetLoader.Result source = DatasetLoader.load(root, new ClassFoldersFormat());
            Path out = dir.resolve(layout);
            ConversionReport report = write(DatasetSource.of(source), out, ImageMode.COPY);
            DatasetLoader.Result back = DatasetLoader.load(out, new ClassFoldersFormat());

            int splits = layout.equals("flat") ? 1 : 3;
            assertEquals(Map.of("unlabelled image", (long) splits), losses(report), layout);
            assertEquals(3 * splits, back.sink().images().size(), layout);
            assertEquals(List.of(new ClassLabel(0, "label_0"), new ClassLabel(1, "label_1")), back.sink().classes());
            assertEquals(labelled(source), labelled(back), layout);
            Map<String, String> sourceSplits = splits(source);
            sourceSplits.keySet().retainAll(splits(back).keySet());
            assertEquals(sourceSplits, splits(back), layout);
        }
    }

    @Test
    void raccoonDetectionsBecomeOneClassFolder() throws IOException {
        Path raccoon = sample("raccoon");
        Path out = dir.resolve("out");
        ConversionReport report = write(DatasetSource.of(DatasetLoader.load(raccoon, new VocFormat())), out,
                ImageMode.SYMLINK);
        // 200 XML files, each with at least one <object>, all named raccoon; 217 objects in all
        // (python3 xml.etree over voc_annotations/*.xml).
        assertEquals(200, report.imagesOut());
        assertEquals(Map.of("box", 217L), losses(report));
        assertEquals(List.of(new ConversionReport.ClassMapping(0, "raccoon", 0)), report.mappings());
        List<String> written = files(out);
        assertEquals(200, written.size());
        assertTrue(written.stream().allMatch(p -> p.startsWith("raccoon/raccoon-") && p.endsWith(".jpg")));
    }

    // ------------------------------------------------------------------ helpers

    private static ConversionReport write(DatasetSource source, Path out, ImageMode mode) throws IOException {
        ConversionReport report = new ConversionReport("test", "folders");
        new ClassFoldersWriter().write(source, new WriteTarget(out, source.root(), mode, report, Progress.NONE));
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

    /** Image path to class name, for images with a label. */
    private static Map<String, String> labelled(DatasetLoader.Result r) {
        Map<Integer, String> names = r.sink().classes().stream()
                .collect(Collectors.toMap(ClassLabel::id, ClassLabel::name));
        return r.sink().annotations().stream()
                .collect(Collectors.toMap(Annotation::imagePath, a -> names.get(a.classId()), (a, b) -> a,
                        TreeMap::new));
    }

    private static Map<String, String> splits(DatasetLoader.Result r) {
        Map<String, String> result = new TreeMap<>();
        for (ImageRef i : r.sink().images()) {
            result.put(i.path(), String.valueOf(i.split()));
        }
        return result;
    }

    /** Every file under a folder, relative, '/'-separated, sorted. */
    private static List<String> files(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }
}
