package loupe.core.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import loupe.core.task.Progress;

/**
 * Datasets from the shared generator ({@code ../shared/bench/gen_dataset.py}) with known truth: with
 * {@code --defects}, every defect listed in its {@code defects.json} must be found as a problem on the file it
 * names; without, none of the problem kinds the content checks add may appear. Skipped when the generator or
 * Debian's Python with Pillow and numpy is absent.
 */
class GeneratedDefectsTest {

    private static final Path GENERATOR = Path.of("..", "shared", "bench", "gen_dataset.py");
    private static final String PYTHON = "/usr/bin/python3";

    /** Which problem kinds show each defect type of defects.json (one of them, at the defect's path). */
    private static final Map<String, Set<String>> KINDS = Map.of(
            "truncated_jpeg", Set.of("CORRUPT_IMAGE"),
            "bbox_out_of_bounds", Set.of("BOX_OUT_OF_BOUNDS"),
            "zero_area_box", Set.of("INVALID_BOX"),
            // A YOLO label file without its image is an orphan; COCO and VOC list the missing image (for VOC
            // the defect names the XML, which the MISSING_IMAGE message names, see below).
            "annotation_missing_image", Set.of("MISSING_IMAGE", "ORPHAN_ANNOTATION"),
            // Listed without annotations (YOLO, VOC), or on disk and listed nowhere (COCO).
            "image_without_annotation", Set.of("IMAGE_WITHOUT_ANNOTATIONS", "IMAGE_NOT_IN_ANNOTATIONS"),
            "duplicate_image", Set.of("DUPLICATE_IMAGE"));

    /** Kinds only the new checks report; a clean generated dataset has none of them. */
    private static final Set<String> NEW_KINDS = Set.of("EXIF_ORIENTATION", "IMAGE_TOO_LARGE", "DUPLICATE_IMAGE",
            "NEAR_DUPLICATE", "SPLIT_LEAKAGE", "IMAGE_NOT_IN_ANNOTATIONS", "CORRUPT_IMAGE", "ORPHAN_ANNOTATION");

    @TempDir
    Path dir;

    private Path generate(String format, boolean defects) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isRegularFile(GENERATOR), "no ../shared/bench/gen_dataset.py");
        Assumptions.assumeTrue(Files.isExecutable(Path.of(PYTHON)), "no " + PYTHON);
        Process check = new ProcessBuilder(PYTHON, "-c", "import PIL, numpy").redirectErrorStream(true).start();
        Assumptions.assumeTrue(check.waitFor(60, TimeUnit.SECONDS) && check.exitValue() == 0,
                PYTHON + " lacks Pillow or numpy");
        Path out = dir.resolve(format + (defects ? "-defects" : "-clean"));
        List<String> command = new ArrayList<>(List.of(PYTHON, GENERATOR.toString(), "--out", out.toString(),
                "--images", "40", "--classes", "5", "--format", format, "--workers", "1"));
        if (defects) {
            command.add("--defects");
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "generator timed out");
        assertEquals(0, p.exitValue(), "generator failed: " + command);
        return out;
    }

    private static Catalog indexed(Path root, Path catalogFile) throws IOException {
        Catalog catalog = Catalog.open(catalogFile);
        new Indexer(new IndexOptions(2, null).withHashes(true).withDeep(true)).index(catalog, root, Progress.NONE);
        return catalog;
    }

    @ParameterizedTest
    @ValueSource(strings = {"coco", "yolo", "voc"})
    void findsEveryInjectedDefect(String format) throws Exception {
        Path root = generate(format, true);
        JsonNode defects = new ObjectMapper().readTree(root.resolve("defects.json").toFile());
        try (Catalog catalog = indexed(root, dir.resolve(format + ".duckdb"))) {
            List<String> all = catalog.query("SELECT kind || ' ' || path || ': ' || message FROM problems",
                    rs -> rs.getString(1));
            for (JsonNode defect : defects) {
                String type = defect.get("type").asText();
                String path = defect.get("path").asText();
                List<String> kinds = catalog.query("SELECT kind FROM problems WHERE path = ?"
                        + " OR (kind = 'MISSING_IMAGE' AND message LIKE '%(listed in ' || ? || ')')",
                        rs -> rs.getString(1), path, path);
                assertTrue(kinds.stream().anyMatch(KINDS.get(type)::contains),
                        format + ": " + type + " at " + path + " not found; problems: " + all);
                if (type.equals("duplicate_image")) {
                    String original = defect.get("original").asText();
                    List<String> messages = catalog.query("SELECT message FROM problems WHERE path = ?"
                            + " AND kind = 'DUPLICATE_IMAGE'", rs -> rs.getString(1), path);
                    assertTrue(messages.get(0).contains(original), messages.toString());
                    assertEquals(1, catalog.queryLong("SELECT count(*) FROM problems WHERE path = ?"
                            + " AND kind = 'DUPLICATE_IMAGE'", original), "the original names its copy too");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"coco", "yolo", "voc"})
    void cleanDatasetHasNoneOfTheNewProblems(String format) throws Exception {
        Path root = generate(format, false);
        try (Catalog catalog = indexed(root, dir.resolve(format + ".duckdb"))) {
            List<String> found = catalog.query("SELECT kind || ' ' || path || ': ' || message FROM problems",
                    rs -> rs.getString(1));
            assertTrue(found.stream().noneMatch(p -> NEW_KINDS.contains(p.substring(0, p.indexOf(' ')))),
                    found.toString());
            assertEquals(40, catalog.queryLong("SELECT count(*) FROM image_hashes WHERE dhash IS NOT NULL"),
                    "every image hashed");
            assertEquals(40, catalog.queryLong("SELECT count(*) FROM decode_cache WHERE error IS NULL"),
                    "every image decodes");
        }
    }
}
