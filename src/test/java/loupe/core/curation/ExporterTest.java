package loupe.core.curation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.formats.ImageMode;
import loupe.core.index.Catalog;
import loupe.core.task.Progress;
import loupe.testing.CocoFixture;

class ExporterTest {

    @TempDir
    Path work;

    static final String RECIPE = """
            {"seed": 5,
             "filter": {"problems": {"none": ["MISSING_IMAGE"]}},
             "labels": {"merge": {"vehicle": ["car", "truck"]}, "dropBoxes": ["junk"]},
             "balance": {"maxInstancesPerClass": 25, "oversample": {"targetRatio": 1.0}},
             "split": {"method": "stratified", "ratios": {"train": 0.75, "val": 0.25},
                       "groupBy": [{"by": "regex", "pattern": "(g\\\\d+)_"}]}}
            """;

    /** 40 real images in groups of two, classes car/truck/tree/junk, one missing image. */
    static Path dataset(Path root) {
        CocoFixture coco = new CocoFixture(root).categories("car", "truck", "tree", "junk");
        for (int i = 0; i < 40; i++) {
            int id = coco.image(i % 4 == 0 ? "val" : "train", "g" + i / 2 + "_" + i + ".jpg", 32 + i, 24);
            coco.box(id, 1 + i % 3, 1, 1, 8, 6);
            if (i % 5 == 0) {
                coco.box(id, 4, 2, 2, 4, 4).box(id, 3, 3, 3, 5, 5);
            }
        }
        coco.box(coco.missingImage("train", "gone.jpg", 10, 10), 1, 1, 1, 2, 2);
        return coco.write();
    }

    private Exporter.Result export(Path source, Path out, String format, ImageMode images, String recipe,
                                   Progress progress) throws IOException {
        try (Catalog catalog = Catalog.open(work.resolve("catalog.duckdb"))) {
            return new Exporter().export(source, out, catalog, Recipe.parse(recipe, "r.json"),
                    new Exporter.Options(null, format, images, false, 2, null, false), progress);
        }
    }

    /** Relative path to the file's bytes, for every file under root. */
    static Map<String, byte[]> contents(Path root) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isRegularFile(p)) {
                    out.put(root.relativize(p).toString(), Files.readAllBytes(p));
                }
            }
        }
        return out;
    }

    /** Relative path to size and mtime, for every entry under root (without following links). */
    static Map<String, String> listing(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                out.put(root.relativize(p).toString(), a.size() + " " + a.lastModifiedTime().toMillis());
            }
        }
        return out;
    }

    @Test
    void replayingARecipeWritesByteIdenticalOutput() throws IOException {
        Path source = dataset(work.resolve("src"));
        for (String format : List.of("coco", "yolo", "voc")) {
            Path first = work.resolve("first-" + format);
            Path second = work.resolve("second-" + format);
            export(source, first, format, ImageMode.COPY, RECIPE, Progress.NONE);
            // The second run replays the recipe the first one wrote.
            String written = Files.readString(first.resolve(Exporter.RECIPE_FILE), StandardCharsets.UTF_8);
            export(source, second, format, ImageMode.COPY, written, Progress.NONE);
            Map<String, byte[]> a = contents(first);
            Map<String, byte[]> b = contents(second);
            assertEquals(a.keySet(), b.keySet(), format);
            a.forEach((name, bytes) -> assertArrayEquals(bytes, b.get(name), format + ": " + name + " differs"));
            assertTrue(a.keySet().stream().anyMatch(n -> n.startsWith(Exporter.LISTS_FOLDER + "/")), a.keySet().toString());
        }
    }

    @Test
    void writesTheSelectionWithItsNewSplitsAndTheEffectiveRecipe() throws IOException {
        Path source = dataset(work.resolve("src"));
        Path out = work.resolve("out");
        Exporter.Result result = export(source, out, "coco", ImageMode.LINK, RECIPE, Progress.NONE);
        assertEquals(5L, result.recipe().seed());
        assertEquals(result.recipe(), Recipe.read(out.resolve(Exporter.RECIPE_FILE)));
        assertTrue(Files.exists(out.resolve("annotations/instances_train.json")));
        assertTrue(Files.exists(out.resolve("annotations/instances_val.json")));
        String train = Files.readString(out.resolve("annotations/instances_train.json"));
        assertTrue(train.contains("\"vehicle\""), train);
        assertFalse(train.contains("\"junk\""), train);
        assertFalse(train.contains("gone.jpg"), "the missing image was filtered out");
        assertEquals(result.preview().distinctImagesAfter(), result.report().imagesOut());
        // The per-split list repeats oversampled items.
        List<String> trainList = Files.readAllLines(out.resolve(Exporter.LISTS_FOLDER + "/train.txt"));
        assertEquals(result.preview().after("train").images(), trainList.size());
    }

    @Test
    void exportLeavesTheSourceUntouched() throws IOException {
        Path source = dataset(work.resolve("src"));
        Map<String, String> before = listing(source);
        export(source, work.resolve("a"), "yolo", ImageMode.LINK, RECIPE, Progress.NONE);
        export(source, work.resolve("b"), "coco", ImageMode.SYMLINK, "{}", Progress.NONE);
        export(source, work.resolve("c"), "voc", ImageMode.COPY, RECIPE, Progress.NONE);
        assertEquals(before, listing(source));
    }

    @Test
    void dryRunWritesNothing() throws IOException {
        Path source = dataset(work.resolve("src"));
        Path out = work.resolve("out");
        try (Catalog catalog = Catalog.open(work.resolve("catalog.duckdb"))) {
            Exporter.Result r = new Exporter().export(source, out, catalog, Recipe.parse(RECIPE, null),
                    new Exporter.Options(null, "yolo", ImageMode.COPY, false, 2, null, true), Progress.NONE);
            assertTrue(r.preview().imagesAfter() > 0);
            assertEquals(null, r.report());
        }
        assertFalse(Files.exists(out));
        try (Stream<Path> siblings = Files.list(work)) {
            assertTrue(siblings.noneMatch(p -> p.getFileName().toString().contains("loupe-tmp")));
        }
    }

    @Test
    void cancellingWhileWritingLeavesNothingBehind() throws IOException {
        Path source = dataset(work.resolve("src"));
        Path out = work.resolve("out");
        Progress cancelWhenWriting = new Progress() {
            private volatile boolean writing;

            @Override
            public void update(String phase, long done, long total) {
                writing |= phase.equals("writing");
            }

            @Override
            public boolean isCancelled() {
                return writing;
            }
        };
        assertThrows(CancellationException.class,
                () -> export(source, out, "yolo", ImageMode.COPY, RECIPE, cancelWhenWriting));
        assertFalse(Files.exists(out));
        try (Stream<Path> siblings = Files.list(work)) {
            assertTrue(siblings.noneMatch(p -> p.getFileName().toString().contains("loupe-tmp")));
        }
    }

    @Test
    void refusesAnOutputInsideTheSource() throws IOException {
        Path source = dataset(work.resolve("src"));
        IOException e = assertThrows(IOException.class,
                () -> export(source, source.resolve("sub"), "yolo", ImageMode.COPY, "{}", Progress.NONE));
        assertTrue(e.getMessage().contains("overlaps"), e.getMessage());
    }
}
