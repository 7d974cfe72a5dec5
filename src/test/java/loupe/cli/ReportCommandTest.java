package loupe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.testing.CocoFixture;

class ReportCommandTest {

    @TempDir
    Path dataset;

    @TempDir
    Path cache;

    private void coco() {
        CocoFixture coco = new CocoFixture(dataset).categories("car", "tree");
        int a = coco.image("train", "a.jpg", 50, 50);
        coco.box(a, 1, 1, 1, 10, 10).box(a, 2, 40, 40, 20, 20);
        coco.write();
    }

    @Test
    void writesTheReport() throws Exception {
        coco();
        Path html = cache.resolve("out/report.html");
        CliTest.Run run = CliTest.run("report", dataset.toString(), "-o", html.toString(), "--catalog",
                cache.resolve("c.duckdb").toString(), "-q");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().startsWith("wrote "), run.out());
        String text = Files.readString(html);
        assertTrue(text.contains("BOX_OUT_OF_BOUNDS"));
        assertTrue(text.contains("data:image/jpeg;base64,"));
    }

    @Test
    void withoutThumbnailsEmbedsNoImage() throws Exception {
        coco();
        Path html = cache.resolve("report.html");
        CliTest.Run run = CliTest.run("report", dataset.toString(), "-o", html.toString(), "--catalog",
                cache.resolve("c.duckdb").toString(), "-q", "--no-thumbnails");
        assertEquals(0, run.code(), run.err());
        assertFalse(Files.readString(html).contains("data:image"));
    }

    @Test
    void refusesToWriteIntoTheDataset() {
        coco();
        CliTest.Run run = CliTest.run("report", dataset.toString(), "-o", dataset.resolve("report.html").toString(),
                "--catalog", cache.resolve("c.duckdb").toString(), "-q");
        assertEquals(2, run.code());
        assertTrue(run.err().contains("outside the dataset folder"), run.err());
        assertFalse(Files.exists(dataset.resolve("report.html")));
        CliTest.Run nested = CliTest.run("report", dataset.toString(), "-o",
                dataset.resolve("new/folder/report.html").toString(), "--catalog", cache.resolve("c.duckdb").toString(),
                "-q");
        assertEquals(2, nested.code());
        assertFalse(Files.exists(dataset.resolve("new")));
    }

    @Test
    void outputIsRequired() {
        assertEquals(2, CliTest.run("report", dataset.toString()).code());
    }
}
