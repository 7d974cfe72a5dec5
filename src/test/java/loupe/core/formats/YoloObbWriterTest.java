package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.Polygon;
import loupe.core.task.Progress;
import loupe.testing.TestImages;

class YoloObbWriterTest {

    private static final int W = 200, H = 100;

    @TempDir
    Path work;

    private Path yoloDataset(String labels) throws IOException {
        Path root = work.resolve("src");
        TestImages.write(root.resolve("images/train/a ü.png"), W, H);
        Files.createDirectories(root.resolve("labels/train"));
        Files.writeString(root.resolve("labels/train/a ü.txt"), labels, StandardCharsets.UTF_8);
        Files.writeString(root.resolve("data.yaml"), "train: images/train\nval: images/train\nnames:\n  0: ship\n"
                + "  1: plane\n", StandardCharsets.UTF_8);
        return root;
    }

    private ConversionReport writeObb(DatasetSource source, Path out) throws IOException {
        Files.createDirectories(out);
        ConversionReport report = new ConversionReport("test", "yolo-obb");
        new YoloObbFormat().writer().orElseThrow()
                .write(source, new WriteTarget(out, source.root(), ImageMode.COPY, report, Progress.NONE));
        return report;
    }

    private static Map<String, Long> losses(ConversionReport report) {
        return report.losses().stream()
                .collect(Collectors.toMap(ConversionReport.Loss::kind, ConversionReport.Loss::count));
    }

