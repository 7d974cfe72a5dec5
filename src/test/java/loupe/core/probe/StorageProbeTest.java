package loupe.core.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.task.Progress;

class StorageProbeTest {

    @TempDir
    Path parent;

    private static final ProbeOptions FAST = new ProbeOptions(0.1, List.of(1, 2), 1000, 8L << 20, 0, false);

    private Path dataset() {
        return ProbeFixture.dataset(parent.resolve("ds"));
    }

    @Test
    void measuresEveryPhaseWithPositiveRates() throws Exception {
        Path ds = dataset();
        ProbeResult result = new StorageProbe(ds, FAST.withTarget(10)).run(Progress.NONE);

        assertEquals(25, result.dataset().files());
        assertEquals(24, result.dataset().images());
        for (String name : List.of("first listing", "listing", "metadata", "headers", "random reads", "re-reads",
                "sequential reads")) {
            ProbeResult.Phase phase = result.phase(name);
            assertNotNull(phase, name);
            assertFalse(phase.runs().isEmpty(), name);
            for (ProbeResult.Run run : phase.runs()) {
                assertTrue(run.count() > 0, name + " at " + run.threads() + " threads read nothing");
                assertTrue(run.perSecond() > 0, name);
                assertEquals(0, run.failed(), name);
            }
        }
        assertEquals(List.of(1, 2), result.phase("random reads").runs().stream()
                .map(ProbeResult.Run::threads).toList());
        assertTrue(result.phase("random reads").best().megabytesPerSecond() > 0);
        assertTrue(result.phase("sequential reads").best().bytes() >= 2 << 20, "reads the 2 MB file whole");
        assertTrue(result.feed().imagesPerSecond() > 0);
        assertNotNull(result.verdict());
        assertNotNull(result.cache().statement());
        assertTrue(result.write().done(), String.valueOf(result.write().note()));
        assertEquals(8L << 20, result.write().bytes());
        assertTrue(result.write().megabytesPerSecond() > 0);
    }

    @Test
    void filesJustWrittenAreReportedAsPageCacheSpeed() throws Exception {
        // The fixture's files were written a moment ago, so they sit in the page cache.
        ProbeResult result = new StorageProbe(dataset(), FAST.withWriteBytes(0)).run(Progress.NONE);

        CacheAssessment cache = result.cache();
        assertTrue(cache.coldMicrosPerFile() > 0);
        assertTrue(cache.warmMicrosPerFile() > 0);
        assertTrue(cache.fitsInCache());
        assertTrue(cache.dominated(), cache.statement());
        assertTrue(cache.statement().contains("the numbers are cache speed, not disk speed"), cache.statement());
    }

    @Test
    void firstReadsOfEachRunAreFilesNotReadBefore() throws Exception {
        ProbeResult result = new StorageProbe(dataset(), FAST.withWriteBytes(0)).run(Progress.NONE);

        for (ProbeResult.Run run : result.phase("random reads").runs()) {
            assertEquals(0, run.reread(), "run at " + run.threads() + " threads");
        }
        assertEquals(result.phase("re-reads").runs().get(0).count(), result.phase("re-reads").runs().get(0).reread());
    }

    @Test
    void sequentialRunsReadLargeFilesNoEarlierPhaseRead() throws Exception {
        // Small images and a few large ones: the random reads used to read the large files first, so the
        // sequential runs found them in the page cache and measured memory.
        Path ds = Files.createDirectories(parent.resolve("mixed"));
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 40; i++) {
            byte[] small = new byte[20_000];
            random.nextBytes(small);
            Files.write(ds.resolve(String.format("small_%02d.jpg", i)), small);
        }
        for (int i = 0; i < 4; i++) {
            byte[] large = new byte[(1 << 20) + 4096];
            random.nextBytes(large);
            Files.write(ds.resolve("large_" + i + ".jpg"), large);
        }

        ProbeResult result = new StorageProbe(ds, FAST.withWriteBytes(0)).run(Progress.NONE);

