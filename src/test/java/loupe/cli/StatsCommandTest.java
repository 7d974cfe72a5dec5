package loupe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.stats.Imbalance;
import loupe.testing.CocoFixture;
import loupe.testing.SharedSamples;

class StatsCommandTest {

    @TempDir
    Path dataset;

    @TempDir
    Path cache;

    private void coco() {
        CocoFixture coco = new CocoFixture(dataset).categories("car", "tree", "boat");
        int a = coco.image("train", "a.jpg", 50, 50);
        int b = coco.image("val", "b.jpg", 50, 50);
        coco.box(a, 1, 1, 1, 10, 10).box(a, 1, 5, 5, 10, 10).box(a, 2, 1, 1, 10, 10).box(b, 1, 1, 1, 60, 10);
        coco.write();
    }

    private CliTest.Run stats(Path root, String... more) {
        List<String> args = new ArrayList<>(List.of("stats", root.toString(), "--catalog",
                cache.resolve("c.duckdb").toString(), "-q"));
        args.addAll(List.of(more));
        return CliTest.run(args.toArray(String[]::new));
    }

    @Test
    void textShowsSharesImbalanceAndProblemsByKind() {
        coco();
        CliTest.Run run = stats(dataset);
        assertEquals(0, run.code(), run.err());
        // car 3 of 4 instances, tree 1
        assertTrue(run.out().matches("(?s).*\\bcar\\s+3\\s+75\\.0%.*"), run.out());
        assertTrue(run.out().contains("Imbalance over 2 classes with instances (1 unused): max/min 3.00"), run.out());
        assertTrue(run.out().contains("Few samples (< 10 instances): boat (0), tree (1), car (3)"), run.out());
        assertTrue(run.out().matches("(?s).*WARNING\\s+BOX_OUT_OF_BOUNDS\\s+1  a box lies partly or wholly outside"
                + " its image\\n.*"), run.out());
        // two RGB JPEGs written by ImageIO: 3 channels of 8 bits, no orientation tag
        assertTrue(run.out().contains("Channels: 3: 2; bit depth: 8: 2; EXIF orientation: 0 (no tag): 2"), run.out());
        assertTrue(run.out().contains("Boxes: 4 (0 of zero or negative size)"), run.out());
    }

    @Test
    void jsonCarriesEveryStatisticAndTheFewSamplesThreshold() throws Exception {
        coco();
        CliTest.Run run = stats(dataset, "--json", "--few-samples", "2");
        assertEquals(0, run.code(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals(2, json.get("fewSamples").get("threshold").asInt());
        assertEquals(2, json.get("fewSamples").get("classes").size(), "boat (0) and tree (1)");
        assertEquals(3.0, json.get("imbalance").get("maxMinRatio").asDouble());
        assertEquals(0.75, json.get("classShares").get(0).get("instanceShare").asDouble());
        assertEquals(4, json.get("boxes").get("small").asInt());
        assertEquals(16, json.get("boxes").get("heatmap").get("counts").size());
        assertEquals(2, json.get("imagesSummary").get("images").asInt());
        assertEquals(1, json.get("problemCount").asInt());
        assertEquals("BOX_OUT_OF_BOUNDS", json.get("problemsByKind").get(0).get("kind").asText());
        JsonNode val = json.get("splits").get(1);
        assertEquals("tree", val.get("absentClasses").get(0).get("name").asText());
        assertEquals(3, json.get("splitShift").size(), "train-val, train-all, val-all");
    }

    @Test
    void splitsWithoutAnnotationsHaveNoShiftAndStillPrint() throws Exception {
        CocoFixture coco = new CocoFixture(dataset).categories("car");
        coco.image("train", "a.jpg", 20, 20);
        coco.image("val", "b.jpg", 20, 20);
        coco.write();
        CliTest.Run text = stats(dataset);
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("Imbalance over 0 classes with instances (1 unused): max/min -"), text.out());
        Path html = cache.resolve("r.html");
        CliTest.Run report = CliTest.run("report", dataset.toString(), "-o", html.toString(), "--catalog",
                cache.resolve("c.duckdb").toString(), "-q");
        assertEquals(0, report.code(), report.err());
        JsonNode json = new ObjectMapper().readTree(stats(dataset, "--json").out());
        assertTrue(json.get("splitShift").get(0).get("totalVariation").isNull());
    }

    @Test
    void timingGoesToStderr() {
        coco();
        CliTest.Run run = stats(dataset, "--timing", "--json");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.err().matches("(?s)statistics: [0-9.]+ ms \\(process CPU [0-9.]+ ms\\)\\s*"), run.err());
    }

    @Test
    void negativeFewSamplesIsAUsageError() {
        coco();
        assertEquals(2, stats(dataset, "--few-samples", "-1").code());
    }

