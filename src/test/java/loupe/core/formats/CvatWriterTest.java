package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import loupe.core.export.Converter;
import loupe.core.index.Catalog;
import loupe.core.index.IndexOptions;
import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageItem;
import loupe.core.model.ImageRef;
import loupe.core.model.Polygon;
import loupe.core.task.Progress;
import loupe.testing.TestImages;

class CvatWriterTest {

    private static final Path CVAT_XML = Path.of("..", "shared", "datasets", "datumaro", "cvat_xml", "for_images");

    @TempDir
    Path dir;

    // ------------------------------------------------------------------ round trips on generated data

    @Test
    void roundTripKeepsImagesSplitsClassesShapesAndAttributes() throws IOException {
        Fixture f = richFixture();
        ConversionReport report = write(f.source(), dir.resolve("out"));
        DatasetLoader.Result back = DatasetLoader.load(dir.resolve("out"), new CvatFormat());

        assertEquals(List.of(), back.sink().problems());
        assertEquals(f.classes, back.sink().classes());
        assertFalse(report.idsRemapped());
        // Same paths (images/<split>/<name>), splits and sizes.
        assertEquals(f.refs(), sorted(back.sink().images()));
        for (ImageRef ref : f.refs()) {
            assertTrue(Files.isRegularFile(dir.resolve("out").resolve(ref.path())), ref.path());
        }
        // Every shape without 'occluded' reads back with occluded=0 (CVAT requires the XML attribute); tags don't.
        Map<String, List<Annotation>> expected = new TreeMap<>();
        f.annotations.forEach((image, list) -> expected.put(image, list.stream()
                .map(a -> a.box() == null || a.attributes().containsKey("occluded") ? a : with(a, "occluded", "0"))
                .toList()));
        assertSameAnnotations(expected, byImage(back.sink()));

        assertEquals(Map.of("shape_type polyline", 1L, "shape_type mask", 1L), losses(report));
        assertEquals(5, report.imagesOut());
        assertEquals(10, report.annotationsIn());
        assertEquals(10, report.annotationsOut());
        String xml = Files.readString(dir.resolve("out/annotations.xml"));
        assertEquals(2, count(xml, "<ellipse "), "a rotated and an unrotated ellipse are written as ellipses");
        assertTrue(xml.contains("xtl=\"10\" ytl=\"10\" xbr=\"50\" ybr=\"30\" rotation=\"30\""),
                "the rotated box is the <box rotation> the reader made it from, not a polygon");
        assertTrue(xml.contains("cx=\"30\" cy=\"20\" rx=\"10\" ry=\"5\" rotation=\"20\""),
                "the ellipse is solved from its bounds and rotation");
        assertEquals(1, count(xml, "<polygon "));
        assertTrue(xml.contains("xtl=\"10.25\" ytl=\"20.5\" xbr=\"60.375\" ybr=\"50.5\""), "x2 = x + width");
    }

    @Test
    void writesWhatCvatsImporterNeedsAndDeclaresAttributesPerLabel() throws Exception {
        write(richFixture().source(), dir.resolve("out"));
        Document doc = parse(dir.resolve("out/annotations.xml"));
        Element root = doc.getDocumentElement();
        assertEquals("annotations", root.getTagName());
        assertEquals("1.1", child(root, "version").getTextContent());
        // Three splits: a project with <subsets>, labels in class id order.
        Element project = child(child(root, "meta"), "project");
        assertEquals("test\ntrain\nval", child(project, "subsets").getTextContent());
        List<Element> labels = children(child(project, "labels"), "label");
        assertEquals(List.of("car", "traffic light", "Straße"),
                labels.stream().map(l -> child(l, "name").getTextContent()).toList());
        Map<String, Set<String>> declared = new HashMap<>();
        for (Element l : labels) {
            declared.put(child(l, "name").getTextContent(), children(child(l, "attributes"), "attribute").stream()
                    .map(a -> child(a, "name").getTextContent()).collect(Collectors.toSet()));
        }
        assertEquals(Set.of("color", "note", "shape_type"), declared.get("car"));

        Set<String> ids = new HashSet<>();
        for (Element image : children(root, "image")) {
            assertTrue(ids.add(image.getAttribute("id")), "ids are unique");
            Integer.parseInt(image.getAttribute("id"));
            String subset = image.getAttribute("subset");
            assertTrue(Files.isRegularFile(dir.resolve("out/images").resolve(subset).resolve(image.getAttribute("name"))),
                    "images/<subset>/<name> exists: " + image.getAttribute("name"));
            for (Element shape : children(image, null)) {
                if (!shape.getTagName().equals("tag")) {
                    assertTrue(Set.of("0", "1").contains(shape.getAttribute("occluded")), shape.getTagName());
                }
                String label = shape.getAttribute("label");
                assertTrue(declared.containsKey(label), label);
                for (Element attribute : children(shape, "attribute")) {
                    assertTrue(declared.get(label).contains(attribute.getAttribute("name")),
                            attribute.getAttribute("name") + " declared for " + label);
                }
            }
        }
        assertEquals(5, ids.size());
    }

