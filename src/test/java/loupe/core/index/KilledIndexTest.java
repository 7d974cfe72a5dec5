package loupe.core.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.task.Progress;
import loupe.testing.CocoFixture;

/** kill -9 during indexing leaves a catalog that opens, and the next index completes it. */
class KilledIndexTest {

    @TempDir
    Path dataset;

    @TempDir
    Path cache;

    @Test
    void catalogSurvivesKillDuringIndexing() throws Exception {
        CocoFixture coco = new CocoFixture(dataset).categories("a", "b");
        int images = 4000;
        for (int i = 0; i < images; i++) {
            int id = coco.image(i % 10 == 0 ? "val" : "train", "img" + i + ".jpg", 32 + i % 50, 32);
            coco.box(id, 1 + i % 2, 1, 1, 10, 10);
        }
        coco.write();
        Path catalogFile = cache.resolve("catalog.duckdb");

        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dloupe.progress.interval.millis=20", "-cp", System.getProperty("java.class.path"), "loupe.Main",
                "index", dataset.toString(), "--catalog", catalogFile.toString(), "--threads", "1")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (BufferedReader err = new BufferedReader(new InputStreamReader(child.getErrorStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null) {
                // Kill as soon as the run is past listing: headers are being read and staged.
                if (line.startsWith("headers") || line.startsWith("annotations")) {
                    break;
                }
            }
        }
        child.destroyForcibly();   // SIGKILL: no shutdown hooks, no cleanup
        child.waitFor(30, TimeUnit.SECONDS);
        assertNotEquals(0, child.exitValue(), "the child must have been killed before it finished");

        try (Catalog catalog = Catalog.open(catalogFile)) {
            IndexResult result = new Indexer(IndexOptions.defaults()).index(catalog, dataset, Progress.NONE);
            assertEquals(images, result.images());
            assertEquals(images, result.annotations());
            assertEquals(List.of(), catalog.query("SELECT kind || ' ' || path FROM problems", rs -> rs.getString(1)));
        }
    }
}
