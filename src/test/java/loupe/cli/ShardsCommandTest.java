package loupe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.testing.CocoFixture;

class ShardsCommandTest {

    @TempDir
    Path dataset;

    @TempDir
    Path work;

    private String catalog;

    @BeforeEach
    void coco() {
        CocoFixture coco = new CocoFixture(dataset).categories("car");
        for (int i = 0; i < 5; i++) {
            coco.box(coco.image("train", "i" + i + ".jpg", 20, 20), 1, 1, 1, 5, 5);
        }
        coco.missingImage("train", "gone.jpg", 20, 20);
        coco.write();
        catalog = work.resolve("c.duckdb").toString();
    }

    @Test
    void writesShardsByItemCountAndPrintsAJsonSummary() throws Exception {
        Path out = work.resolve("shards");
        CliTest.Run run = CliTest.run("shards", dataset.toString(), out.toString(), "--shard-size", "2",
                "--catalog", catalog, "--json", "-q");
        assertEquals(0, run.code(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals(5, json.get("items").asInt());
        assertEquals(1, json.get("skippedMissing").asInt());
        assertEquals(3, json.get("shards").size());
        assertTrue(Files.isRegularFile(out.resolve("shard-000002.tar")));
        assertTrue(Files.isRegularFile(out.resolve("shards.json")));
    }

    @Test
    void recipeWritesOnlyTheItemsItSelects() throws Exception {
        Path recipe = work.resolve("r.json");
        Files.writeString(recipe, "{\"filter\": {\"paths\": [\"*/i[0-2].jpg\"]},"
                + " \"labels\": {\"rename\": {\"car\": \"auto\"}}}");
        Path out = work.resolve("shards");
        CliTest.Run run = CliTest.run("shards", dataset.toString(), out.toString(), "--recipe", recipe.toString(),
                "--catalog", catalog, "--json", "-q");
        assertEquals(0, run.code(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals(3, json.get("items").asInt());
        assertEquals(0, json.get("skippedMissing").asInt(), "gone.jpg is not selected");
        byte[] tar = Files.readAllBytes(out.resolve("shard-000000.tar"));
        String text = new String(tar, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("\"class_name\":\"auto\""), "renamed label in the samples");
        assertFalse(text.contains("\"class_name\":\"car\""));
    }

    @Test
    void textSummaryWarnsAboutSkippedImages() {
        Path out = work.resolve("shards");
        CliTest.Run run = CliTest.run("shards", dataset.toString(), out.toString(), "--catalog", catalog, "-q");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("5 samples in 1 shards"), run.out());
        assertTrue(run.out().contains("skipped 1 missing and 0 corrupt"), run.out());
    }

    @Test
    void badShardSizeIsAUsageError() {
        Path out = work.resolve("shards");
        CliTest.Run run = CliTest.run("shards", dataset.toString(), out.toString(), "--shard-size", "big",
                "--catalog", catalog, "-q");
        assertEquals(2, run.code());
        assertTrue(run.err().contains("--shard-size"), run.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void nonEmptyOutputIsAFailureWithoutOverwrite() throws Exception {
        Path out = work.resolve("shards");
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "mine");
        CliTest.Run run = CliTest.run("shards", dataset.toString(), out.toString(), "--catalog", catalog, "-q");
        assertEquals(1, run.code());
        assertTrue(run.err().contains("--overwrite"), run.err());
        assertEquals("mine", Files.readString(out.resolve("keep.txt")));
    }
}