        List<ProbeResult.Run> sequential = result.phase("sequential reads").runs();
        assertFalse(sequential.isEmpty());
        for (ProbeResult.Run run : sequential) {
            assertTrue(run.count() > 0, "run at " + run.threads() + " threads read nothing");
            assertEquals(0, run.reread(), "run at " + run.threads() + " threads re-read files");
        }
        for (ProbeResult.Run run : result.phase("random reads").runs()) {
            assertTrue(run.bytes() < (long) run.count() * (1 << 20), "random reads read a large file");
        }
    }

    @Test
    void writeTestLeavesNothingBehindAndNothingInTheDataset() throws Exception {
        Path ds = dataset();
        Map<String, String> before = ProbeFixture.snapshot(ds);

        ProbeResult result = new StorageProbe(ds, FAST).run(Progress.NONE);

        assertTrue(result.write().done());
        assertEquals(parent.toString(), Path.of(result.write().folder()).getParent().toString(),
                "written beside the dataset");
        assertEquals(before, ProbeFixture.snapshot(ds));
        try (var entries = Files.list(parent)) {
            assertEquals(List.of(ds), entries.toList());
        }
    }

    @Test
    void noWriteSkipsTheWriteTest() throws Exception {
        Path ds = dataset();
        AtomicBoolean wrote = new AtomicBoolean();
        Progress watch = new Progress() {
            @Override
            public void update(String phase, long done, long total) {
                wrote.compareAndSet(false, phase.startsWith("write"));
            }

            @Override
            public boolean isCancelled() {
                return false;
            }
        };

        ProbeResult result = new StorageProbe(ds, FAST.withWriteBytes(0)).run(watch);

        assertFalse(result.write().done());
        assertNull(result.write().folder());
        assertFalse(wrote.get());
        try (var entries = Files.list(parent)) {
            assertEquals(List.of(ds), entries.toList());
        }
    }

    @Test
    void cancellingDuringTheWriteDeletesTheTemporaryFile() {
        Path ds = dataset();
        Map<String, String> before = ProbeFixture.snapshot(ds);
        AtomicBoolean writing = new AtomicBoolean();
        Progress cancelInWrite = new Progress() {
            @Override
            public void update(String phase, long done, long total) {
                if (phase.startsWith("write") && done > 0) {
                    writing.set(true);
                }
            }

            @Override
            public boolean isCancelled() {
                return writing.get();
            }
        };

        assertThrows(CancellationException.class,
                () -> new StorageProbe(ds, FAST.withWriteBytes(64L << 20)).run(cancelInWrite));

        assertTrue(writing.get());
        assertEquals(before, ProbeFixture.snapshot(ds));
        try (var entries = Files.list(parent)) {
            assertEquals(List.of(ds), entries.toList());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void cancellingDuringReadsStops() {
        Path ds = dataset();
        Progress cancelInReads = new Progress() {
            private volatile boolean reading;

            @Override
            public void update(String phase, long done, long total) {
                reading |= phase.startsWith("random reads");
            }

            @Override
            public boolean isCancelled() {
                return reading;
            }
        };

        assertThrows(CancellationException.class, () -> new StorageProbe(ds, FAST).run(cancelInReads));
    }

    @Test
    void datasetWithoutImagesReadsItsOtherFiles() throws Exception {
        Path ds = parent.resolve("texts");
        Files.createDirectories(ds);
        for (int i = 0; i < 10; i++) {
            Files.writeString(ds.resolve("label_" + i + ".txt"), "0 0.5 0.5 0.1 0.1\n");
        }

        ProbeResult result = new StorageProbe(ds, FAST.withWriteBytes(0)).run(Progress.NONE);

        assertNull(result.phase("headers"));
        assertTrue(result.phase("random reads").best().count() > 0);
        assertTrue(result.notes().stream().anyMatch(n -> n.contains("no image files")), result.notes().toString());
    }

    @Test
    void missingFolderFails() {
        assertThrows(NoSuchFileException.class,
                () -> new StorageProbe(parent.resolve("absent"), FAST).run(Progress.NONE));
    }

    @Test
    void fileInsteadOfFolderFails() throws Exception {
        Path file = Files.writeString(parent.resolve("a.txt"), "x");
        IOException e = assertThrows(IOException.class, () -> new StorageProbe(file, FAST).run(Progress.NONE));
        assertTrue(e.getMessage().contains("is not a folder"), e.getMessage());
    }

    @Test
    void emptyFolderFails() throws Exception {
        Path empty = Files.createDirectories(parent.resolve("empty"));
        IOException e = assertThrows(IOException.class, () -> new StorageProbe(empty, FAST).run(Progress.NONE));
        assertTrue(e.getMessage().contains("nothing to probe"), e.getMessage());
    }
}
