package loupe.core.curation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.model.ClassLabel;
import loupe.testing.CocoFixture;
import loupe.testing.TestImages;

class CurationFiltersTest {

    @TempDir
    Path work;

    private static final String A = "images/train/a.jpg";
    private static final String B = "images/train/b.jpg";
    private static final String C = "images/train/c.jpg";
    private static final String D = "images/val/d.jpg";
    private static final String E = "images/val/e.jpg";
    private static final String F = "images/val/f.jpg";

    /**
     * car=1, tree=2, boat=3, person=4. a: car 10x10, tree 50x30; b: car, car, boat; c: person; d: tree partly
     * outside; e: nothing; f: boat, file missing.
     */
    private Path coco() {
        Path root = work.resolve("coco");
        CocoFixture coco = new CocoFixture(root).categories("car", "tree", "boat", "person");
        int a = coco.image("train", "a.jpg", 200, 100);
        int b = coco.image("train", "b.jpg", 64, 48);
        int c = coco.image("train", "c.jpg", 300, 300);
        int d = coco.image("val", "d.jpg", 80, 60);
        coco.image("val", "e.jpg", 80, 60);
        int f = coco.missingImage("val", "f.jpg", 80, 60);
        coco.box(a, 1, 0, 0, 10, 10).box(a, 2, 20, 20, 50, 30)
                .box(b, 1, 1, 1, 5, 5).box(b, 1, 10, 10, 20, 20).box(b, 3, 30, 5, 30, 40)
                .box(c, 4, 10, 10, 100, 200)
                .box(d, 2, 70, 50, 20, 20)
                .box(f, 3, 1, 1, 10, 10);
        return coco.write();
    }

    private Curations.Selected eval(String recipe) throws IOException {
        return Curations.evaluate(coco(), work.resolve("catalog.duckdb"), recipe);
    }

    private Set<String> selected(String recipe) throws IOException {
        return eval(recipe).images().keySet();
    }

    @Test
    void emptyRecipeKeepsEverythingAsItIs() throws IOException {
        Curations.Selected s = eval("{}");
        assertEquals(Set.of(A, B, C, D, E, F), s.images().keySet());
        assertEquals(List.of(1, 2), s.classes().get(A));
        assertEquals("train", s.images().get(A).split());
        assertEquals(8, s.preview().annotationsAfter());
        assertEquals(s.preview().before(), s.preview().after());
    }

    @Test
    void classFilterAnyAllNone() throws IOException {
        assertEquals(Set.of(A, B), selected("{\"filter\": {\"classes\": {\"any\": [\"car\"]}}}"));
        assertEquals(Set.of(A), selected("{\"filter\": {\"classes\": {\"all\": [\"car\", \"tree\"]}}}"));
        assertEquals(Set.of(C, D, E, F), selected("{\"filter\": {\"classes\": {\"none\": [\"car\"]}}}"));
        assertEquals(Set.of(B, F), selected("{\"filter\": {\"classes\": {\"any\": [\"car\", \"boat\"],"
                + " \"none\": [\"tree\"], \"all\": [\"boat\"]}}}"));
    }

    @Test
    void splitFilterKeepsOnlyTheNamedSplits() throws IOException {
        assertEquals(Set.of(D, E, F), selected("{\"filter\": {\"splits\": [\"val\"]}}"));
    }

    @Test
    void problemFilterSelectsOrExcludesImagesByProblemKind() throws IOException {
        assertEquals(Set.of(F), selected("{\"filter\": {\"problems\": {\"any\": [\"MISSING_IMAGE\"]}}}"));
        assertEquals(Set.of(D), selected("{\"filter\": {\"problems\": {\"any\": [\"box_out_of_bounds\"]}}}"));
        assertEquals(Set.of(A, B, C, D), selected("{\"filter\": {\"problems\": {\"none\":"
                + " [\"MISSING_IMAGE\", \"IMAGE_WITHOUT_ANNOTATIONS\"]}}}"));
    }

    @Test
    void boxCountRangeCountsTheSourceBoxes() throws IOException {
        assertEquals(Set.of(A, B), selected("{\"filter\": {\"boxCount\": {\"min\": 2}}}"));
        assertEquals(Set.of(E), selected("{\"filter\": {\"boxCount\": {\"max\": 0}}}"));
        assertEquals(Set.of(B), selected("{\"filter\": {\"boxCount\": {\"min\": 3, \"max\": 3}}}"));
    }

    @Test
    void boxSizeRangeRemovesBoxesNotImages() throws IOException {
        Curations.Selected s = eval("{\"filter\": {\"boxWidth\": {\"min\": 20}}}");
        assertEquals(6, s.images().size());
        assertEquals(List.of(2), s.classes().get(A), "the 10 px car is gone, the 50 px tree stays");
        assertEquals(List.of(1, 3), s.classes().get(B));
        assertEquals(List.of(), s.classes().get(F));
        Curations.Selected area = eval("{\"filter\": {\"boxArea\": {\"max\": 100}, \"boxHeight\": {\"min\": 5}}}");
        assertEquals(List.of(1), area.classes().get(A));
        assertEquals(List.of(1), area.classes().get(B), "5x5 kept; 20x20 and 30x40 over 100 px^2");
    }