    @Test
    void obbLinesRoundTripReadWriteRead() throws IOException {
        // Two rotated rectangles, as Ultralytics OBB lines (class x1 y1 ... x4 y4, normalised).
        String labels = "0 0.1 0.2 0.3 0.1 0.4 0.5 0.2 0.6\n1 0.55 0.3 0.9 0.3 0.9 0.8 0.55 0.8\n";
        DatasetLoader.Result in = DatasetLoader.load(yoloDataset(labels), new YoloFormat());
        assertEquals(List.of(), in.sink().problems());

        Path out = work.resolve("out");
        ConversionReport report = writeObb(DatasetSource.of(in), out);
        assertEquals(Map.of(), losses(report), "4-point polygons are written as they are");
        List<String> lines = Files.readAllLines(out.resolve("labels/train/a ü.txt"));
        assertEquals(2, lines.size());
        assertTrue(lines.stream().allMatch(l -> l.split(" ").length == 9), lines.toString());

        DatasetLoader.Result back = DatasetLoader.load(out, new YoloFormat());
        assertEquals(List.of(), back.sink().problems());
        List<Annotation> a = sorted(in.sink().annotations());
        List<Annotation> b = sorted(back.sink().annotations());
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).classId(), b.get(i).classId());
            double[] expected = a.get(i).polygons().get(0).points();
            double[] actual = b.get(i).polygons().get(0).points();
            assertEquals(8, actual.length);
            for (int k = 0; k < 8; k++) {
                assertEquals(expected[k], actual[k], 1e-6 * Math.max(1, Math.abs(expected[k])));
            }
        }
    }

    @Test
    void otherPolygonsBecomeTheirMinimumAreaRotatedRectangleAndBoxesStayAxisAligned() throws IOException {
        // A square of side 20 rotated by 45 degrees around (100, 50), given with its edge midpoints as well
        // (8 points): its minimum rectangle is the square itself, area 400 (an axis-aligned box would be 800).
        double r = 20 / Math.sqrt(2);
        double[] octagon = {100, 50 - r, 100 + r / 2, 50 - r / 2, 100 + r, 50, 100 + r / 2, 50 + r / 2,
                100, 50 + r, 100 - r / 2, 50 + r / 2, 100 - r, 50, 100 - r / 2, 50 - r / 2};
        Path root = yoloDataset("");
        DatasetLoader.Result in = DatasetLoader.load(root, new YoloFormat());
        String path = "images/train/a ü.png";
        List<Annotation> annotations = List.of(
                new Annotation(path, 0, new Polygon(octagon).bounds(), List.of(new Polygon(octagon)), false, Map.of()),
                Annotation.box(path, 1, new BoundingBox(10, 20, 30, 40)));
        DatasetSource source = new DatasetSource() {
            @Override
            public Path root() {
                return root;
            }

            @Override
            public List<loupe.core.model.ClassLabel> classes() {
                return in.sink().classes();
            }

            @Override
            public long imageCount() {
                return 1;
            }

            @Override
            public void forEachImage(ImageVisitor visitor) throws IOException {
                visitor.visit(new loupe.core.model.ImageItem(path, -1, -1, W, H, "png", "train"), annotations);
            }
        };
        Path out = work.resolve("out");
        ConversionReport report = writeObb(source, out);
        assertEquals(Map.of("polygon as OBB", 1L, "box as OBB", 1L), losses(report));

        List<Annotation> back = sorted(DatasetLoader.load(out, new YoloFormat()).sink().annotations());
        double[] rect = back.get(0).polygons().get(0).points();
        assertEquals(400, CocoWriter.shoelace(rect), 1e-3);
        for (int i = 0; i < 8; i += 2) {
            assertEquals(r, Math.hypot(rect[i] - 100, rect[i + 1] - 50), 1e-4, "corners on the square's circle");
        }
        assertArrayEquals(new double[] {10, 20, 40, 20, 40, 60, 10, 60}, back.get(1).polygons().get(0).points(),
                1e-6);
    }

    @Test
    void yoloObbIsAWriteTargetThatNeverClaimsADataset() throws IOException {
        Path root = yoloDataset("0 0.1 0.2 0.3 0.1 0.4 0.5 0.2 0.6\n");
        assertEquals(0, new YoloObbFormat().probe(DatasetLoader.list(root), root).confidence());
        assertEquals("yolo", Formats.detect(root, DatasetLoader.list(root)).format().id());
        assertTrue(Formats.writableIds().contains("yolo-obb"));
    }

    @Test
    void minAreaRectOfKnownShapes() {
        // A 4 x 2 rectangle rotated by 30 degrees, plus an interior point.
        double c = Math.cos(Math.PI / 6), s = Math.sin(Math.PI / 6);
        double[] local = {0, 0, 4, 0, 4, 2, 0, 2, 1, 1};
        double[] points = new double[local.length];
        for (int i = 0; i < local.length; i += 2) {
            points[i] = 10 + local[i] * c - local[i + 1] * s;
            points[i + 1] = 5 + local[i] * s + local[i + 1] * c;
        }
        double[] rect = RotatedRects.minAreaRect(points);
        assertEquals(8, rect.length);
        assertEquals(8, CocoWriter.shoelace(rect), 1e-9);
        List<double[]> corners = new ArrayList<>();
        for (int i = 0; i < 8; i += 2) {
            corners.add(new double[] {points[i], points[i + 1]});
        }
        for (double[] corner : corners) {
            boolean found = false;
            for (int i = 0; i < 8; i += 2) {
                found |= Math.hypot(rect[i] - corner[0], rect[i + 1] - corner[1]) < 1e-9;
            }
            assertTrue(found, "each corner of the rotated rectangle is a corner of the result");
        }
        assertEquals(0, CocoWriter.shoelace(RotatedRects.minAreaRect(new double[] {1, 1, 3, 3, 2, 2})), 1e-12,
                "collinear points give a flat rectangle");
        assertArrayEquals(new double[] {5, 6, 5, 6, 5, 6, 5, 6}, RotatedRects.minAreaRect(new double[] {5, 6, 5, 6}));
    }

    private static List<Annotation> sorted(List<Annotation> annotations) {
        return annotations.stream().sorted(Comparator.comparingInt(Annotation::classId)).toList();
    }
}
