package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;
import loupe.core.model.Problem;
import loupe.core.model.ProblemKind;

class OpenImagesFormatTest {

    private static final Path SHARED = Path.of("..", "shared", "datasets");
    private static final double EPS = 1e-9;
    private static final String HEADER = "ImageID,Source,LabelName,Confidence,XMin,XMax,YMin,YMax,IsOccluded,"
            + "IsTruncated,IsGroupOf,IsDepiction,IsInside\n";
    private static final String CLASSES = "LabelName,DisplayName\n/m/cat,Cat\n/m/dog,Dog\n";

    @TempDir
    Path dir;

    // ---------------------------------------------------------------- shared samples

    @Test
    void readsDatumaroV6BoxesWithImageSizesFromHeaders() throws IOException {
        CollectingSink sink = load(shared("datumaro/open_images/v6"));

        // python3 csv over v6/annotations: oidv6-train-annotations-bbox.csv has 1 row (b, /m/0), test-...-bbox.csv
        // 1 row (c, /m/3, IsGroupOf 1); oidv6-class-descriptions.csv lists /m/0../m/3 after its header; images/
        // holds train/a.jpg, train/b.jpg (8x2 per `file`), test/c.jpg (5x10), validation/d.png.
        assertEquals(List.of(new ClassLabel(0, "Generic label #0"), new ClassLabel(1, "Generic label #1"),
                new ClassLabel(2, "Generic label #2"), new ClassLabel(3, "Generic label #3")), sink.classes());
        assertEquals(Map.of("images/train/a.jpg", "train", "images/train/b.jpg", "train", "images/test/c.jpg", "test",
                "images/validation/d.png", "validation"), splits(sink));
        assertEquals(2, sink.annotations().size());
        Annotation b = only(annotationsOf(sink, "images/train/b.jpg"));
        assertEquals(0, b.classId());
        assertBox(new BoundingBox(0.2 * 8, 0.3 * 2, 0.8 * 8, 0.2 * 2), b.box());
        assertFalse(b.crowd());
        assertEquals("-1", b.attributes().get("IsOccluded"));
        assertEquals("xclick", b.attributes().get("Source"));
        Annotation c = only(annotationsOf(sink, "images/test/c.jpg"));
        assertEquals(3, c.classId());
        assertBox(new BoundingBox(0.7 * 5, 0, 0.1 * 5, 0.5 * 10), c.box());
        assertTrue(c.crowd());
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void readsDatumaroV5AsImagesAndClassesOnly() throws IOException {
        Path root = shared("datumaro/open_images/v5");
        CollectingSink sink = load(root);

        // v5 has no bbox file: class-descriptions.csv (no header, 2 lines), images/train/aa.jpg, images/test/cc.jpg.
        assertEquals(List.of(new ClassLabel(0, "Generic label #0"), new ClassLabel(1, "Generic label #1")),
                sink.classes());
        assertEquals(Map.of("images/train/aa.jpg", "train", "images/test/cc.jpg", "test"), splits(sink));
        assertEquals(List.of(), sink.annotations());
        assertEquals(0.6, probe(root).confidence(), EPS);
    }

    @Test
    void probeRecognisesV6AndGivesZeroForOtherSharedSamples() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(SHARED));
        assertEquals(0.95, probe(SHARED.resolve("datumaro/open_images/v6")).confidence(), EPS);
        Path v6 = SHARED.resolve("datumaro/open_images/v6").toAbsolutePath().normalize();
        assertEquals("openimages", Formats.detect(v6, DatasetLoader.list(v6)).format().id());

