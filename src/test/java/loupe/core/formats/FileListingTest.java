package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class FileListingTest {

    private final FileListing listing = FileListing.of(List.of(
            "images/train/b.jpg", "images/train/a.jpg", "images/val/c.jpg", "images/train/a.jpg",
            "images-extra/x.jpg", "labels/train/a.txt", "data.yaml"));

    @Test
    void sortsAndRemovesDuplicates() {
        assertEquals(6, listing.size());
        assertEquals("data.yaml", listing.get(0));
    }

    @Test
    void listsFilesUnderAFolderWithoutItsNamesakes() {
        assertEquals(List.of("images/train/a.jpg", "images/train/b.jpg", "images/val/c.jpg"), listing.under("images"));
    }

    @Test
    void groupsFilesByLowerCaseExtensionInListingOrder() {
        FileListing mixed = FileListing.of(List.of("b/z.PNG", "a/y.json", "a/x.JPG", "c/w.Json", "notes", "d/.hidden",
                "a/v.jpeg", "a.b/readme"));
        assertEquals(List.of("a/y.json", "c/w.Json"), mixed.withExtension("json"));
        assertEquals(List.of(), mixed.withExtension("xml"));
        assertEquals(List.of("a.b/readme", "d/.hidden", "notes"), mixed.withExtension(""));
        assertEquals(List.of("a/v.jpeg", "a/x.JPG", "b/z.PNG"), mixed.images());
    }

    @Test
    void listsOnlyDirectChildrenWithIn() {
        assertEquals(List.of("data.yaml"), listing.in(""));
        assertEquals(List.of("images/train/a.jpg", "images/train/b.jpg"), listing.in("images/train"));
    }

    @Test
    void namesSubfolders() {
        assertEquals(Set.of("train", "val"), listing.subfolders("images"));
        assertEquals(Set.of("images", "images-extra", "labels"), listing.subfolders(""));
    }

    @Test
    void looksUpPaths() {
        assertTrue(listing.contains("labels/train/a.txt"));
        assertFalse(listing.contains("labels/train/b.txt"));
        assertTrue(listing.indexOf("images/val/c.jpg") >= 0);
    }

    @Test
    void resolvesRelativeNamesAndRejectsEscapes() {
        assertEquals("images/a.jpg", DatasetPaths.resolve("images/train", "../a.jpg"));
        assertEquals("images/train/sub/a.jpg", DatasetPaths.resolve("images/train", "sub\\a.jpg"));
        assertNull(DatasetPaths.resolve("images", "../../etc/passwd"));
        assertNull(DatasetPaths.resolve("", "/etc/passwd"));
        assertNull(DatasetPaths.resolve("", "C:/data/a.jpg"));
    }
}
