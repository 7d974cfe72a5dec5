package loupe.core.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.formats.ConversionReport;
import loupe.core.formats.DatasetLoader;
import loupe.core.formats.ImageMode;
import loupe.core.formats.UnknownFormatException;
import loupe.core.formats.YoloFormat;
import loupe.core.index.Catalog;
import loupe.core.index.IndexOptions;
import loupe.core.model.Annotation;
import loupe.core.task.Progress;
import loupe.testing.CocoFixture;

class ConverterTest {

    @TempDir
    Path work;

    private Path source;
    private Path out;

    private Path coco() {
        source = work.resolve("src");
        out = work.resolve("out");
        CocoFixture coco = new CocoFixture(source).categories("car", "tree", "boat");
        int a = coco.image("train", "a.jpg", 200, 100);
        int b = coco.image("train", "b b ü.jpg", 64, 48);
        int c = coco.image("val", "c.jpg", 80, 60);
        coco.image("val", "empty.jpg", 80, 60);
        coco.box(a, 1, 10, 20, 50, 30).box(a, 2, 0.5, 0.25, 199.5, 99.75).box(b, 3, 1, 2, 3, 4)
                .box(c, 1, 70, 50, 20, 20);   // partly outside: clipped
        coco.write();
        return source;
    }

    private ConversionReport convert(String to, ImageMode images, boolean overwrite, Progress progress)
            throws IOException {
        try (Catalog catalog = Catalog.open(work.resolve("catalog.duckdb"))) {
            return new Converter().convert(source, out, catalog,
                    new Converter.Options(null, to, images, overwrite, IndexOptions.defaultThreads()), progress);
        }
    }

    @Test
    void convertsCocoToYoloWithAReportOfWhatWasLost() throws IOException {
        coco();
        ConversionReport report = convert("yolo", ImageMode.COPY, false, Progress.NONE);

        assertEquals(4, report.imagesOut());
        assertEquals(4, report.annotationsIn());
        assertEquals(4, report.annotationsOut());
        assertTrue(report.idsRemapped(), "COCO ids 1..3 become YOLO 0..2");
        assertEquals(List.of(new ConversionReport.ClassMapping(1, "car", 0),
                new ConversionReport.ClassMapping(2, "tree", 1), new ConversionReport.ClassMapping(3, "boat", 2)),
                report.mappings());
        Map<String, Long> losses = report.losses().stream()
                .collect(Collectors.toMap(ConversionReport.Loss::kind, ConversionReport.Loss::count));
        assertEquals(1L, losses.get("box outside the image"));
        assertEquals(4L, losses.get("attribute 'id'"));

        assertEquals("0 0.175 0.35 0.25 0.3\n1 0.50125 0.50125 0.9975 0.9975\n",
                Files.readString(out.resolve("labels/train/a.txt")));
        assertEquals("0 0.9375 0.916666667 0.125 0.166666667\n", Files.readString(out.resolve("labels/val/c.txt")));
        assertEquals("", Files.readString(out.resolve("labels/val/empty.txt")));
        assertTrue(Files.isRegularFile(out.resolve("images/train/b b ü.jpg")));
        String yaml = Files.readString(out.resolve("data.yaml"));
        assertTrue(yaml.contains("train: images/train\nval: images/val\n"), yaml);
        assertTrue(yaml.contains("  0: \"car\"\n  1: \"tree\"\n  2: \"boat\"\n"), yaml);
        assertTrue(Files.readString(out.resolve(Converter.REPORT_FILE)).contains("\"classIdsRemapped\" : true"));
    }

    @Test
    void yoloOutputReadsBackWithTheSameBoxes() throws IOException {
        coco();
        convert("yolo", ImageMode.COPY, false, Progress.NONE);
        DatasetLoader.Result back = DatasetLoader.load(out, new YoloFormat());
        Map<String, List<Annotation>> byImage = back.sink().annotations().stream()
                .collect(Collectors.groupingBy(Annotation::imagePath));
        Annotation tree = byImage.get("images/train/a.jpg").get(1);
        assertEquals(1, tree.classId());
        assertEquals(0.5, tree.box().x(), 1e-6 * 200);
        assertEquals(0.25, tree.box().y(), 1e-6 * 100);
        assertEquals(199.5, tree.box().width(), 1e-6 * 199.5);
        assertEquals(99.75, tree.box().height(), 1e-6 * 99.75);
        assertEquals(4, back.sink().images().size());
    }

