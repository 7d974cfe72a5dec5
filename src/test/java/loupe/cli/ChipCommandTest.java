package loupe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.testing.CocoFixture;
import loupe.testing.TestImages;

class ChipCommandTest {

    @TempDir
    Path tmp;

    @Test
    void chipsADatasetAndPrintsTheSummaryAsJson() throws Exception {
        Path data = tmp.resolve("data");
        CocoFixture coco = new CocoFixture(data).categories("car");
        int a = coco.image("train", "a.jpg", 600, 400);
        coco.box(a, 1, 10, 10, 50, 50).box(a, 1, 400, 300, 60, 60);
        coco.write();
        Path out = tmp.resolve("chips");
        CliTest.Run run = CliTest.run("chip", data.toString(), out.toString(), "--size", "256", "--overlap", "56",
                "--to", "yolo", "--catalog", tmp.resolve("c.duckdb").toString(), "--json", "-q");
        assertEquals(0, run.code(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        // x starts 0, 200, 344; y starts 0, 144: 6 chips.
        assertEquals(6, json.get("chips").asInt());
        assertEquals("coco", json.get("from").asText());
        assertEquals("yolo", json.get("to").asText());
        assertEquals(1, json.get("imagesChipped").asInt());
        assertTrue(json.get("nonEmptyChips").asInt() >= 2);
        assertEquals(7, Files.readAllLines(out.resolve("chips.csv")).size(), "header and 6 rows");
    }

    @Test
    void chipsASingleImageAndPrintsText() {
        Path image = TestImages.write(tmp.resolve("img/big.png"), 700, 300);
        Path out = tmp.resolve("out");
        CliTest.Run run = CliTest.run("chip", image.toString(), out.toString(), "--size", "300", "--image-format",
                "png", "-q");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("3 chips from 1 of 1 images"), run.out());
        assertTrue(Files.isRegularFile(out.resolve("chips.csv")));
    }

    @Test
    void rejectsOverlapWithStrideAndBadValuesAsUsageErrors() {
        Path image = TestImages.write(tmp.resolve("img/a.png"), 100, 100);
        Path out = tmp.resolve("never");
        assertEquals(2, CliTest.run("chip", image.toString(), out.toString(), "--overlap", "10", "--stride", "50")
                .code());
        assertEquals(2, CliTest.run("chip", image.toString(), out.toString(), "--size", "64", "--overlap", "64")
                .code());
        assertEquals(2, CliTest.run("chip", image.toString(), out.toString(), "--image-format", "gif").code());
        assertEquals(2, CliTest.run("chip", image.toString(), out.toString(), "--min-visibility", "2").code());
        CliTest.Run missing = CliTest.run("chip", tmp.resolve("absent.png").toString(), out.toString(), "-q");
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("no such file"), missing.err());
        assertFalse(Files.exists(out));
    }
}