    @Test
    void singleSplitIsATaskWithItsSubset() throws Exception {
        Fixture f = new Fixture(dir.resolve("src"));
        f.classes("a");
        f.image("images/val/x.jpg", "val", 20, 10);
        f.annotation(Annotation.box("images/val/x.jpg", 0, new BoundingBox(1, 2, 3, 4)));
        write(f.source(), dir.resolve("out"));

        Element task = child(child(parse(dir.resolve("out/annotations.xml")).getDocumentElement(), "meta"), "task");
        assertEquals("val", child(task, "subset").getTextContent());
        assertEquals("1", child(task, "size").getTextContent());
        DatasetLoader.Result back = DatasetLoader.load(dir.resolve("out"), new CvatFormat());
        assertEquals(List.of(new ImageRef("images/val/x.jpg", "val", 20, 10)), back.sink().images());
    }

    @Test
    void reportListsExactlyWhatWasLost() throws IOException {
        Fixture f = new Fixture(dir.resolve("src"));
        f.classes.addAll(List.of(new ClassLabel(1, "dog"), new ClassLabel(3, "dog"), new ClassLabel(7, ""),
                new ClassLabel(9, " cat\t")));
        f.image("images/x.jpg", "default", 30, 30);
        String y = "images/train/y.jpg";
        f.image(y, "train", 100, 100);
        BoundingBox b = new BoundingBox(10, 10, 20, 20);
        Polygon p1 = new Polygon(new double[] {10, 10, 20, 10, 15, 20});
        Polygon p2 = new Polygon(new double[] {50, 50, 60, 50, 55, 70});
        f.annotation(new Annotation(y, 1, b, List.of(), true, Map.of()));
        f.annotation(new Annotation(y, 3, new BoundingBox(0, 0, 5, 5), List.of(), false, Map.of("group_id", "3")));
        f.annotation(new Annotation(y, 9, BoundingBox.fromCorners(10, 10, 60, 70), List.of(p1, p2), false, Map.of()));
        f.annotation(new Annotation(y, 7, new BoundingBox(9, 9, 12, 12), List.of(p1), false, Map.of()));
        f.annotation(new Annotation(y, 1, b, List.of(), false, Map.of("shape_type", "polyline")));
        f.annotation(new Annotation(y, 1, b, List.of(), false, Map.of("shape_type", "ellipse", "rotation", "45")));
        f.annotation(Annotation.box(y, 42, b));
        ConversionReport report = write(f.source(), dir.resolve("out"));

        assertEquals(Map.of("class name", 3L, "split 'default'", 1L, "crowd flag", 1L,
                        "annotation of several polygons", 1L, "box other than its polygons' bounds", 1L,
                        "shape_type polyline", 1L, "shape_type ellipse", 1L, "unknown class id", 1L),
                losses(report));
        assertEquals(7, report.annotationsIn());
        assertEquals(6, report.annotationsOut());
        assertTrue(report.idsRemapped());
        assertEquals(List.of(new ConversionReport.ClassMapping(1, "dog", 0),
                new ConversionReport.ClassMapping(3, "dog (2)", 1), new ConversionReport.ClassMapping(7, "class 7", 2),
                new ConversionReport.ClassMapping(9, "cat", 3)), report.mappings());

        DatasetLoader.Result back = DatasetLoader.load(dir.resolve("out"), new CvatFormat());
        assertEquals(List.of(), back.sink().problems());
        assertEquals(List.of(new ClassLabel(0, "dog"), new ClassLabel(1, "dog (2)"), new ClassLabel(2, "class 7"),
                new ClassLabel(3, "cat")), back.sink().classes());
        assertEquals(List.of(new ImageRef("images/train/y.jpg", "train", 100, 100),
                new ImageRef("images/x.jpg", null, 30, 30)), sorted(back.sink().images()));
        List<Annotation> ys = byImage(back.sink()).get(y);
        assertEquals(7, ys.size(), "6 written, the two-polygon one as two");
        assertEquals(Map.of("is_crowd", "true", "occluded", "0"), ys.get(0).attributes());
        assertFalse(ys.get(0).crowd());
        // The two parts share a fresh group id above the image's existing group 3.
        assertEquals(List.of(p1), ys.get(2).polygons());
        assertEquals(List.of(p2), ys.get(3).polygons());
        assertEquals(Map.of("group_id", "4", "occluded", "0"), ys.get(2).attributes());
        assertEquals(Map.of("group_id", "4", "occluded", "0"), ys.get(3).attributes());
        assertEquals(p1.bounds(), ys.get(4).box(), "the box of a polygon reads back as its bounds");
        assertEquals(b, ys.get(5).box());
        assertEquals(Map.of("shape_type", "polyline", "occluded", "0"), ys.get(5).attributes());
        assertEquals(b, ys.get(6).box());
        assertEquals(Map.of("shape_type", "ellipse", "rotation", "45", "occluded", "0"), ys.get(6).attributes());
    }

