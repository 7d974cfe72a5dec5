package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import loupe.core.model.ImageRef;
import loupe.core.model.Problem;
import loupe.core.model.ProblemKind;

/**
 * There is no Create ML sample in ../shared/datasets (no JSON there is an array of {image, annotations} entries:
 * checked with grep -rl '"coordinates"', which finds only datumaro's own format), so these tests use generated
 * fixtures in the shapes Roboflow exports and Apple documents.
 */
class CreateMlFormatTest {

    private static final Path SHARED = Path.of("..", "shared", "datasets");
    private static final double EPS = 1e-9;

    @TempDir
    Path dir;

    @Test
    void readsRoboflowExportWithCentreCoordinatesAndSplitFolders() throws IOException {
        write("train/_annotations.createml.json", """
                [{"image": "a.jpg", "annotations": [
                    {"label": "dog", "coordinates": {"x": 20, "y": 15, "width": 10, "height": 6}},
                    {"label": "cat", "coordinates": {"x": 5.5, "y": 4.25, "width": 3, "height": 2.5}}]},
                 {"image": "empty.jpg", "annotations": []}]
                """);
        write("valid/_annotations.createml.json", """
                [{"image": "b.jpg", "annotations": [
                    {"label": "dog", "coordinates": {"x": 0, "y": 0, "width": 4, "height": 4}}]}]
                """);
        jpeg("train/a.jpg", 40, 30);
        jpeg("train/empty.jpg", 40, 30);
        jpeg("train/unlisted.jpg", 40, 30);
        jpeg("valid/b.jpg", 40, 30);

        CollectingSink sink = load(dir);

        assertEquals(List.of(new ClassLabel(0, "cat"), new ClassLabel(1, "dog")), sink.classes());
        assertEquals(Map.of("train/a.jpg", "train", "train/empty.jpg", "train", "train/unlisted.jpg", "train",
                "valid/b.jpg", "valid"), splits(sink));
        List<Annotation> a = annotationsOf(sink, "train/a.jpg");
        assertEquals(List.of(1, 0), a.stream().map(Annotation::classId).collect(Collectors.toList()));
        assertBox(new BoundingBox(15, 12, 10, 6), a.get(0).box());
        assertBox(new BoundingBox(4, 3, 3, 2.5), a.get(1).box());
        // a centre on the corner gives a box half outside the image: kept as read, the indexer reports it
        assertBox(new BoundingBox(-2, -2, 4, 4), annotationsOf(sink, "valid/b.jpg").get(0).box());
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void readsApplesDocumentedKeySpellingAndImagesInAnImagesFolder() throws IOException {
        // Apple's MLObjectDetector documentation example: "imagefilename" and "annotation"
        write("annotations.json", """
                [{"imagefilename": "cat and dog.png", "annotation": [
                    {"label": "cat", "coordinates": {"y": 2.0, "x": 3.9, "height": 40.1, "width": 20.0}},
                    {"label": "dog", "coordinates": {"y": 40.0, "x": 38.9, "height": 100.1, "width": 70.0}}]}]
                """);
        png("images/cat and dog.png", 120, 160);

        CollectingSink sink = load(dir);

        assertEquals(List.of(ImageRef.of("images/cat and dog.png", null)), sink.images());
        assertEquals(2, sink.annotations().size());
        assertBox(new BoundingBox(3.9 - 10, 2.0 - 20.05, 20, 40.1), sink.annotations().get(0).box());
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void reportsMalformedEntriesAtTheirJsonPointerAndKeepsTheRest() throws IOException {
        write("train.json", """
                [{"image": "a.jpg", "annotations": [
                    {"label": "ok", "coordinates": {"x": 5, "y": 5, "width": 2, "height": 2}},
                    {"coordinates": {"x": 5, "y": 5, "width": 2, "height": 2}},
                    {"label": "ok", "coordinates": {"x": "five", "y": 5, "height": 2}},
                    {"label": "ok"},
                    {"label": "ok", "coordinates": {"x": "6", "y": 5, "width": 2, "height": 2}}]},
                 ["not", "an", "entry"],
                 {"annotations": []},
                 {"image": "b.jpg", "annotations": {"label": "ok"}}]
                """);
        jpeg("a.jpg", 10, 10);
        jpeg("b.jpg", 10, 10);

        CollectingSink sink = load(dir);

        assertEquals(2, sink.annotations().size());     // the first and the last of a.jpg ("6" as text is read)
        Map<String, String> problems = new TreeMap<>();
        for (Problem p : sink.problems()) {
            assertEquals(ProblemKind.MALFORMED_ANNOTATION, p.kind());
            assertEquals("train.json", p.path());
            problems.put(p.location(), p.message());
        }
        assertEquals(List.of("/0/annotations/1", "/0/annotations/2", "/0/annotations/3", "/1", "/2",
                "/3/annotations"), new ArrayList<>(problems.keySet()));
        assertEquals("annotation without a \"label\"", problems.get("/0/annotations/1"));
        assertEquals("'ok': x is \"five\", width is missing; expected numbers", problems.get("/0/annotations/2"));
        assertTrue(problems.get("/1").startsWith("expected an object"), problems.get("/1"));
        assertTrue(problems.get("/2").startsWith("entry without an \"image\""), problems.get("/2"));
        assertEquals(Map.of("a.jpg", "train", "b.jpg", "train"), splits(sink));
    }

    @Test
    void reportsTruncatedJsonWithItsLineAndKeepsTheEntriesBefore() throws IOException {
        write("labels.json", "[{\"image\": \"a.jpg\", \"annotations\": [{\"label\": \"x\", \"coordinates\":"
                + " {\"x\": 5, \"y\": 5, \"width\": 2, \"height\": 2}}]},\n{\"image\": \"b.jpg\", \"annota");
        jpeg("a.jpg", 10, 10);

        CollectingSink sink = load(dir);

        assertEquals(1, sink.annotations().size());
        Problem p = sink.problems().get(0);
        assertEquals(1, sink.problems().size());
        assertEquals(ProblemKind.MALFORMED_ANNOTATION, p.kind());
        assertTrue(p.location().startsWith("line 2"), p.location());
        assertTrue(p.message().startsWith("malformed JSON"), p.message());
    }

    @Test
    void flagsImagesOutsideTheDatasetAndDeclaresMissingOnes() throws IOException {
        write("data/createml.json", """
                [{"image": "../../x.jpg", "annotations": []},
                 {"image": "/tmp/y.jpg", "annotations": []},
                 {"image": "../gone.jpg", "annotations": [
                    {"label": "z", "coordinates": {"x": 1, "y": 1, "width": 2, "height": 2}}]},
                 {"image": "café ü 1.jpg", "annotations": [
                    {"label": "ça", "coordinates": {"x": 1, "y": 1, "width": 2, "height": 2}}]}]
                """);
        jpeg("data/café ü 1.jpg", 10, 10);

        CollectingSink sink = load(dir);

        assertEquals(List.of("/0", "/1"), sink.problems().stream().map(Problem::location).collect(Collectors.toList()));
        assertTrue(sink.problems().stream().allMatch(p -> p.kind() == ProblemKind.PATH_ESCAPES_ROOT));
        assertEquals(Map.of("gone.jpg", "null", "data/café ü 1.jpg", "null"), splits(sink));
        assertEquals(List.of(new ClassLabel(0, "z"), new ClassLabel(1, "ça")), sink.classes());
    }

    @Test
    void unitKeysChangeWhenALabelAppearsInAnotherFile() throws IOException {
        write("a/train.json", "[{\"image\": \"1.jpg\", \"annotations\": [{\"label\": \"m\", \"coordinates\": "
                + "{\"x\": 1, \"y\": 1, \"width\": 2, \"height\": 2}}]}]");
        write("b/valid.json", "[]");
        DatasetLoader.Result before = DatasetLoader.load(dir, new CreateMlFormat());
        write("b/valid.json", "[{\"image\": \"2.jpg\", \"annotations\": [{\"label\": \"a\", \"coordinates\": "
                + "{\"x\": 1, \"y\": 1, \"width\": 2, \"height\": 2}}]}]");
        DatasetLoader.Result after = DatasetLoader.load(dir, new CreateMlFormat());

        assertEquals(List.of("a/train.json"), before.units().get(0).files());
        assertNotEquals(before.units().get(0).key(), after.units().get(0).key());
        assertEquals(0, annotationsOf(before.sink(), "a/1.jpg").get(0).classId());
        assertEquals(1, annotationsOf(after.sink(), "a/1.jpg").get(0).classId());
    }

    @Test
    void probeTellsCreateMlFromOtherJsonArraysAndObjects() throws IOException {
        write("a/_annotations.createml.json", "[{\"image\": \"1.jpg\", \"annotations\": [{\"label\": \"m\", "
                + "\"coordinates\": {\"x\": 1, \"y\": 1, \"width\": 2, \"height\": 2}}]}]");
        assertEquals(0.9, probe(dir.resolve("a")).confidence(), EPS);
        write("b/x.json", "[{\"image\": \"1.jpg\", \"annotations\": []}]");
        assertEquals(0.6, probe(dir.resolve("b")).confidence(), EPS);
        // Label Studio's export: an array of tasks with "annotations" but the image under "data"
        write("c/export.json", "[{\"id\": 1, \"annotations\": [{\"result\": []}], \"data\": {\"image\": \"1.jpg\"}}]");
        assertEquals(0, probe(dir.resolve("c")).confidence());
        write("d/instances.json", "{\"images\": [], \"annotations\": [], \"categories\": []}");
        assertEquals(0, probe(dir.resolve("d")).confidence());
    }

    @Test
    void probeGivesZeroForEverySharedSample() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(SHARED));
        List<Path> samples = new ArrayList<>();
        try (Stream<Path> top = Files.list(SHARED)) {
            top.filter(Files::isDirectory).forEach(samples::add);
        }
        try (Stream<Path> datumaro = Files.list(SHARED.resolve("datumaro"))) {
            datumaro.filter(Files::isDirectory).forEach(samples::add);
        }
        for (Path sample : samples) {
            Support s = probe(sample);
            assertEquals(0, s.confidence(), sample + ": " + s.reason());
        }
    }

    // ---------------------------------------------------------------- helpers

    private static CollectingSink load(Path root) throws IOException {
        return DatasetLoader.load(root, new CreateMlFormat()).sink();
    }

    private static Support probe(Path root) throws IOException {
        Path absolute = root.toAbsolutePath().normalize();
        return new CreateMlFormat().probe(DatasetLoader.list(absolute), absolute);
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

    private static void assertBox(BoundingBox expected, BoundingBox actual) {
        assertEquals(expected.x(), actual.x(), EPS, "x");
        assertEquals(expected.y(), actual.y(), EPS, "y");
        assertEquals(expected.width(), actual.width(), EPS, "width");
        assertEquals(expected.height(), actual.height(), EPS, "height");
    }
}