    @Test
    void imageSizeRangeUsesPixelSizes() throws IOException {
        assertEquals(Set.of(A, C), selected("{\"filter\": {\"imageWidth\": {\"min\": 100}}}"));
        assertEquals(Set.of(B), selected("{\"filter\": {\"imageHeight\": {\"max\": 50}}}"));
    }

    @Test
    void pathGlobsSelectImagesByPath() throws IOException {
        assertEquals(Set.of(D, E, F), selected("{\"filter\": {\"paths\": [\"images/val/*\"]}}"));
        assertEquals(Set.of(A, D), selected("{\"filter\": {\"paths\": [\"*/a.jpg\", \"*d.jpg\"]}}"));
    }

    @Test
    void mergeJoinsClassesUnderTheLowestSourceId() throws IOException {
        Curations.Selected s = eval("{\"labels\": {\"merge\": {\"vehicle\": [\"car\", \"boat\"]},"
                + " \"rename\": {\"person\": \"pedestrian\"}}}");
        assertEquals(List.of(new ClassLabel(1, "vehicle"), new ClassLabel(2, "tree"), new ClassLabel(4, "pedestrian")),
                s.classList());
        assertEquals(List.of(1, 1, 1), s.classes().get(B));
        assertEquals(List.of(1), s.classes().get(F));
        Preview.ClassCount vehicle = s.preview().after("train").classes().get(0);
        assertEquals(new Preview.ClassCount(1, "vehicle", 2, 4), vehicle);
    }

    @Test
    void renameToAnExistingNameMerges() throws IOException {
        Curations.Selected s = eval("{\"labels\": {\"rename\": {\"boat\": \"car\"}}}");
        assertEquals(List.of(new ClassLabel(1, "car"), new ClassLabel(2, "tree"), new ClassLabel(4, "person")),
                s.classList());
        assertEquals(List.of(1, 1, 1), s.classes().get(B));
    }

    @Test
    void dropBoxesRemovesTheClassAndItsAnnotations() throws IOException {
        Curations.Selected s = eval("{\"labels\": {\"dropBoxes\": [\"tree\"]}}");
        assertEquals(6, s.images().size());
        assertEquals(List.of(1), s.classes().get(A));
        assertEquals(List.of(), s.classes().get(D));
        assertTrue(s.classList().stream().noneMatch(c -> c.name().equals("tree")));
    }

    @Test
    void dropImagesRemovesEveryImageWithTheClass() throws IOException {
        assertEquals(Set.of(C, E), selected("{\"labels\": {\"dropImages\": [\"boat\", \"tree\"]}}"));
    }

    @Test
    void dropEmptyImagesRemovesImagesLeftWithoutLabels() throws IOException {
        Curations.Selected s = eval("{\"labels\": {\"dropBoxes\": [\"tree\"], \"dropEmptyImages\": true}}");
        assertEquals(Set.of(A, B, C, F), s.images().keySet(), "d lost its only box, e never had one");
        List<String> steps = s.preview().steps().stream().map(Preview.Step::name).toList();
        assertEquals(List.of("source", "filter", "labels"), steps);
        assertEquals(4, s.preview().steps().get(2).images());
    }

    @Test
    void namesTheDatasetDoesNotHaveBecomeNotes() throws IOException {
        Curations.Selected s = eval("{\"filter\": {\"classes\": {\"any\": [\"car\", \"cat\"]}},"
                + " \"labels\": {\"dropBoxes\": [\"dog\"]}}");
        assertEquals(2, s.preview().notes().size(), s.preview().notes().toString());
        assertTrue(s.preview().notes().get(0).contains("'cat'") || s.preview().notes().get(1).contains("'cat'"));
    }

    @Test
    void filtersWorkOnYoloDatasetsToo() throws IOException {
        Path root = work.resolve("yolo");
        Files.createDirectories(root);
        Files.writeString(root.resolve("data.yaml"), "train: images/train\nval: images/val\nnames:\n  - cat\n  - dog\n");
        String[][] images = {{"train", "p", "0 0.5 0.5 0.2 0.2\n1 0.5 0.5 0.5 0.5\n"}, {"train", "q", "1 0.5 0.5 0.1 0.1\n"},
            {"val", "r", "0 0.5 0.5 0.9 0.9\n"}, {"val", "s", ""}};
        for (String[] im : images) {
            TestImages.write(root.resolve("images/" + im[0] + "/" + im[1] + ".jpg"), 100, 100);
            Path label = root.resolve("labels/" + im[0] + "/" + im[1] + ".txt");
            Files.createDirectories(label.getParent());
            Files.writeString(label, im[2], StandardCharsets.UTF_8);
        }
        Curations.Selected s = Curations.evaluate(root, work.resolve("yolo.duckdb"), "{\"filter\": {\"classes\":"
                + " {\"any\": [\"dog\"]}, \"boxWidth\": {\"min\": 15}}, \"labels\": {\"rename\": {\"dog\": \"canine\"},"
                + " \"dropEmptyImages\": true}}");
        assertEquals(Set.of("images/train/p.jpg"), s.images().keySet(), "q's only dog is 10 px wide");
        assertEquals(List.of(0, 1), s.classes().get("images/train/p.jpg"));
        assertEquals(List.of(new ClassLabel(0, "cat"), new ClassLabel(1, "canine")), s.classList());
        Map<String, Long> before = Map.of("train", s.preview().before("train").annotations(),
                "val", s.preview().before("val").annotations());
        assertEquals(Map.of("train", 3L, "val", 1L), before);
    }
}