    @Test
    void keepsValuesThatXmlWouldNormaliseAndReplacesWhatItCannotHold() throws IOException {
        Fixture f = new Fixture(dir.resolve("src"));
        f.classes("a\tb");
        f.image("images/x.jpg", null, 20, 20);
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("text", "  two\r\nlines\rand\ttab & <b> \"q\" 'a' ü 😀  ");
        attributes.put("control", "bell\u0007");
        attributes.put("key\nwith break", "v");
        attributes.put("occluded", "true");
        attributes.put("z_order", "front");
        attributes.put("source", "semi auto");
        attributes.put("empty", "");
        f.annotation(new Annotation("images/x.jpg", 0, new BoundingBox(1, 1, 2, 2), List.of(), false, attributes));
        ConversionReport report = write(f.source(), dir.resolve("out"));

        assertEquals(Map.of("class name", 1L, "character XML cannot hold", 1L, "attribute name", 1L), losses(report));
        DatasetLoader.Result back = DatasetLoader.load(dir.resolve("out"), new CvatFormat());
        assertEquals(List.of(new ClassLabel(0, "a b")), back.sink().classes());
        Map<String, String> expected = new HashMap<>(attributes);
        expected.put("control", "bell\uFFFD");
        expected.remove("key\nwith break");
        expected.put("key with break", "v");
        assertEquals(expected, only(back.sink().annotations()).attributes());
        String xml = Files.readString(dir.resolve("out/annotations.xml"));
        assertTrue(xml.contains("occluded=\"1\""), "a true-looking occluded is 1 for CVAT, the text kept as a child");
    }

    @Test
    void roundTripsFloatingPointCoordinatesExactly() throws IOException {
        Fixture f = new Fixture(dir.resolve("src"));
        f.classes("a");
        f.image("images/x.jpg", null, 20, 20);
        double[] xy = {1e-7, 0.1 + 0.2, 1234567.891, 1.0 / 3, -2.5e-5, 9.999999999999999e14};
        f.annotation(new Annotation("images/x.jpg", 0, new Polygon(xy).bounds(), List.of(new Polygon(xy)), false,
                Map.of("occluded", "0")));
        write(f.source(), dir.resolve("out"));

        Annotation back = only(DatasetLoader.load(dir.resolve("out"), new CvatFormat()).sink().annotations());
        assertEquals(List.of(new Polygon(xy)), back.polygons(), "shortest exact decimals parse back to the same doubles");
        java.util.regex.Matcher points = java.util.regex.Pattern.compile("points=\"([^\"]*)\"")
                .matcher(Files.readString(dir.resolve("out/annotations.xml")));
        assertTrue(points.find());
        assertEquals("0.0000001,0.30000000000000004;1234567.891,0.3333333333333333;-0.000025,999999999999999.9",
                points.group(1), "no exponents");
    }

    @Test
    void emptyDatasetKeepsItsClasses() throws IOException {
        Fixture f = new Fixture(dir.resolve("src"));
        f.classes("a", "b");
        ConversionReport report = write(f.source(), dir.resolve("out"));

        DatasetLoader.Result back = DatasetLoader.load(dir.resolve("out"), new CvatFormat());
        assertEquals(f.classes, back.sink().classes());
        assertEquals(List.of(), back.sink().images());
        assertEquals(List.of(), report.losses());
    }

