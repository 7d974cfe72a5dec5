package loupe.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import loupe.testing.CocoFixture;

class ExportCommandTest {

    @TempDir
    Path work;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = LoupeCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private Path dataset() {
        CocoFixture coco = new CocoFixture(work.resolve("src")).categories("car", "truck", "tree");
        for (int i = 0; i < 24; i++) {
            int id = coco.image(i % 3 == 0 ? "val" : "train", "img" + i + ".jpg", 40, 30);
            coco.box(id, 1 + i % 3, 1, 1, 10, 10);
            if (i % 4 == 0) {
                coco.box(id, 1, 5, 5, 10, 10);
            }
        }
        return coco.write();
    }

    private Path recipe(String json) throws IOException {
        Path file = work.resolve("r.json");
        Files.writeString(file, json);
        return file;
    }

    private String catalog() {
        return work.resolve("catalog.duckdb").toString();
    }

    private static Map<String, String> listing(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                out.put(root.relativize(p).toString(), a.size() + " " + a.lastModifiedTime().toMillis());
            }
        }
        return out;
    }

    private static final String RECIPE = "{\"seed\": 11, \"labels\": {\"merge\": {\"vehicle\": [\"car\", \"truck\"]}},"
            + " \"split\": {\"method\": \"stratified\", \"ratios\": {\"train\": 0.5, \"val\": 0.25, \"test\": 0.25}}}";

    @Test
    void dryRunPrintsTheDistributionAndWritesNothing() throws IOException {
        Path src = dataset();
        Path out = work.resolve("out");
        Map<String, String> before = listing(src);
        Run run = run("export", src.toString(), out.toString(), "--recipe", recipe(RECIPE).toString(), "--to", "yolo",
                "--dry-run", "--catalog", catalog(), "-q");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("vehicle"), run.out());
        assertTrue(run.out().contains("test"), run.out());
        assertTrue(run.out().contains("Dry run: nothing written"), run.out());
        assertFalse(Files.exists(out));
        try (Stream<Path> siblings = Files.list(work)) {
            assertTrue(siblings.noneMatch(p -> p.getFileName().toString().startsWith(".out")));
        }
        assertEquals(before, listing(src));
    }

    @Test
    void exportPrintsJsonWithPreviewRecipeAndReport() throws Exception {
        Path src = dataset();
        Path out = work.resolve("out");
        Run run = run("export", src.toString(), out.toString(), "--recipe", recipe(RECIPE).toString(), "--images",
                "link", "--json", "--catalog", catalog(), "-q");
        assertEquals(0, run.code(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals("coco", json.get("format").asText(), "defaults to the source's format");
        assertEquals(11, json.get("recipe").get("seed").asInt());
        assertEquals(24, json.get("report").get("imagesOut").asInt());
        JsonNode after = json.get("preview").get("after");
        assertEquals(3, after.size());
        assertEquals(24, json.get("preview").get("steps").get(0).get("images").asInt());
        assertTrue(Files.exists(out.resolve("annotations/instances_test.json")));
        assertTrue(Files.exists(out.resolve("loupe-recipe.json")));
        assertTrue(Files.exists(out.resolve("loupe-conversion.json")));
    }

    @Test
    void replayFromTheWrittenRecipeGivesTheSameBytes() throws IOException {
        Path src = dataset();
        Path first = work.resolve("first");
        Path second = work.resolve("second");
        assertEquals(0, run("export", src.toString(), first.toString(), "--recipe", recipe(RECIPE).toString(),
                "--to", "yolo", "--catalog", catalog(), "-q").code());
        Run again = run("export", src.toString(), second.toString(), "--recipe",
                first.resolve("loupe-recipe.json").toString(), "--to", "yolo", "--catalog", catalog(), "-q");
        assertEquals(0, again.code(), again.err());
        Map<String, String> names = listing(first);
        assertEquals(names.keySet(), listing(second).keySet());
        for (String name : names.keySet()) {
            Path a = first.resolve(name);
            if (Files.isRegularFile(a)) {
                assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(second.resolve(name)), name);
            }
        }
    }

    @Test
    void invalidRecipeGivesOneLineNamingTheField() throws IOException {
        Path src = dataset();
        Run run = run("export", src.toString(), work.resolve("out").toString(), "--recipe",
                recipe("{\"split\": {\"metod\": \"random\"}}").toString(), "--catalog", catalog(), "-q");
        assertEquals(1, run.code());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().startsWith("loupe: r.json: unknown field 'split.metod'"), run.err());
        Run type = run("export", src.toString(), work.resolve("out").toString(), "--recipe",
                recipe("{\"seed\": \"abc\"}").toString(), "--catalog", catalog(), "-q");
        assertEquals(1, type.code());
        assertTrue(type.err().contains("field 'seed' expects a number"), type.err());
        assertFalse(Files.exists(work.resolve("out")));
    }

    @Test
    void refusesANonEmptyOutputWithoutOverwrite() throws IOException {
        Path src = dataset();
        Path out = work.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "mine");
        Run run = run("export", src.toString(), out.toString(), "--catalog", catalog(), "-q");
        assertEquals(1, run.code());
        assertTrue(run.err().contains("not empty"), run.err());
        assertEquals("mine", Files.readString(out.resolve("keep.txt")));
        assertEquals(0, run("export", src.toString(), out.toString(), "--overwrite", "--to", "yolo", "--catalog",
                catalog(), "-q").code());
        assertFalse(Files.exists(out.resolve("keep.txt")));
    }

    @Test
    void noReindexUsesTheCatalogAsItIsButOnlyForItsOwnDataset() throws IOException {
        Path src = dataset();
        assertEquals(0, run("index", src.toString(), "--catalog", catalog(), "-q").code());
        Run run = run("export", src.toString(), work.resolve("out").toString(), "--no-reindex", "--to", "yolo",
                "--catalog", catalog(), "-q");
        assertEquals(0, run.code(), run.err());
        assertTrue(Files.exists(work.resolve("out/loupe-recipe.json")));
        Path other = Files.createDirectories(work.resolve("other"));
        Run wrong = run("export", other.toString(), work.resolve("out2").toString(), "--no-reindex", "--catalog",
                catalog(), "-q");
        assertEquals(1, wrong.code());
        assertTrue(wrong.err().contains("indexes " + src), wrong.err());
    }

    @Test
    void badImageModeIsAUsageError() {
        Run run = run("export", work.toString(), work.resolve("o").toString(), "--images", "move");
        assertEquals(2, run.code());
        assertTrue(run.err().contains("--images must be"), run.err());
    }
}