    @Test
    void classFolderOutputIsDetectedDespiteTheReportFile() throws IOException {
        source = work.resolve("src");
        out = work.resolve("out");
        loupe.testing.TestImages.write(source.resolve("train/cat/a.jpg"), 8, 8);
        loupe.testing.TestImages.write(source.resolve("train/dog/b.jpg"), 8, 8);
        convert("folders", ImageMode.COPY, false, Progress.NONE);
        assertTrue(Files.exists(out.resolve(Converter.REPORT_FILE)));
        DatasetLoader.Result back = DatasetLoader.load(out);
        assertEquals("folders", back.format().id());
        assertEquals(2, back.sink().annotations().size());
    }

    @Test
    void writesYoloSegmentationLinesWhenEveryObjectHasAPolygon() throws IOException {
        source = work.resolve("src");
        out = work.resolve("out");
        loupe.testing.TestImages.write(source.resolve("images/train/a.jpg"), 100, 50);
        Files.createDirectories(source.resolve("annotations"));
        Files.writeString(source.resolve("annotations/instances_train.json"), "{\"images\":[{\"id\":1,"
                + "\"file_name\":\"a.jpg\",\"width\":100,\"height\":50}],\"annotations\":["
                + "{\"id\":1,\"image_id\":1,\"category_id\":0,\"bbox\":[10,10,40,20],"
                + "\"segmentation\":[[10,10,50,10,30,30]]},"
                + "{\"id\":2,\"image_id\":1,\"category_id\":1,\"bbox\":[0,0,100,50],"
                + "\"segmentation\":[[0,0,5,0,5,5],[0,0,100,0,100,50,0,50]]}],"
                + "\"categories\":[{\"id\":0,\"name\":\"tri\"},{\"id\":1,\"name\":\"all\"}]}");
        ConversionReport report = convert("yolo", ImageMode.COPY, false, Progress.NONE);

        assertEquals("0 0.1 0.2 0.5 0.2 0.3 0.6\n1 0 0 1 0 1 1 0 1\n",
                Files.readString(out.resolve("labels/train/a.txt")));
        assertFalse(report.idsRemapped(), "ids 0..1 are kept");
        Map<String, Long> losses = report.losses().stream()
                .collect(Collectors.toMap(ConversionReport.Loss::kind, ConversionReport.Loss::count));
        assertEquals(1L, losses.get("polygon part"));
        assertFalse(losses.containsKey("polygon"), "no polygon was flattened to a box");

        DatasetLoader.Result back = DatasetLoader.load(out, new YoloFormat());
        assertEquals(new loupe.core.model.Polygon(new double[] {10, 10, 50, 10, 30, 30}),
                back.sink().annotations().get(0).polygons().get(0));
    }

    @Test
    void classFoldersWithMetadataFilesAtTheRootAreStillDetected() throws IOException {
        Path root = work.resolve("folders");
        loupe.testing.TestImages.write(root.resolve("train/cat/a.jpg"), 8, 8);
        loupe.testing.TestImages.write(root.resolve("val/dog/b.jpg"), 8, 8);
        Files.writeString(root.resolve("meta.json"), "{\"classes\": 2}");
        assertEquals("folders", DatasetLoader.load(root).format().id());
    }

