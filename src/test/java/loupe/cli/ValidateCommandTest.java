package loupe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.testing.CocoFixture;

class ValidateCommandTest {

    @TempDir
    Path dataset;

    @TempDir
    Path cache;

    private CliTest.Run validate(Path root, String... more) {
        List<String> args = new ArrayList<>(List.of("validate", root.toString(), "--catalog",
                cache.resolve("c.duckdb").toString(), "-q"));
        args.addAll(List.of(more));
        return CliTest.run(args.toArray(String[]::new));
    }

    @Test
    void cleanDatasetPassesStrict() {
        CocoFixture coco = new CocoFixture(dataset).categories("car");
        coco.box(coco.image("train", "a.jpg", 50, 50), 1, 1, 1, 10, 10).write();
        CliTest.Run run = validate(dataset, "--strict");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().strip().endsWith("no problems"), run.out());
    }

    @Test
    void infoProblemsDoNotFailStrict() throws Exception {
        CocoFixture coco = new CocoFixture(dataset).categories("car");
        coco.box(coco.image("train", "a.jpg", 50, 50), 1, 1, 1, 10, 10);
        coco.image("train", "empty.jpg", 50, 50);
        coco.write();
        CliTest.Run run = validate(dataset, "--strict", "--json");
        assertEquals(0, run.code(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals(1, json.get("infos").asInt());
        assertTrue(json.get("passes").asBoolean());
        assertFalse(json.get("clean").asBoolean());
    }

    @Test
    void warningsFailStrictWithExitThreeAndAreGroupedByKind() throws Exception {
        CocoFixture coco = new CocoFixture(dataset).categories("car");
        int a = coco.image("train", "a.jpg", 50, 50);
        coco.box(a, 1, 45, 1, 10, 10).box(a, 1, 40, 40, 20, 20).box(a, 1, 1, 1, 0, 10);
        coco.missingImage("train", "gone.jpg", 50, 50);
        coco.write();

        assertEquals(0, validate(dataset).code(), "without --strict problems do not change the exit code");
        CliTest.Run text = validate(dataset, "--strict", "--per-kind", "1");
        assertEquals(3, text.code(), text.err());
        assertTrue(text.out().contains("4 problems (2 errors, 2 warnings, 0 info)"), text.out());
        assertTrue(text.out().contains("WARNING BOX_OUT_OF_BOUNDS: 2"), text.out());
        assertTrue(text.out().contains("  ... 1 more"), text.out());

        CliTest.Run run = validate(dataset, "--strict", "--json");
        assertEquals(3, run.code());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertFalse(json.get("passes").asBoolean());
        assertEquals(2, json.get("errors").asInt());
        assertEquals(2, json.get("warnings").asInt());
        JsonNode first = json.get("kinds").get(0);
        assertEquals("ERROR", first.get("severity").asText());
        assertEquals(1, first.get("count").asInt());
        assertEquals(1, first.get("problems").size());
        assertEquals("BOX_OUT_OF_BOUNDS", json.get("kinds").get(2).get("kind").asText());
        assertEquals(2, json.get("kinds").get(2).get("problems").size());
    }

    @Test
    void helpNamesTheSeveritiesThatFailStrict() {
        CliTest.Run help = CliTest.run("validate", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("3 --strict and problems of severity WARNING or ERROR exist"), help.out());
    }

    /**
     * Every defect gen_dataset.py --defects injects (defects.json) is reported with the right kind and path.
     * NOTE: duplicate images are found only with {@code --hashes}, so they are not expected here; the
     * generator's "image without annotation" is a file on disk that the COCO file does not list.
     */
    @Test
    void findsEveryInjectedDefect() throws Exception {
        Path gen = Path.of("..", "shared", "bench", "gen_dataset.py");
        Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isRegularFile(gen) && Files.isExecutable(python), "gen_dataset.py or python3 absent");
        Path out = dataset.resolve("gen");
        Process p = new ProcessBuilder(python.toString(), gen.toString(), "--out", out.toString(), "--images", "24",
                "--classes", "4", "--format", "coco", "--defects", "--workers", "1").redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assumeTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "generator failed: " + log);
        JsonNode defects = new ObjectMapper().readTree(out.resolve("defects.json").toFile());

        CliTest.Run run = validate(out, "--strict", "--json", "--per-kind", "1000");
        assertEquals(3, run.code(), run.err());
        Set<String> found = new HashSet<>();
        for (JsonNode kind : new ObjectMapper().readTree(run.out()).get("kinds")) {
            for (JsonNode problem : kind.get("problems")) {
                found.add(kind.get("kind").asText() + " " + problem.get("path").asText());
            }
        }
        Map<String, String> kindOf = Map.of("truncated_jpeg", "CORRUPT_IMAGE", "bbox_out_of_bounds",
                "BOX_OUT_OF_BOUNDS", "zero_area_box", "INVALID_BOX", "annotation_missing_image", "MISSING_IMAGE",
                "image_without_annotation", "IMAGE_NOT_IN_ANNOTATIONS");
        int checked = 0;
        for (JsonNode d : defects) {
            String kind = kindOf.get(d.get("type").asText());
            if (kind != null) {
                assertTrue(found.contains(kind + " " + d.get("path").asText()), d + " not in " + found);
                checked++;
            }
        }
        assertEquals(5, checked);
        assertEquals(5, found.size(), "nothing but the injected defects: " + found);
    }

    @Test
    void hashesReportADuplicatePairOnlyWhenAsked() throws Exception {
        CocoFixture coco = new CocoFixture(dataset).categories("car");
        int a = coco.image("train", "a.jpg", 40, 30);
        int b = coco.image("train", "b.jpg", 40, 30);
        coco.box(a, 1, 1, 1, 10, 10).box(b, 1, 1, 1, 10, 10).write();
        // TestImages draws the same picture for the same size, and the JPEG encoder is deterministic; make sure
        Files.copy(dataset.resolve("images/train/a.jpg"), dataset.resolve("images/train/b.jpg"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        CliTest.Run plain = validate(dataset, "--strict");
        assertEquals(0, plain.code(), plain.out());

        CliTest.Run run = validate(dataset, "--hashes", "--strict", "--json");
        assertEquals(3, run.code(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        JsonNode dup = null;
        for (JsonNode k : json.get("kinds")) {
            if (k.get("kind").asText().equals("DUPLICATE_IMAGE")) {
                dup = k;
            }
        }
        assertTrue(dup != null, run.out());
        assertEquals(2, dup.get("count").asInt(), "each file of the pair");
        Set<String> paths = new HashSet<>();
        for (JsonNode p : dup.get("problems")) {
            paths.add(p.get("path").asText());
            String other = p.get("path").asText().endsWith("a.jpg") ? "b.jpg" : "a.jpg";
            assertTrue(p.get("message").asText().contains(other), p.toString());
        }
        assertEquals(Set.of("images/train/a.jpg", "images/train/b.jpg"), paths);

        CliTest.Run text = validate(dataset, "--hashes");
        assertTrue(text.out().contains("WARNING DUPLICATE_IMAGE: 2"), text.out());
    }
}
