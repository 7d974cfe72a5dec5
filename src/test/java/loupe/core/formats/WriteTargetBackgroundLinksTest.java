package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.model.ImageItem;
import loupe.core.task.Progress;

/** {@link WriteTarget#linkInBackground}: hard links made on a pool beside the writer. */
class WriteTargetBackgroundLinksTest {

    @TempDir
    Path dir;

    private static ImageItem image(String path) {
        return new ImageItem(path, 1, 0, 10, 10, "jpeg", "train");
    }

    @Test
    void everyQueuedImageIsLinkedOnceAwaited() throws IOException {
        Path src = Files.createDirectories(dir.resolve("src"));
        int n = 10_000;   // more than the queue holds, so the caller also links some itself
        for (int i = 0; i < n; i++) {
            Files.writeString(src.resolve("i" + i + ".jpg"), Integer.toString(i));
        }
        ConversionReport report = new ConversionReport("coco", "coco");
        try (WriteTarget target = new WriteTarget(dir.resolve("out"), src, ImageMode.LINK, report, Progress.NONE)
                .linkInBackground(2)) {
            for (int i = 0; i < n; i++) {
                target.placeImage(image("i" + i + ".jpg"), "images/" + (i % 3) + "/i" + i + ".jpg");
            }
            target.placeImage(image("gone.jpg"), "images/gone.jpg");
            target.awaitImages();
        }
        try (Stream<Path> files = Files.walk(dir.resolve("out"))) {
            assertEquals(n, files.filter(Files::isRegularFile).count());
        }
        assertEquals("1234", Files.readString(dir.resolve("out/images/1/i1234.jpg")));
        assertEquals(2, Files.getAttribute(dir.resolve("out/images/1/i1234.jpg"), "unix:nlink"));
        assertEquals(1, report.losses().size(), "the missing image is a loss, as without the pool");
        assertTrue(report.losses().get(0).toString().contains("missing image"), report.losses().toString());
    }

    @Test
    void aFailedLinkIsThrownByAwait() throws IOException {
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("a.jpg"), "a");
        Files.writeString(src.resolve("b.jpg"), "b");
        try (WriteTarget target = new WriteTarget(dir.resolve("out"), src, ImageMode.LINK,
                new ConversionReport("coco", "coco"), Progress.NONE).linkInBackground(2)) {
            target.placeImage(image("a.jpg"), "images/x.jpg");
            target.placeImage(image("b.jpg"), "images/x.jpg");
            IOException e = assertThrows(IOException.class, target::awaitImages);
            assertTrue(e.getMessage().contains("same output file"), e.getMessage());
        }
    }

    @Test
    void copyModeIgnoresThePool() throws IOException {
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("a.jpg"), "a");
        try (WriteTarget target = new WriteTarget(dir.resolve("out"), src, ImageMode.COPY,
                new ConversionReport("coco", "coco"), Progress.NONE).linkInBackground(2)) {
            target.placeImage(image("a.jpg"), "images/a.jpg");
            // Copied at once, on the caller's thread: no await needed.
            assertEquals(1, Files.getAttribute(dir.resolve("out/images/a.jpg"), "unix:nlink"));
        }
    }
}