        List<Path> samples = new ArrayList<>();
        try (Stream<Path> top = Files.list(SHARED)) {
            top.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().equals("datumaro"))
                    .forEach(samples::add);
        }
        try (Stream<Path> datumaro = Files.list(SHARED.resolve("datumaro"))) {
            datumaro.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().equals("open_images"))
                    .forEach(samples::add);
        }
        for (Path sample : samples) {
            Support s = probe(sample);
            assertEquals(0, s.confidence(), sample + ": " + s.reason());
        }
    }

    // ---------------------------------------------------------------- generated fixtures

    @Test
    void countsBoxesOfImagesNotDownloadedInOneWarning() throws IOException {
        write("annotations/validation-annotations-bbox.csv", HEADER
                + "img1,xclick,/m/cat,1,0.1,0.5,0.2,0.6,0,0,0,0,0\n"
                + "gone1,xclick,/m/cat,1,0.1,0.5,0.2,0.6,0,0,0,0,0\n"
                + "gone1,xclick,/m/dog,1,0.1,0.5,0.2,0.6,0,0,0,0,0\n"
                + "gone2,xclick,/m/dog,1,0.1,0.5,0.2,0.6,0,0,0,0,0\n");
        write("annotations/class-descriptions-boxable.csv", "/m/cat,Cat\n/m/dog,Dog\n");
        jpeg("images/validation/img1.jpg", 100, 50);

        CollectingSink sink = load(dir);

        assertEquals(List.of(new ClassLabel(0, "Cat"), new ClassLabel(1, "Dog")), sink.classes());
        assertEquals(Map.of("images/validation/img1.jpg", "validation"), splits(sink));
        assertBox(new BoundingBox(10, 10, 40, 20), only(sink.annotations()).box());
        Problem p = only(sink.problems());
        assertEquals(ProblemKind.ORPHAN_ANNOTATION, p.kind());
        assertTrue(p.message().startsWith("3 boxes are for images not in images/validation/ or images/ "
                + "(first ImageIDs: gone1, gone2)"), p.message());
    }

    @Test
    void reportsMalformedRowsAndUnknownClassesWithTheirLines() throws IOException {
        write("annotations/train-annotations-bbox.csv", HEADER
                + "a,xclick,/m/cat,1,0.1,0.5,0.2,0.6,0,0,0,0,0\n"      // line 2: fine
                + "a,xclick,/m/cat,1,0.1,0.5,0.2\n"                    // line 3: fields missing
                + "a,xclick,/m/cat,1,left,0.5,0.2,0.6,0,0,0,0,0\n"     // line 4: not a number
                + "a,xclick,/m/zebra,1,0.1,0.5,0.2,0.6,0,0,0,0,0\n"    // line 5: not in the class list
                + ",xclick,/m/cat,1,0.1,0.5,0.2,0.6,0,0,0,0,0\r\n"     // line 6: no ImageID; CRLF
                + "a,xclick,/m/dog,1,0.5,0.9,0.5,0.9,1,0,0,0,0");      // line 7: fine, no final line break
        write("annotations/oidv6-class-descriptions.csv", CLASSES);
        png("images/train/a.png", 10, 10);

        CollectingSink sink = load(dir);

        assertEquals(2, sink.annotations().size());
        Map<String, Problem> problems = new TreeMap<>();
        sink.problems().forEach(p -> problems.put(p.location(), p));
        assertEquals(List.of("line 3", "line 4", "line 5", "line 6"), new ArrayList<>(problems.keySet()));
        assertTrue(problems.get("line 3").message().startsWith("found 7 fields, expected 13"));
        assertEquals("XMin is 'left'; expected numbers (fractions of the image size)",
                problems.get("line 4").message());
        assertEquals(ProblemKind.UNKNOWN_CLASS, problems.get("line 5").kind());
        assertEquals("ImageID is empty", problems.get("line 6").message());
        assertBox(new BoundingBox(5, 5, 4, 4), sink.annotations().get(1).box());
    }

    @Test
    void scansMidsWhenThereIsNoClassDescriptionsFile() throws IOException {
        write("test-annotations-bbox.csv", "ImageID,LabelName,XMin,XMax,YMin,YMax\n"
                + "\"ü 1\",/m/z,0,1,0,1\nü 1,/m/a,0,0.5,0,0.5\n");
        jpeg("images/test/ü 1.jpg", 20, 10);

        CollectingSink sink = load(dir);

        assertEquals(List.of(new ClassLabel(0, "/m/a"), new ClassLabel(1, "/m/z")), sink.classes());
        assertEquals(List.of(1, 0), sink.annotations().stream().map(Annotation::classId).collect(Collectors.toList()));
        assertBox(new BoundingBox(0, 0, 20, 10), sink.annotations().get(0).box());
        assertEquals(Map.of(), sink.annotations().get(0).attributes());
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void unitDependsOnItsCsvTheClassListAndEveryImageItMayUse() throws IOException {
        write("annotations/train-annotations-bbox.csv", HEADER + "a,x,/m/cat,1,0,1,0,1,0,0,0,0,0\n");
        write("annotations/class-descriptions.csv", CLASSES);
        jpeg("images/train/a.jpg", 10, 10);
        jpeg("images/train/b.jpg", 10, 10);
        jpeg("images/test/c.jpg", 10, 10);

        DatasetLoader.Result result = DatasetLoader.load(dir, new OpenImagesFormat());

        assertEquals(List.of("annotations/train-annotations-bbox.csv", "annotations/class-descriptions.csv",
                "images/train/a.jpg", "images/train/b.jpg"), only(result.units()).files());
        assertTrue(new OpenImagesFormat().needsImageHeaders());
    }

    @Test
    void unreadableImageLeavesItsBoxesUnplacedWithAWarning() throws IOException {
        write("annotations/train-annotations-bbox.csv", HEADER + "a,x,/m/cat,1,0,1,0,1,0,0,0,0,0\n"
                + "a,x,/m/dog,1,0,1,0,1,0,0,0,0,0\n");
        write("annotations/class-descriptions.csv", CLASSES);
        write("images/train/a.jpg", "not a jpeg at all");

        CollectingSink sink = load(dir);

        assertEquals(List.of(), sink.annotations());
        Problem p = only(sink.problems());
        assertEquals(ProblemKind.OTHER, p.kind());
        assertTrue(p.message().startsWith("2 boxes not placed: the size of images/train/a.jpg cannot be read"));
    }

    @Test
    void probeNeedsTheBoxColumns() throws IOException {
        write("a/annotations/train-annotations-bbox.csv", "ImageID,Foo\nx,y\n");
        assertEquals(0, probe(dir.resolve("a")).confidence());
        write("b/annotations/train-annotations-bbox.csv", HEADER);
        assertEquals(0.9, probe(dir.resolve("b")).confidence(), EPS);
        write("b/annotations/class-descriptions.csv", CLASSES);
        assertEquals(0.95, probe(dir.resolve("b")).confidence(), EPS);
        write("c/class-descriptions.csv", CLASSES);
        assertEquals(0, probe(dir.resolve("c")).confidence());
    }

    @Test
    void idChangesInTheClassListChangeUnitKeys() throws IOException {
        write("annotations/train-annotations-bbox.csv", HEADER + "a,x,/m/cat,1,0,1,0,1,0,0,0,0,0\n");
        write("annotations/class-descriptions.csv", CLASSES);
        String before = only(DatasetLoader.load(dir, new OpenImagesFormat()).units()).key();
        write("annotations/class-descriptions.csv", "LabelName,DisplayName\n/m/dog,Dog\n/m/cat,Cat\n");
        String after = only(DatasetLoader.load(dir, new OpenImagesFormat()).units()).key();

        assertNotEquals(before, after);
    }

    // ---------------------------------------------------------------- helpers

    private static CollectingSink load(Path root) throws IOException {
        return DatasetLoader.load(root, new OpenImagesFormat()).sink();
    }

    private static Support probe(Path root) throws IOException {
        Path absolute = root.toAbsolutePath().normalize();
        return new OpenImagesFormat().probe(DatasetLoader.list(absolute), absolute);
    }

    private static Path shared(String sample) {
        Path p = SHARED.resolve(sample);
        Assumptions.assumeTrue(Files.isDirectory(p), "../shared/datasets not present");
        return p;
    }

    private void write(String relative, String text) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private void jpeg(String relative, int w, int h) throws IOException {
        image(relative, w, h, "jpg");
    }

    private void png(String relative, int w, int h) throws IOException {
        image(relative, w, h, "png");
    }

    private void image(String relative, int w, int h, String format) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0xff8800);
        assertTrue(ImageIO.write(img, format, file.toFile()));
    }

    private static Map<String, String> splits(CollectingSink sink) {
        Map<String, String> result = new HashMap<>();
        sink.images().forEach(i -> result.put(i.path(), String.valueOf(i.split())));
        return result;
    }

    private static List<Annotation> annotationsOf(CollectingSink sink, String image) {
        return sink.annotations().stream().filter(a -> a.imagePath().equals(image)).collect(Collectors.toList());
    }

    private static <T> T only(List<T> list) {
        assertEquals(1, list.size(), () -> "expected exactly one: " + list);
        return list.get(0);
    }

    private static void assertBox(BoundingBox expected, BoundingBox actual) {
        assertEquals(expected.x(), actual.x(), EPS, "x");
        assertEquals(expected.y(), actual.y(), EPS, "y");
        assertEquals(expected.width(), actual.width(), EPS, "width");
        assertEquals(expected.height(), actual.height(), EPS, "height");
    }
}
