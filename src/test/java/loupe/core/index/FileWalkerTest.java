package loupe.core.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ForkJoinPool;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.model.ProblemKind;
import loupe.core.task.Progress;
import loupe.core.task.ProgressTracker;

class FileWalkerTest {

    @TempDir
    Path root;

    private final ForkJoinPool pool = new ForkJoinPool(4);

    @AfterEach
    void shutdown() {
        pool.shutdownNow();
    }

    @Test
    void listsNestedFilesIncludingNamesWithoutExtensions() throws IOException {
        Files.createDirectories(root.resolve("a/b/c"));
        Files.writeString(root.resolve("a/b/c/x.jpg"), "x");
        Files.writeString(root.resolve("a/README"), "r");
        Files.writeString(root.resolve("top.json"), "{}");
        Files.createDirectories(root.resolve("empty"));
        Files.createDirectories(root.resolve("dir.with.dots"));
        Files.writeString(root.resolve("dir.with.dots/y.png"), "y");

        FileWalker.Listing listing = new FileWalker(pool).list(root, Progress.NONE);

        assertEquals(new TreeSet<>(List.of("a/b/c/x.jpg", "a/README", "top.json", "dir.with.dots/y.png")),
                new TreeSet<>(listing.files()));
        assertTrue(listing.problems().isEmpty(), listing.problems().toString());
    }

    @Test
    void reportsSymlinkLoopAndGoesOn() throws IOException {
        Files.createDirectories(root.resolve("d/e"));
        Files.writeString(root.resolve("d/e/f.txt"), "f");
        Files.createSymbolicLink(root.resolve("d/e/back"), root.resolve("d"));

        FileWalker.Listing listing = new FileWalker(pool).list(root, Progress.NONE);

        assertEquals(List.of("d/e/f.txt"), listing.files());
        assertEquals(ProblemKind.SYMLINK_LOOP, listing.problems().get(0).kind());
        assertEquals("d/e/back", listing.problems().get(0).path());
    }

    @Test
    void followsSymlinkToFolderOutsideTheTreeOnce() throws IOException {
        Path outside = Files.createTempDirectory("loupe-outside");
        Files.writeString(outside.resolve("o.jpg"), "o");
        Files.createSymbolicLink(root.resolve("linked"), outside);

        FileWalker.Listing listing = new FileWalker(pool).list(root, Progress.NONE);

        assertEquals(List.of("linked/o.jpg"), listing.files());
    }

    @Test
    void failsClearlyWhenRootIsMissing() {
        assertThrows(NoSuchFileException.class, () -> new FileWalker(pool).list(root.resolve("nope"), Progress.NONE));
    }

    @Test
    void stopsWhenCancelled() throws IOException {
        for (int i = 0; i < 20; i++) {
            Files.createDirectories(root.resolve("d" + i));
            Files.writeString(root.resolve("d" + i + "/f.txt"), "f");
        }
        ProgressTracker tracker = new ProgressTracker();
        tracker.cancel();
        assertThrows(CancellationException.class, () -> new FileWalker(pool).list(root, tracker));
    }
}