    @Test
    void cancelledWriteLeavesNoTemporaryFile() throws IOException {
        Fixture f = richFixture();
        Path out = Files.createDirectories(dir.resolve("out"));
        Progress cancelAfterFirst = new Progress() {
            private volatile boolean cancelled;

            @Override
            public void update(String phase, long done, long total) {
                cancelled |= done >= 1;
            }

            @Override
            public boolean isCancelled() {
                return cancelled;
            }
        };
        WriteTarget target = new WriteTarget(out, f.root, ImageMode.NONE, new ConversionReport("test", "cvat"),
                cancelAfterFirst);
        assertThrows(CancellationException.class, () -> new CvatWriter().write(f.source(), target));
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of(), files.toList());
        }
        write(f.source(), dir.resolve("complete"));
        try (Stream<Path> files = Files.list(dir.resolve("complete"))) {
            assertEquals(List.of("annotations.xml", "images"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void convertsCocoWithPolygonsCrowdAndIdGapsThroughTheConverter() throws IOException {
        Path src = dir.resolve("coco");
        TestImages.write(src.resolve("images/train/a b.jpg"), 100, 80);
        TestImages.write(src.resolve("images/train/ü.png"), 40, 30);
        TestImages.write(src.resolve("images/val/c.jpg"), 50, 50);
        TestImages.write(src.resolve("images/val/empty.jpg"), 50, 50);
        String categories = "\"categories\":[{\"id\":1,\"name\":\"person\"},{\"id\":2,\"name\":\"Fahrrad ü\"},"
                + "{\"id\":5,\"name\":\"car\"}]";
        Files.createDirectories(src.resolve("annotations"));
        Files.writeString(src.resolve("annotations/instances_train.json"), "{\"images\":["
                + "{\"id\":1,\"file_name\":\"a b.jpg\",\"width\":100,\"height\":80},"
                + "{\"id\":2,\"file_name\":\"ü.png\",\"width\":40,\"height\":30}],\"annotations\":["
                + "{\"id\":1,\"image_id\":1,\"category_id\":1,\"bbox\":[10,20,30,40],\"area\":600,\"iscrowd\":0,"
                + "\"segmentation\":[[10,20,40,20,25,60]]},"
                + "{\"id\":2,\"image_id\":1,\"category_id\":5,\"bbox\":[0.5,0.5,99,79],\"area\":7000,\"iscrowd\":1,"
                + "\"segmentation\":[[0.5,0.5,99.5,0.5,99.5,79.5,0.5,79.5]]},"
                + "{\"id\":3,\"image_id\":2,\"category_id\":2,\"bbox\":[1.25,2.5,3.75,5],\"area\":18.75,\"iscrowd\":0}],"
                + categories + "}");
        Files.writeString(src.resolve("annotations/instances_val.json"), "{\"images\":["
                + "{\"id\":3,\"file_name\":\"c.jpg\",\"width\":50,\"height\":50},"
                + "{\"id\":4,\"file_name\":\"empty.jpg\",\"width\":50,\"height\":50}],\"annotations\":["
                + "{\"id\":4,\"image_id\":3,\"category_id\":5,\"bbox\":[5,5,10,10],\"area\":100,\"iscrowd\":0}],"
                + categories + "}");
        Path out = dir.resolve("out");
        ConversionReport report;
        try (Catalog catalog = Catalog.open(dir.resolve("catalog.duckdb"))) {
            report = new Converter().convert(src, out, catalog,
                    new Converter.Options("coco", "cvat", ImageMode.COPY, false, IndexOptions.defaultThreads()),
                    Progress.NONE);
        }

        assertEquals(Map.of("crowd flag", 1L), losses(report));
        assertEquals(List.of(new ConversionReport.ClassMapping(1, "person", 0),
                new ConversionReport.ClassMapping(2, "Fahrrad ü", 1), new ConversionReport.ClassMapping(5, "car", 2)),
                report.mappings());
        DatasetLoader.Result source = DatasetLoader.load(src, new CocoFormat());
        DatasetLoader.Result back = DatasetLoader.load(out, new CvatFormat());
        assertEquals(List.of(), back.sink().problems());
        assertEquals(List.of(new ClassLabel(0, "person"), new ClassLabel(1, "Fahrrad ü"), new ClassLabel(2, "car")),
                back.sink().classes());
        assertEquals(sorted(source.sink().images()), sorted(back.sink().images()), "same paths, splits and sizes");
        Map<Integer, Integer> ids = Map.of(1, 0, 2, 1, 5, 2);
        Map<String, List<Annotation>> expected = new TreeMap<>();
        byImage(source.sink()).forEach((image, list) -> expected.put(image, list.stream().map(a -> {
            Map<String, String> attributes = new HashMap<>(a.attributes());
            attributes.put("occluded", "0");
            if (a.crowd()) {
                attributes.put("is_crowd", "true");
            }
            return new Annotation(a.imagePath(), ids.get(a.classId()), a.box(), a.polygons(), false, attributes);
        }).toList()));
        assertSameAnnotations(expected, byImage(back.sink()));
    }

    // ------------------------------------------------------------------ shared samples (datumaro's CVAT exports)
    // Counts checked with python3's xml.etree on the source files: export_project/annotations.xml has 6 <image>s
    // (img0.jpg, img1.jpg in each of Test, Train, Validation) with 12 shapes: per subset one box, one polyline,
    // one polygon and one points; labels label1, label2. export_task/train.xml has 2 images with 4 shapes, 2 of
    // them with label="" (which the reader skips).

    @Test
    void roundTripsDatumaroProjectExport() throws IOException {
        Path sample = CVAT_XML.resolve("export_project");
        Assumptions.assumeTrue(Files.isDirectory(sample), "shared samples absent");
        DatasetLoader.Result source = DatasetLoader.load(sample, new CvatFormat());
        ConversionReport report = write(DatasetSource.of(source), dir.resolve("out"));
        DatasetLoader.Result back = DatasetLoader.load(dir.resolve("out"), new CvatFormat());

        assertEquals(List.of(), back.sink().problems());
        assertEquals(List.of(new ClassLabel(0, "label1"), new ClassLabel(1, "label2")), back.sink().classes());
        assertEquals(6, back.sink().images().size());
        assertEquals(sorted(source.sink().images()), sorted(back.sink().images()));
        assertEquals(12, back.sink().annotations().size());
        Map<String, List<Annotation>> expected = new TreeMap<>();
        byImage(source.sink()).forEach((image, list) -> expected.put(image, list.stream()
                .map(a -> a.attributes().containsKey("occluded") ? a : with(a, "occluded", "0")).toList()));
        assertSameAnnotations(expected, byImage(back.sink()));
        // The polyline and points of each subset: the reader keeps their bounds only.
        assertEquals(Map.of("shape_type polyline", 3L, "shape_type points", 3L), losses(report));
        assertFalse(report.idsRemapped());
    }

    @Test
    void roundTripsDatumaroTaskExportIntoSubsetFolder() throws IOException {
        Path sample = CVAT_XML.resolve("export_task");
        Assumptions.assumeTrue(Files.isDirectory(sample), "shared samples absent");
        DatasetLoader.Result source = DatasetLoader.load(sample, new CvatFormat());
        ConversionReport report = write(DatasetSource.of(source), dir.resolve("out"));
        DatasetLoader.Result back = DatasetLoader.load(dir.resolve("out"), new CvatFormat());

        // The two unlabelled shapes were never read; the rest comes back, now in images/train/.
        assertEquals(List.of(), back.sink().problems());
        assertEquals(List.of(new ImageRef("images/train/img0.jpg", "train", 8, 8),
                new ImageRef("images/train/img1.jpg", "train", 10, 10)), sorted(back.sink().images()));
        Map<String, List<Annotation>> expected = new TreeMap<>();
        byImage(source.sink()).forEach((image, list) -> expected.put(image.replace("images/", "images/train/"),
                list.stream().map(a -> new Annotation(a.imagePath().replace("images/", "images/train/"), a.classId(),
                        a.box(), a.polygons(), a.crowd(), a.attributes().containsKey("occluded") ? a.attributes()
                        : with(a, "occluded", "0").attributes())).toList()));
        assertEquals(2, back.sink().annotations().size());
        assertSameAnnotations(expected, byImage(back.sink()));
        assertEquals(Map.of("shape_type points", 1L), losses(report));
    }

    // ------------------------------------------------------------------ fixtures and helpers

    /** All CVAT shapes the reader makes, in three splits, with non-ASCII names, spaces and an empty image. */
    private Fixture richFixture() {
        Fixture f = new Fixture(dir.resolve("src"));
        f.classes("car", "traffic light", "Straße");
        String a = "images/train/a.jpg", b = "images/train/b b ü.jpg", c = "images/val/sub/c.png";
        String d = "images/test/d.jpg";
        f.image(a, "train", 200, 100);
        f.image(b, "train", 64, 48);
        f.image(c, "val", 80, 60);
        f.image("images/val/empty.jpg", "val", 80, 60);
        f.image(d, "test", 40, 30);
        f.annotation(new Annotation(a, 0, new BoundingBox(10.25, 20.5, 50.125, 30), List.of(), false,
                Map.of("occluded", "1", "z_order", "2", "source", "manual", "color", "red & <blue> \"x\"",
                        "note", "line1\nline2\r\n  x ")));
        Polygon triangle = new Polygon(new double[] {1, 2, 30.5, 2, 15, 40.75});
        f.annotation(new Annotation(a, 1, triangle.bounds(), List.of(triangle), false, Map.of()));
        f.annotation(new Annotation(a, 2, null, List.of(), false, Map.of("weather", "sunny")));
        // A rotated box as the reader builds it from <box xtl=10 ytl=10 xbr=50 ybr=30 rotation=30>.
        Polygon rotated = new Polygon(rotate(10, 10, 50, 30, 30));
        f.annotation(new Annotation(b, 0, rotated.bounds(), List.of(rotated), false, Map.of("rotation", "30")));
        // An ellipse as the reader builds it from <ellipse cx=30 cy=20 rx=10 ry=5 rotation=20>.
        double t = Math.toRadians(20), hx = Math.hypot(10 * Math.cos(t), 5 * Math.sin(t));
        double hy = Math.hypot(10 * Math.sin(t), 5 * Math.cos(t));
        f.annotation(new Annotation(b, 1, BoundingBox.fromCorners(30 - hx, 20 - hy, 30 + hx, 20 + hy), List.of(),
                false, Map.of("shape_type", "ellipse", "rotation", "20")));
        f.annotation(new Annotation(b, 1, new BoundingBox(5, 6, 20, 10), List.of(), false,
                Map.of("shape_type", "ellipse")));
        f.annotation(new Annotation(c, 0, new BoundingBox(1, 2, 6, 6), List.of(), false,
                Map.of("shape_type", "polyline", "z_order", "1")));
        f.annotation(new Annotation(c, 0, new BoundingBox(3, 4, 10, 12), List.of(), false,
                Map.of("shape_type", "mask")));
        f.annotation(new Annotation(d, 2, new BoundingBox(0.1, 0.2, 0.3, 0.4), List.of(), false,
                Map.of("group_id", "3", "occluded", "0")));
        f.annotation(new Annotation(d, 2, new BoundingBox(1.5e-7, 2, 3, 4), List.of(), false, Map.of()));
        return f;
    }

    /** The reader's rotation of a box about its centre, clockwise with y down. */
    private static double[] rotate(double xtl, double ytl, double xbr, double ybr, double degrees) {
        double cx = (xtl + xbr) / 2, cy = (ytl + ybr) / 2;
        double t = Math.toRadians(degrees), c = Math.cos(t), s = Math.sin(t);
        double[] corners = {xtl, ytl, xbr, ytl, xbr, ybr, xtl, ybr};
        double[] out = new double[8];
        for (int i = 0; i < 8; i += 2) {
            double dx = corners[i] - cx, dy = corners[i + 1] - cy;
            out[i] = cx + dx * c - dy * s;
            out[i + 1] = cy + dx * s + dy * c;
        }
        return out;
    }

    /** An in-memory source with real image files, so any annotation (crowd, gaps in ids ...) can be written. */
    private static final class Fixture {
        final Path root;
        final List<ClassLabel> classes = new ArrayList<>();
        final Map<String, ImageItem> images = new TreeMap<>();
        final Map<String, List<Annotation>> annotations = new TreeMap<>();

        Fixture(Path root) {
            this.root = root;
        }

        void classes(String... names) {
            for (String name : names) {
                classes.add(new ClassLabel(classes.size(), name));
            }
        }

        void image(String path, String split, int width, int height) {
            TestImages.write(root.resolve(path), width, height);
            images.put(path, new ImageItem(path, 1, 1, width, height, "jpeg", split));
        }

        void annotation(Annotation a) {
            annotations.computeIfAbsent(a.imagePath(), k -> new ArrayList<>()).add(a);
        }

        List<ImageRef> refs() {
            return images.values().stream().map(i -> new ImageRef(i.path(), i.split(), i.width(), i.height())).toList();
        }

        DatasetSource source() {
            return new DatasetSource() {
                @Override
                public Path root() {
                    return root;
                }

                @Override
                public List<ClassLabel> classes() {
                    return classes;
                }

                @Override
                public long imageCount() {
                    return images.size();
                }

                @Override
                public void forEachImage(ImageVisitor visitor) throws IOException {
                    for (ImageItem image : images.values()) {
                        visitor.visit(image, annotations.getOrDefault(image.path(), List.of()));
                    }
                }
            };
        }
    }

    private ConversionReport write(DatasetSource source, Path out) throws IOException {
        Files.createDirectories(out);
        ConversionReport report = new ConversionReport("test", "cvat");
        new CvatWriter().write(source, new WriteTarget(out, source.root(), ImageMode.COPY, report, Progress.NONE));
        return report;
    }

    private static Annotation with(Annotation a, String key, String value) {
        Map<String, String> attributes = new HashMap<>(a.attributes());
        attributes.put(key, value);
        return new Annotation(a.imagePath(), a.classId(), a.box(), a.polygons(), a.crowd(), attributes);
    }

    private static Map<String, List<Annotation>> byImage(CollectingSink sink) {
        Map<String, List<Annotation>> result = new TreeMap<>();
        for (Annotation a : sink.annotations()) {
            result.computeIfAbsent(a.imagePath(), k -> new ArrayList<>()).add(a);
        }
        return result;
    }

    private static List<ImageRef> sorted(List<ImageRef> images) {
        return images.stream().sorted((x, y) -> x.path().compareTo(y.path())).toList();
    }

    /** Same images, and per image the same annotations in order: boxes and polygons within 1e-6 relative. */
    private static void assertSameAnnotations(Map<String, List<Annotation>> expected,
                                              Map<String, List<Annotation>> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String image : expected.keySet()) {
            List<Annotation> e = expected.get(image), a = actual.get(image);
            assertEquals(e.size(), a.size(), image);
            for (int i = 0; i < e.size(); i++) {
                String at = image + " #" + i;
                assertEquals(e.get(i).classId(), a.get(i).classId(), at);
                assertEquals(e.get(i).crowd(), a.get(i).crowd(), at);
                assertEquals(e.get(i).attributes(), a.get(i).attributes(), at);
                BoundingBox eb = e.get(i).box(), ab = a.get(i).box();
                if (eb == null) {
                    assertNull(ab, at);
                } else {
                    assertNotNull(ab, at);
                    assertClose(new double[] {eb.x(), eb.y(), eb.width(), eb.height()},
                            new double[] {ab.x(), ab.y(), ab.width(), ab.height()}, at);
                }
                assertEquals(e.get(i).polygons().size(), a.get(i).polygons().size(), at);
                for (int p = 0; p < e.get(i).polygons().size(); p++) {
                    assertClose(e.get(i).polygons().get(p).points(), a.get(i).polygons().get(p).points(), at);
                }
            }
        }
    }

    private static void assertClose(double[] expected, double[] actual, String at) {
        assertEquals(expected.length, actual.length, at);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6 * Math.max(1, Math.abs(expected[i])), at + " [" + i + "]");
        }
    }

    private static Map<String, Long> losses(ConversionReport report) {
        return report.losses().stream().collect(Collectors.toMap(ConversionReport.Loss::kind,
                ConversionReport.Loss::count));
    }

    private static <T> T only(List<T> list) {
        assertEquals(1, list.size(), list.toString());
        return list.get(0);
    }

    private static int count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }

    private static Document parse(Path xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(xml.toFile());
    }

    private static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        assertEquals(1, found.size(), "<" + name + "> in <" + parent.getTagName() + ">");
        return found.get(0);
    }

    /** Child elements with this name (any name when null). */
    private static List<Element> children(Element parent, String name) {
        List<Element> result = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node n = nodes.item(i);
            if (n instanceof Element e && (name == null || e.getTagName().equals(name))) {
                result.add(e);
            }
        }
        return result;
    }
}
