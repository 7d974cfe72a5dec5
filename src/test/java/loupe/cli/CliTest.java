package loupe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.testing.CocoFixture;

class CliTest {

    @TempDir
    Path dataset;

    @TempDir
    Path cache;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = LoupeCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private void coco() {
        CocoFixture coco = new CocoFixture(dataset).categories("car", "tree");
        int a = coco.image("train", "a.jpg", 50, 50);
        int b = coco.image("val", "b.jpg", 50, 50);
        coco.box(a, 1, 1, 1, 10, 10).box(a, 2, 1, 1, 10, 10).box(b, 1, 1, 1, 60, 10);
        coco.write();
    }

    @Test
    void statsJsonCarriesTheDocumentedFields() throws Exception {
        coco();
        Run run = run("stats", dataset.toString(), "--catalog", cache.resolve("c.duckdb").toString(), "--json", "-q");
        assertEquals(0, run.code(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals(dataset.toAbsolutePath().normalize().toString(), json.get("root").asText());
        assertEquals("coco", json.get("format").asText());
        assertEquals(2, json.get("images").asInt());
        assertEquals(3, json.get("annotations").asInt());
        assertEquals(2, json.get("classes").size());
        JsonNode car = json.get("classes").get(0);
        assertEquals(1, car.get("id").asInt());
        assertEquals("car", car.get("name").asText());
        assertEquals(2, car.get("instances").asInt());
        assertEquals(2, car.get("images").asInt());
        JsonNode val = json.get("splits").get(1);
        assertEquals("val", val.get("name").asText());
        assertEquals(1, val.get("images").asInt());
        assertEquals(1, val.get("annotations").asInt());
        assertEquals(1, val.get("classes").get(0).get("instances").asInt());
        JsonNode problem = json.get("problems").get(0);
        assertEquals("BOX_OUT_OF_BOUNDS", problem.get("kind").asText());
        assertEquals("images/val/b.jpg", problem.get("path").asText());
        assertFalse(problem.get("message").asText().isBlank());
    }

    @Test
    void statsOfOneSplit() throws Exception {
        coco();
        Run run = run("stats", dataset.toString(), "--catalog", cache.resolve("c.duckdb").toString(), "--json", "-q",
                "--split", "train");
        assertEquals(0, run.code(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals(1, json.get("images").asInt());
        assertEquals(2, json.get("annotations").asInt());
    }

    @Test
    void indexPrintsASummary() {
        coco();
        Run run = run("index", dataset.toString(), "--catalog", cache.resolve("c.duckdb").toString(), "-q");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("4 files, 2 images, 3 annotations, 2 classes, 1 problems"), run.out());
    }

    @Test
    void missingFolderGivesOneLineAndExitCodeOne() {
        Run run = run("stats", dataset.resolve("nope").toString(), "--catalog", cache.resolve("c.duckdb").toString());
        assertEquals(1, run.code());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().startsWith("loupe: no such file or folder"), run.err());
    }

    @Test
    void unknownFormatGivesOneClearLine() {
        coco();
        Run run = run("index", dataset.toString(), "--catalog", cache.resolve("c.duckdb").toString(), "--format", "xyz");
        assertEquals(1, run.code());
        assertTrue(run.err().startsWith("loupe: unknown format 'xyz'"), run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace without --verbose");
    }

    @Test
    void verboseAddsTheStackTrace() {
        Run run = run("index", dataset.resolve("nope").toString(), "--catalog", cache.resolve("c.duckdb").toString(),
                "--verbose");
        assertEquals(1, run.code());
        assertTrue(run.err().contains("\tat "), run.err());
    }

    @Test
    void convertPrintsItsReportAsJson() throws Exception {
        coco();
        Path out = cache.resolve("yolo-out");
        Run run = run("convert", dataset.toString(), out.toString(), "--to", "yolo", "--images", "symlink",
                "--catalog", cache.resolve("c.duckdb").toString(), "--json", "-q");
        assertEquals(0, run.code(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals("coco", json.get("from").asText());
        assertEquals("yolo", json.get("to").asText());
        assertEquals(3, json.get("annotationsOut").asInt());
        assertTrue(json.get("classIdsRemapped").asBoolean());
        assertTrue(java.nio.file.Files.isSymbolicLink(out.resolve("images/train/a.jpg")));
    }

    @Test
    void convertRejectsABadImageMode() {
        coco();
        Run run = run("convert", dataset.toString(), cache.resolve("o").toString(), "--to", "yolo", "--images", "move");
        assertEquals(2, run.code());
        assertTrue(run.err().contains("--images must be copy, link, symlink or none"), run.err());
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertEquals(2, run("index").code());
        assertEquals(2, run("stats", "x", "--no-such-option").code());
    }

    @Test
    void everyCommandHasHelpAndTheToolHasAVersion() {
        for (String command : new String[] {"index", "stats", "convert", "list"}) {
            Run help = run(command, "--help");
            assertEquals(0, help.code());
            assertTrue(help.out().startsWith("Usage: loupe " + command), help.out());
        }
        Run version = run("--version");
        assertEquals(0, version.code());
        assertTrue(version.out().startsWith("loupe "), version.out());
    }
}
