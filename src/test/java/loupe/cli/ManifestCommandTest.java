package loupe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.testing.CocoFixture;

class ManifestCommandTest {

    @TempDir
    Path dataset;

    @TempDir
    Path work;

    private String catalog;

    @BeforeEach
    void coco() {
        CocoFixture coco = new CocoFixture(dataset).categories("car", "tree");
        int a = coco.image("train", "a.jpg", 50, 50);
        int b = coco.image("val", "b.jpg", 40, 30);
        coco.image("val", "c.jpg", 40, 30);
        coco.box(a, 1, 1, 1, 10, 10).box(a, 2, 1, 1, 10, 10).box(b, 1, 1, 1, 5, 5);
        coco.write();
        catalog = work.resolve("c.duckdb").toString();
    }

    @Test
    void indexesFirstAndPrintsAJsonSummary() throws Exception {
        Path file = work.resolve("m.parquet");
        CliTest.Run run = CliTest.run("manifest", dataset.toString(), "-o", file.toString(), "--catalog", catalog,
                "--json", "-q");
        assertEquals(0, run.code(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals(3, json.get("rows").asInt());
        assertEquals("parquet", json.get("format").asText());
        assertEquals(file.toAbsolutePath().toString(), json.get("file").asText());
        assertEquals(Files.size(file), json.get("bytes").asLong());
        assertTrue(json.get("shuffleSeed").isNull());
    }

    @Test
    void formatOptionOverridesTheExtensionAndSplitFilters() throws Exception {
        Path file = work.resolve("manifest.txt");
        CliTest.Run run = CliTest.run("manifest", dataset.toString(), "-o", file.toString(), "--format", "jsonl",
                "--split", "val", "--shuffle-seed", "3", "--epochs", "2", "--catalog", catalog, "-q");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("2 rows written"), run.out());
        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size());
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        assertEquals("val", first.get("split").asText());
        assertEquals(0, first.get("epoch_0").asInt());
        assertTrue(first.has("epoch_1"));
    }

    @Test
    void recipeListsOnlyItsItemsWithItsLabelsAndSplits() throws Exception {
        Path recipe = work.resolve("r.json");
        Files.writeString(recipe, "{\"filter\": {\"classes\": {\"any\": [\"car\"]}},"
                + " \"labels\": {\"rename\": {\"car\": \"auto\"}, \"dropBoxes\": [\"tree\"]},"
                + " \"split\": {\"method\": \"random\", \"ratios\": {\"all\": 1.0}}}");
        Path file = work.resolve("m.jsonl");
        CliTest.Run run = CliTest.run("manifest", dataset.toString(), "-o", file.toString(), "--recipe",
                recipe.toString(), "--catalog", catalog, "-q");
        assertEquals(0, run.code(), run.err());
        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size(), "c.jpg has no car");
        JsonNode a = new ObjectMapper().readTree(lines.get(0));
        assertEquals("images/train/a.jpg", a.get("path").asText());
        assertEquals("all", a.get("split").asText());
        assertEquals("[\"auto\"]", a.get("class_names").toString());
        assertEquals(1, a.get("annotation_count").asInt(), "tree's box dropped");
    }

    @Test
    void brokenRecipeFailsBeforeIndexing() throws Exception {
        Path recipe = work.resolve("r.json");
        Files.writeString(recipe, "{\"split\": ");
        CliTest.Run run = CliTest.run("manifest", dataset.toString(), "-o", work.resolve("m.csv").toString(),
                "--recipe", recipe.toString(), "--catalog", catalog, "-q");
        assertEquals(1, run.code(), run.err());
        assertTrue(run.err().contains("r.json"), run.err());
        assertFalse(Files.exists(Path.of(catalog)), "nothing was indexed");
    }

    @Test
    void unknownExtensionIsAUsageError() {
        CliTest.Run run = CliTest.run("manifest", dataset.toString(), "-o", work.resolve("m.xyz").toString(),
                "--catalog", catalog, "-q");
        assertEquals(2, run.code());
        assertTrue(run.err().contains("--format"), run.err());
        assertFalse(Files.exists(work.resolve("m.xyz")));
    }

    @Test
    void existingFileIsAFailureWithoutOverwrite() throws Exception {
        Path file = work.resolve("m.csv");
        Files.writeString(file, "keep me");
        CliTest.Run run = CliTest.run("manifest", dataset.toString(), "-o", file.toString(), "--catalog", catalog,
                "-q");
        assertEquals(1, run.code());
        assertTrue(run.err().contains("--overwrite"), run.err());
        assertEquals("keep me", Files.readString(file));
        run = CliTest.run("manifest", dataset.toString(), "-o", file.toString(), "--catalog", catalog, "-q",
                "--overwrite");
        assertEquals(0, run.code(), run.err());
        assertTrue(Files.readString(file).startsWith("path,size,"));
    }
}
