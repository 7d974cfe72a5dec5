package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.model.ImageItem;
import loupe.core.task.Progress;

class WriteTargetTest {

    @TempDir
    Path dir;

    private static ImageItem image(String path) {
        return new ImageItem(path, 1, 0, 10, 10, "jpeg", "train");
    }

    @Test
    void linkModeLinksImagesIntoFoldersItCreates() throws IOException {
        Path src = Files.createDirectories(dir.resolve("src/images/train"));
        Files.writeString(src.resolve("a.jpg"), "a");
        Files.writeString(src.resolve("b.jpg"), "b");
        ConversionReport report = new ConversionReport("coco", "coco");
        WriteTarget target = new WriteTarget(dir.resolve("out"), dir.resolve("src"), ImageMode.LINK, report,
                Progress.NONE);
        target.placeImage(image("images/train/a.jpg"), "images/train/a.jpg");
        target.placeImage(image("images/train/b.jpg"), "images/train/sub/b.jpg");
        assertEquals("a", Files.readString(dir.resolve("out/images/train/a.jpg")));
        assertEquals("b", Files.readString(dir.resolve("out/images/train/sub/b.jpg")));
        assertTrue(report.losses().isEmpty());
    }

    @Test
    void missingSourceInLinkModeIsReportedNotThrown() throws IOException {
        Files.createDirectories(dir.resolve("src"));
        ConversionReport report = new ConversionReport("coco", "coco");
        WriteTarget target = new WriteTarget(dir.resolve("out"), dir.resolve("src"), ImageMode.LINK, report,
                Progress.NONE);
        target.placeImage(image("images/gone.jpg"), "images/gone.jpg");
        assertFalse(Files.exists(dir.resolve("out/images/gone.jpg")));
        assertEquals(1, report.losses().size());
        assertTrue(report.losses().get(0).toString().contains("missing image"), report.losses().toString());
    }

    @Test
    void twoImagesOnOneOutputFileFailInLinkMode() throws IOException {
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("a.jpg"), "a");
        Files.writeString(src.resolve("b.jpg"), "b");
        WriteTarget target = new WriteTarget(dir.resolve("out"), src, ImageMode.LINK,
                new ConversionReport("coco", "coco"), Progress.NONE);
        target.placeImage(image("a.jpg"), "x.jpg");
        IOException e = assertThrows(IOException.class, () -> target.placeImage(image("b.jpg"), "x.jpg"));
        assertTrue(e.getMessage().contains("same output file"), e.getMessage());
    }

    @Test
    void folderDeletedAfterFirstUseIsAnErrorNotAMissingImage() throws IOException {
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("a.jpg"), "a");
        Files.writeString(src.resolve("b.jpg"), "b");
        WriteTarget target = new WriteTarget(dir.resolve("out"), src, ImageMode.LINK,
                new ConversionReport("coco", "coco"), Progress.NONE);
        target.placeImage(image("a.jpg"), "f/a.jpg");
        Files.delete(dir.resolve("out/f/a.jpg"));
        Files.delete(dir.resolve("out/f"));
        assertThrows(IOException.class, () -> target.placeImage(image("b.jpg"), "f/b.jpg"));
    }
}
