package loupe.core.curation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.testing.CocoFixture;

class CurationBalanceTest {

    @TempDir
    Path work;

    /** One box per image. train: a x10, b x5, c x2; val: a x3, b x3. Image files are not needed. */
    private Path singleLabel() {
        CocoFixture coco = new CocoFixture(work.resolve("ds")).categories("a", "b", "c");
        int[][] plan = {{1, 10}, {2, 5}, {3, 2}};
        for (int[] p : plan) {
            for (int i = 0; i < p[1]; i++) {
                coco.box(coco.missingImage("train", "t" + p[0] + "_" + i + ".jpg", 100, 100), p[0], 1, 1, 10, 10);
            }
        }
        for (int c = 1; c <= 2; c++) {
            for (int i = 0; i < 3; i++) {
                coco.box(coco.missingImage("val", "v" + c + "_" + i + ".jpg", 100, 100), c, 1, 1, 10, 10);
            }
        }
        return coco.write();
    }

    private Preview preview(String recipe) throws IOException {
        return Curations.evaluate(singleLabel(), work.resolve("c.duckdb"), recipe).preview();
    }

    /** Class name to images (repeats included) over all splits, or in one split. */
    private static Map<String, Long> images(Preview p, String split) {
        Map<String, Long> out = new TreeMap<>();
        for (Preview.SplitCounts s : p.after()) {
            if (split == null || split.equals(s.split())) {
                s.classes().forEach(c -> out.merge(c.name(), c.images(), Long::sum));
            }
        }
        return out;
    }

    @Test
    void imageCapUndersamplesEachClassToExactlyTheCap() throws IOException {
        Preview p = preview("{\"balance\": {\"maxImagesPerClass\": 4}}");
        assertEquals(Map.of("a", 4L, "b", 4L, "c", 2L), images(p, null));
        assertEquals(10, p.distinctImagesAfter());
    }

    @Test
    void instanceCapCountsAnnotations() throws IOException {
        Preview p = preview("{\"balance\": {\"maxInstancesPerClass\": 3}}");
        assertEquals(Map.of("a", 3L, "b", 3L, "c", 2L), images(p, null));
        assertEquals(8, p.annotationsAfter());
    }

    @Test
    void capsServeRareClassesFirstOnMultiLabelImages() throws IOException {
        // x: 6 images with a only; y: 2 images with a and b. Capping at 2 images must keep the two b images,
        // which also use up a's cap.
        CocoFixture coco = new CocoFixture(work.resolve("ml")).categories("a", "b");
        for (int i = 0; i < 6; i++) {
            coco.box(coco.missingImage("train", "x" + i + ".jpg", 50, 50), 1, 1, 1, 5, 5);
        }
        for (int i = 0; i < 2; i++) {
            int id = coco.missingImage("train", "y" + i + ".jpg", 50, 50);
            coco.box(id, 1, 1, 1, 5, 5).box(id, 2, 1, 1, 5, 5);
        }
        Curations.Selected s = Curations.evaluate(coco.write(), work.resolve("ml.duckdb"),
                "{\"balance\": {\"maxImagesPerClass\": 2}}");
        assertEquals(java.util.Set.of("images/train/y0.jpg", "images/train/y1.jpg"), s.images().keySet());
    }

    @Test
    void oversamplingRepeatsRareClassesUpToTheTargetInTrainOnly() throws IOException {
        Preview p = preview("{\"balance\": {\"oversample\": {\"targetRatio\": 1.0}}}");
        assertEquals(Map.of("a", 10L, "b", 10L, "c", 10L), images(p, "train"));
        assertEquals(Map.of("a", 3L, "b", 3L), images(p, "val"), "val is never oversampled by default");
        assertEquals(30, p.after("train").images());
        assertEquals(17, p.after("train").distinctImages());
    }

    @Test
    void oversamplingStopsAtMaxRepeatsAndRoundsTheTargetUp() throws IOException {
        Preview capped = preview("{\"balance\": {\"oversample\": {\"targetRatio\": 1.0, \"maxRepeats\": 3}}}");
        assertEquals(Map.of("a", 10L, "b", 10L, "c", 6L), images(capped, "train"));
        Preview half = preview("{\"balance\": {\"oversample\": {\"targetRatio\": 0.45}}}");
        assertEquals(Map.of("a", 10L, "b", 5L, "c", 5L), images(half, "train"), "target ceil(4.5) = 5");
    }

    @Test
    void oversamplingCanCountInstancesAndNameItsSplits() throws IOException {
        Preview p = preview("{\"balance\": {\"oversample\": {\"targetRatio\": 1.0, \"by\": \"instances\","
                + " \"splits\": [\"val\"]}}}");
        assertEquals(Map.of("a", 3L, "b", 3L), images(p, "val"));
        assertEquals(Map.of("a", 10L, "b", 5L, "c", 2L), images(p, "train"));
    }

    @Test
    void capsThenSplitThenOversampleAreReproducibleWithASeed() throws IOException {
        String recipe = "{\"seed\": 7, \"balance\": {\"maxImagesPerClass\": 6, \"oversample\": {\"targetRatio\": 1}},"
                + " \"split\": {\"method\": \"stratified\", \"ratios\": {\"train\": 0.5, \"val\": 0.5}}}";
        Curations.Selected first = Curations.evaluate(singleLabel(), work.resolve("c.duckdb"), recipe);
        Curations.Selected second = Curations.evaluate(singleLabel(), work.resolve("c.duckdb"), recipe);
        assertEquals(first.images(), second.images());
        assertEquals(first.preview(), second.preview());
        assertEquals(Map.of("a", 3L, "b", 3L, "c", 3L), images(first.preview(), "train"));
    }
}