    /**
     * A generated dataset (gen_dataset.py, annotations only) against the counts its meta.json states.
     * Skips when the generator or Debian's python3 with numpy and Pillow is absent.
     */
    @Test
    void countsMatchTheGeneratorsTruth() throws Exception {
        Path gen = Path.of("..", "shared", "bench", "gen_dataset.py");
        Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isRegularFile(gen) && Files.isExecutable(python), "gen_dataset.py or python3 absent");
        Path out = dataset.resolve("gen");
        Process p = new ProcessBuilder(python.toString(), gen.toString(), "--out", out.toString(), "--images", "400",
                "--classes", "12", "--format", "coco", "--no-images", "--workers", "1").redirectErrorStream(true)
                .start();
        String log = new String(p.getInputStream().readAllBytes());
        assumeTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "generator failed: " + log);
        JsonNode meta = new ObjectMapper().readTree(out.resolve("meta.json").toFile());

        CliTest.Run run = stats(out, "--json");
        assertEquals(0, run.code(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals(meta.get("images").asInt(), json.get("images").asInt());
        long[] all = new long[12];
        for (JsonNode split : json.get("splits")) {
            String name = split.get("name").asText();
            assertEquals(meta.get("images_per_split").get(name).asInt(), split.get("images").asInt(), name);
            assertEquals(meta.get("boxes_per_split").get(name).asInt(), split.get("annotations").asInt(), name);
            JsonNode truth = meta.get("boxes_per_class_per_split").get(name);
            for (int c = 0; c < 12; c++) {
                assertEquals(truth.get(c).asLong(), split.get("classes").get(c).get("instances").asLong(),
                        name + " class " + c);
                all[c] += truth.get(c).asLong();
            }
        }
        Imbalance expected = Imbalance.of(all);
        assertEquals(expected.gini(), json.get("imbalance").get("gini").asDouble(), 1e-12);
        assertEquals(expected.maxMinRatio(), json.get("imbalance").get("maxMinRatio").asDouble(), 1e-12);
        assertEquals(meta.get("images").asInt(), json.get("imagesSummary").get("missing").asInt(),
                "--no-images writes no image files");
        long perImage = 0;
        for (JsonNode n : json.get("boxes").get("boxesPerImage")) {
            perImage += n.get("boxes").asLong() * n.get("images").asLong();
        }
        assertEquals(json.get("annotations").asLong(), perImage);
    }

    /**
     * raccoon (VOC): 200 images, 217 boxes, by area 0 small, 15 medium, 202 large; 184 images with one box,
     * 15 with two, 1 with three. Counted with python3's xml.etree over voc_annotations/*.xml
     * (width = xmax - xmin + 1 as VOC's corners are inclusive).
     */
    @Test
    void boxStatisticsOfARealSample() throws Exception {
        Path root = SharedSamples.dir("raccoon");
        CliTest.Run run = stats(root, "--json");
        assertEquals(0, run.code(), run.err());
        JsonNode boxes = new ObjectMapper().readTree(run.out()).get("boxes");
        assertEquals(217, boxes.get("boxes").asInt());
        assertEquals(0, boxes.get("small").asInt());
        assertEquals(15, boxes.get("medium").asInt());
        assertEquals(202, boxes.get("large").asInt());
        JsonNode perImage = boxes.get("boxesPerImage");
        assertEquals("[{\"boxes\":1,\"images\":184},{\"boxes\":2,\"images\":15},{\"boxes\":3,\"images\":1}]",
                perImage.toString());
    }

    @Test
    void hashesOnAnIndexedCatalogReindexAndShowLeakageInTextAndJson() throws Exception {
        coco();
        // a copy of a.jpg in another split: the same bytes in train and val
        java.nio.file.Files.copy(dataset.resolve("images/train/a.jpg"), dataset.resolve("images/val/b.jpg"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        CliTest.Run plain = stats(dataset);
        assertEquals(0, plain.code(), plain.err());
        assertFalse(plain.out().contains("SPLIT_LEAKAGE"), "no hashes without --hashes");

        CliTest.Run text = stats(dataset, "--hashes");
        assertEquals(0, text.code(), text.err());
        // identical bytes in two splits are leakage (not also a duplicate), reported for each file
        assertTrue(text.out().matches("(?s).*ERROR\\s+SPLIT_LEAKAGE\\s+2  the same or a near-same image.*"),
                text.out());
        assertTrue(text.out().contains("images/val/b.jpg: this 'val' image also appears in another split"),
                text.out());
        JsonNode json = new ObjectMapper().readTree(stats(dataset, "--json").out());
        List<String> kinds = new ArrayList<>();
        json.get("problemsByKind").forEach(k -> kinds.add(k.get("kind").asText()));
        assertTrue(kinds.contains("SPLIT_LEAKAGE"), "hashing stays on for the catalog: " + kinds);
        assertEquals(3, json.get("imagesSummary").get("channels").get(0).get("value").asInt());
        assertEquals(2, json.get("imagesSummary").get("channels").get(0).get("images").asInt());
        assertEquals(8, json.get("imagesSummary").get("bitDepths").get(0).get("value").asInt());
        assertEquals(0, json.get("imagesSummary").get("orientations").get(0).get("value").asInt());
    }
}