    @Test
    void classMapRenamesMergesAndDropsClasses() throws IOException {
        coco();   // car (1) x2, tree (2) x1, boat (3) x1
        Path map = work.resolve("map.json");
        Files.writeString(map, "{\"car\": \"vehicle\", \"boat\": \"vehicle\", \"tree\": null, \"ghost\": \"x\"}");
        ConversionReport report;
        try (Catalog catalog = Catalog.open(work.resolve("catalog.duckdb"))) {
            report = new Converter().convert(source, out, catalog, new Converter.Options(null, "yolo",
                    ImageMode.NONE, false, 2, ClassMap.read(map)), Progress.NONE);
        }
        assertEquals("  0: \"vehicle\"\n", Files.readString(out.resolve("data.yaml")).split("names:\n")[1]);
        assertEquals("0 0.175 0.35 0.25 0.3\n", Files.readString(out.resolve("labels/train/a.txt")));
        assertEquals("0 0.0390625 0.083333333 0.046875 0.083333333\n", Files.readString(out.resolve("labels/train/b b ü.txt")));
        Map<String, Long> losses = report.losses().stream()
                .collect(Collectors.toMap(ConversionReport.Loss::kind, ConversionReport.Loss::count));
        assertEquals(1L, losses.get("class dropped by the class map"));
        assertTrue(report.notes().contains("class 3 'boat' merged into 1 'vehicle'"), report.notes().toString());
        assertTrue(report.notes().contains("the class map names 'ghost', which the dataset does not have"));
    }

    @Test
    void malformedClassMapIsAClearError() throws IOException {
        Path map = work.resolve("map.csv");
        Files.writeString(map, "car,vehicle\nno comma here\n");
        IOException e = assertThrows(IOException.class, () -> ClassMap.read(map));
        assertTrue(e.getMessage().endsWith("line 2: expected 'old name,new name', found 'no comma here'"), e.getMessage());
    }

    @Test
    void neverTouchesTheSource() throws IOException {
        coco();
        Map<String, Long> before = snapshot(source);
        convert("yolo", ImageMode.LINK, false, Progress.NONE);
        assertEquals(before, snapshot(source));
    }

    @Test
    void refusesANonEmptyOutputUnlessOverwriting() throws IOException {
        coco();
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "mine");
        assertThrows(FileAlreadyExistsException.class, () -> convert("yolo", ImageMode.NONE, false, Progress.NONE));
        assertEquals("mine", Files.readString(out.resolve("keep.txt")));

        convert("yolo", ImageMode.NONE, true, Progress.NONE);
        assertFalse(Files.exists(out.resolve("keep.txt")));
        assertTrue(Files.exists(out.resolve("data.yaml")));
        assertFalse(Files.exists(out.resolve("images")), "--images none writes no images");
    }

    @Test
    void refusesAnOutputInsideTheSource() {
        coco();
        out = source.resolve("converted");
        IOException e = assertThrows(IOException.class, () -> convert("yolo", ImageMode.NONE, false, Progress.NONE));
        assertTrue(e.getMessage().contains("overlaps the source"), e.getMessage());
        assertFalse(Files.exists(out));
    }

    @Test
    void cancelledConversionLeavesNothingBehind() throws IOException {
        coco();
        Progress cancelWhileWriting = new Progress() {
            private volatile boolean cancelled;

            @Override
            public void update(String phase, long done, long total) {
                cancelled |= phase.equals("writing") && done >= 1;
            }

            @Override
            public boolean isCancelled() {
                return cancelled;
            }
        };
        assertThrows(CancellationException.class, () -> convert("yolo", ImageMode.COPY, false, cancelWhileWriting));
        try (Stream<Path> left = Files.list(work)) {
            assertEquals(List.of("catalog.duckdb", "src"), left.map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith("catalog.duckdb.")).sorted().toList());
        }
    }

    @Test
    void unknownOrReadOnlyTargetFormatIsAClearError() {
        coco();
        UnknownFormatException e = assertThrows(UnknownFormatException.class,
                () -> convert("nope", ImageMode.NONE, false, Progress.NONE));
        assertTrue(e.getMessage().startsWith("unknown format 'nope'"), e.getMessage());
    }

    private static Map<String, Long> snapshot(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return new TreeMap<>(files.sorted(Comparator.naturalOrder()).collect(Collectors.toMap(
                    p -> root.relativize(p).toString(), p -> {
                        try {
                            return Files.getLastModifiedTime(p).toMillis() * 31 + (Files.isDirectory(p) ? 0 : Files.size(p));
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })));
        }
    }
}
