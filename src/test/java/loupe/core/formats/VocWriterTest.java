package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import loupe.core.export.Converter;
import loupe.core.index.Catalog;
import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageItem;
import loupe.testing.ListSource;
import loupe.core.model.ImageRef;
import loupe.core.model.Polygon;
import loupe.core.task.Progress;
import loupe.testing.TestImages;

class VocWriterTest {

    private static final Path SAMPLES = Path.of("..", "shared", "datasets");
    private static final Map<String, String> DEFAULTS =
            Map.of("pose", "Unspecified", "truncated", "0", "difficult", "0", "occluded", "0");

    @TempDir
    Path dir;

    // ------------------------------------------------------------------ round trip

    /**
     * A COCO dataset with gaps in category ids, two splits, a polygon, a crowd region, nested attributes, an
     * image without annotations, a name with a space and non-ASCII letters, and two images named a.jpg.
     */
    private Path cocoFixture() throws IOException {
        Path root = dir.resolve("coco src");
        TestImages.write(root.resolve("images/train/a.jpg"), 200, 100);
        TestImages.write(root.resolve("images/train/b b ü.jpg"), 64, 48);
        TestImages.write(root.resolve("images/train/empty.jpg"), 80, 60);
        TestImages.write(root.resolve("images/val/a.jpg"), 30, 20);
        String categories = "\"categories\":[{\"id\":1,\"name\":\"car\"},{\"id\":3,\"name\":\"tree ü\"},"
                + "{\"id\":7,\"name\":\"boat\"}]";
        Files.createDirectories(root.resolve("annotations"));
        Files.writeString(root.resolve("annotations/instances_train.json"), "{\"images\":["
                + "{\"id\":1,\"file_name\":\"a.jpg\",\"width\":200,\"height\":100},"
                + "{\"id\":2,\"file_name\":\"b b ü.jpg\",\"width\":64,\"height\":48},"
                + "{\"id\":3,\"file_name\":\"empty.jpg\",\"width\":80,\"height\":60}],"
                + "\"annotations\":["
                + "{\"id\":1,\"image_id\":1,\"category_id\":1,\"bbox\":[10,20,50,30],\"area\":1500,\"iscrowd\":0},"
                + "{\"id\":2,\"image_id\":1,\"category_id\":3,\"bbox\":[0.5,0.25,199.5,99.75],\"area\":99,"
                + "\"iscrowd\":0,\"segmentation\":[[0.5,0.25,200,0.25,200,100]]},"
                + "{\"id\":3,\"image_id\":2,\"category_id\":7,\"bbox\":[1,2,3,4],\"area\":12,\"iscrowd\":1},"
                + "{\"id\":4,\"image_id\":2,\"category_id\":1,\"bbox\":[5,6,7,8],\"area\":56,\"iscrowd\":0,"
                + "\"attributes\":{\"occluded\":\"1\",\"pose\":\"Left\",\"color\":\"red & <blue>\"}}],"
                + categories + "}", StandardCharsets.UTF_8);
        Files.writeString(root.resolve("annotations/instances_val.json"), "{\"images\":["
                + "{\"id\":4,\"file_name\":\"a.jpg\",\"width\":30,\"height\":20}],\"annotations\":["
                + "{\"id\":5,\"image_id\":4,\"category_id\":3,\"bbox\":[0,0,30,20],\"area\":600,\"iscrowd\":0}],"
                + categories + "}", StandardCharsets.UTF_8);
        return root;
    }

    @Test
    void roundTripKeepsBoxesClassesSplitsAndAttributes() throws IOException {
        DatasetLoader.Result source = DatasetLoader.load(cocoFixture(), new CocoFormat());
        assertEquals(List.of(), source.sink().problems());
        Path out = dir.resolve("out");
        ConversionReport report = write(DatasetSource.of(source), out, ImageMode.COPY);
        DatasetLoader.Result back = DatasetLoader.load(out, new VocFormat());
        assertEquals(List.of(), back.sink().problems());

        assertEquals(List.of(new ClassLabel(0, "car"), new ClassLabel(1, "tree ü"), new ClassLabel(2, "boat")),
                back.sink().classes());
        assertEquals(List.of(new ConversionReport.ClassMapping(1, "car", 0),
                new ConversionReport.ClassMapping(3, "tree ü", 1), new ConversionReport.ClassMapping(7, "boat", 2)),
                report.mappings());

        Map<String, String> renamed = Map.of("images/train/a.jpg", "JPEGImages/a.jpg",
                "images/train/b b ü.jpg", "JPEGImages/b_b_ü.jpg", "images/train/empty.jpg", "JPEGImages/empty.jpg",
                "images/val/a.jpg", "JPEGImages/val_a.jpg");
        Map<String, ImageRef> backImages = back.sink().images().stream()
                .collect(Collectors.toMap(ImageRef::path, i -> i));
        assertEquals(4, backImages.size());
        for (ImageRef src : source.sink().images()) {
            ImageRef b = backImages.get(renamed.get(src.path()));
            assertNotNull(b, src.path());
            assertEquals(src.split(), b.split(), src.path());
            assertEquals(src.declaredWidth(), b.declaredWidth(), src.path());
            assertEquals(src.declaredHeight(), b.declaredHeight(), src.path());
            assertTrue(Files.isRegularFile(out.resolve(b.path())), b.path());
        }

        Map<Integer, String> sourceNames = names(source.sink().classes());
        Map<Integer, String> backNames = names(back.sink().classes());
        Map<String, List<Annotation>> backByImage = byImage(back.sink().annotations());
        Map<String, List<Annotation>> sourceByImage = byImage(source.sink().annotations());
        assertEquals(5, source.sink().annotations().size());
        assertEquals(5, back.sink().annotations().size());
        for (Map.Entry<String, List<Annotation>> e : sourceByImage.entrySet()) {
            List<Annotation> expected = e.getValue();
            List<Annotation> actual = backByImage.get(renamed.get(e.getKey()));
            assertEquals(expected.size(), actual.size(), e.getKey());
            for (int i = 0; i < expected.size(); i++) {
                Annotation s = expected.get(i);
                Annotation b = actual.get(i);
                assertEquals(sourceNames.get(s.classId()), backNames.get(b.classId()));
                assertBox(s.box(), b.box());
                Map<String, String> attributes = new HashMap<>(DEFAULTS);
                attributes.putAll(s.attributes());
                assertEquals(attributes, b.attributes(), e.getKey() + " #" + i);
                assertTrue(b.polygons().isEmpty());
                assertFalse(b.crowd());
            }
        }

        assertEquals(Map.of("polygon", 1L, "crowd flag", 1L, "whitespace in image name", 1L), losses(report));
        assertEquals(4, report.imagesIn());
        assertEquals(4, report.imagesOut());
        assertEquals(5, report.annotationsIn());
        assertEquals(5, report.annotationsOut());
        assertTrue(report.notes().stream().anyMatch(n -> n.startsWith("1 images were renamed")
                && n.contains("images/val/a.jpg -> JPEGImages/val_a.jpg")), report.notes().toString());
        assertEquals("a\nb_b_ü\nempty\n", Files.readString(out.resolve("ImageSets/Main/train.txt")));
        assertEquals("val_a\n", Files.readString(out.resolve("ImageSets/Main/val.txt")));
    }

    @Test
    void convertsThroughTheConverterIntoAFolderDetectedAsVoc() throws IOException {
        Path source = cocoFixture();
        Path out = dir.resolve("converted");
        ConversionReport report;
        try (Catalog catalog = Catalog.open(dir.resolve("catalog.duckdb"))) {
            report = new Converter().convert(source, out, catalog,
                    new Converter.Options("coco", "voc", ImageMode.LINK, false, 2), Progress.NONE);
        }
        assertEquals(5, report.annotationsOut());
        assertEquals("voc", Formats.detect(out, DatasetLoader.list(out)).format().id());
        assertTrue(Files.isRegularFile(out.resolve("Annotations/val_a.xml")));
        assertTrue(Files.isRegularFile(out.resolve(Converter.REPORT_FILE)));
    }

    // ------------------------------------------------------------------ losses and coordinates

    @Test
    void reportListsExactlyWhatWasLost() throws IOException {
        Path src = dir.resolve("src");
        TestImages.write(src.resolve("x.jpg"), 40, 30);
        ImageItem x = item("x.jpg", 40, 30, "train");
        List<Annotation> annotations = List.of(
                Annotation.imageLabel("x.jpg", 0),
                Annotation.box("x.jpg", 9, new BoundingBox(1, 1, 2, 2)),
                Annotation.box("x.jpg", 0, new BoundingBox(Double.NaN, 1, 2, 2)),
                new Annotation("x.jpg", 1, null, List.of(new Polygon(new double[]{2, 3, 12, 3, 7, 13})), false,
                        Map.of()),
                new Annotation("x.jpg", 0, new BoundingBox(0, 0, 4, 4), List.of(), false, Map.of("note", "",
                        "pose", "Frontal", "action.jumping", "1", "weird key", "v\u0001x")),
                new Annotation("x.jpg", 1, new BoundingBox(5, 5, 5, 5), List.of(), true, Map.of()));
        Path out = dir.resolve("out");
        ConversionReport report = write(new ListSource(src, List.of(new ClassLabel(0, "cat"),
                new ClassLabel(1, "dog")), Map.of(x, annotations)), out, ImageMode.COPY);

        assertEquals(Map.of("image-level label", 1L, "unknown class id", 1L, "box with non-finite coordinates", 1L,
                "polygon", 1L, "attribute 'note'", 1L, "character not allowed in XML", 1L, "crowd flag", 1L),
                losses(report));
        assertEquals(6, report.annotationsIn());
        assertEquals(3, report.annotationsOut());

        List<Annotation> back = DatasetLoader.load(out, new VocFormat()).sink().annotations();
        assertEquals(3, back.size());
        assertEquals(new BoundingBox(2, 3, 10, 10), back.get(0).box(), "a polygon without a box becomes its bounds");
        assertEquals(Map.of("pose", "Frontal", "truncated", "0", "difficult", "0", "occluded", "0",
                "action.jumping", "1", "weird key", "vx"), back.get(1).attributes());
    }

    @Test
    void writesTheDevkitsOneBasedInclusiveCornersWithIntegersWhenIntegral() throws IOException {
        Path src = dir.resolve("src");
        TestImages.write(src.resolve("x.png"), 40, 30);
        ImageItem x = item("x.png", 40, 30, null);
        Path out = dir.resolve("out");
        write(new ListSource(src, List.of(new ClassLabel(0, "cat")), Map.of(x, List.of(
                Annotation.box("x.png", 0, new BoundingBox(0, 0, 10, 5)),
                Annotation.box("x.png", 0, new BoundingBox(0.5, 0.25, 2.25, 3.1))))), out, ImageMode.COPY);

        Document doc = parse(out.resolve("Annotations/x.xml"));
        NodeList boxes = doc.getElementsByTagName("bndbox");
        assertEquals(List.of("1", "1", "10", "5"), corners((Element) boxes.item(0)));
        assertEquals(List.of("1.5", "1.25", "2.75", "3.35"), corners((Element) boxes.item(1)));
        assertEquals("x.png", text(doc.getDocumentElement(), "filename"));
        assertEquals("40", text(doc.getDocumentElement(), "width"));
        assertEquals("30", text(doc.getDocumentElement(), "height"));
        assertEquals("3", text(doc.getDocumentElement(), "depth"));
        assertEquals("0", text(doc.getDocumentElement(), "segmented"));
    }

    @Test
    void escapesNamesAndValuesAndWritesUtf8() throws IOException {
        Path src = dir.resolve("src");
        TestImages.write(src.resolve("R&D_ü.jpg"), 20, 10);
        ImageItem x = item("R&D_ü.jpg", 20, 10, "train");
        Path out = dir.resolve("out");
        write(new ListSource(src, List.of(new ClassLabel(4, "a<b&\"c'ü")), Map.of(x, List.of(
                new Annotation("R&D_ü.jpg", 4, new BoundingBox(1, 1, 2, 2), List.of(), false,
                        Map.of("note", "x < y & \"z\""))))), out, ImageMode.COPY);

        byte[] bytes = Files.readAllBytes(out.resolve("Annotations/R&D_ü.xml"));
        assertTrue(new String(bytes, StandardCharsets.UTF_8).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        Element root = parse(out.resolve("Annotations/R&D_ü.xml")).getDocumentElement();
        assertEquals("R&D_ü.jpg", text(root, "filename"));
        assertEquals("a<b&\"c'ü", text((Element) root.getElementsByTagName("object").item(0), "name"));
        assertEquals("x < y & \"z\"", text((Element) root.getElementsByTagName("attribute").item(0), "value"));
        DatasetLoader.Result back = DatasetLoader.load(out, new VocFormat());
        assertEquals(List.of(new ClassLabel(0, "a<b&\"c'ü")), back.sink().classes());
        assertEquals("x < y & \"z\"", back.sink().annotations().get(0).attributes().get("note"));
    }

    @Test
    void neverOverwritesImagesWhoseNamesCollide() throws IOException {
        Path src = dir.resolve("src");
        TestImages.write(src.resolve("train/a.jpg"), 10, 10);
        TestImages.write(src.resolve("val/a.jpg"), 20, 20);
        TestImages.write(src.resolve("val/A.png"), 30, 30);
        Map<ImageItem, List<Annotation>> images = new TreeMap<>(Comparator.comparing(ImageItem::path));
        images.put(item("train/a.jpg", 10, 10, "train"), List.of());
        images.put(item("val/a.jpg", 20, 20, "val"), List.of());
        images.put(item("val/A.png", 30, 30, "val"), List.of());
        Path out = dir.resolve("out");
        ConversionReport report = write(new ListSource(src, List.of(new ClassLabel(0, "cat")), images), out,
                ImageMode.COPY);

        // path order: train/a.jpg keeps its name; val/A.png (uppercase sorts first) takes val_A.png, then
        // val/a.jpg finds the stem val_a taken (ignoring case) and is numbered.
        assertEquals(List.of("a.xml", "val_A.xml", "val_a_2.xml"), list(out.resolve("Annotations")));
        Map<String, String> sizeOfImage = new TreeMap<>();
        for (String xml : list(out.resolve("Annotations"))) {
            Element root = parse(out.resolve("Annotations").resolve(xml)).getDocumentElement();
            sizeOfImage.put(text(root, "filename"), text(root, "width"));
        }
        assertEquals(Map.of("a.jpg", "10", "val_A.png", "30", "val_a_2.jpg", "20"), sizeOfImage);
        assertEquals(List.of("a.jpg", "val_A.png", "val_a_2.jpg"), list(out.resolve("JPEGImages")));
        assertTrue(report.notes().stream().anyMatch(n -> n.startsWith("2 images were renamed")),
                report.notes().toString());
        assertEquals("a\n", Files.readString(out.resolve("ImageSets/Main/train.txt")));
        assertEquals("val_A\nval_a_2\n", Files.readString(out.resolve("ImageSets/Main/val.txt")));
    }

    @Test
    void imagesWithoutASplitGoToTheDefaultListAndAllClassesToTheLabelMap() throws IOException {
        Path src = dir.resolve("src");
        TestImages.write(src.resolve("x.jpg"), 10, 10);
        Path out = dir.resolve("out");
        ConversionReport report = write(new ListSource(src, List.of(new ClassLabel(5, "zebra"),
                new ClassLabel(6, "ant"), new ClassLabel(8, "unused")),
                Map.of(item("x.jpg", 10, 10, null), List.of(Annotation.box("x.jpg", 6, new BoundingBox(1, 1, 2, 2))))),
                out, ImageMode.COPY);

        assertEquals("x\n", Files.readString(out.resolve("ImageSets/Main/default.txt")));
        assertEquals("# label:color_rgb:parts:actions\nzebra:::\nant:::\nunused:::\n",
                Files.readString(out.resolve("labelmap.txt")));
        assertTrue(report.notes().stream().anyMatch(n -> n.contains("default.txt")), report.notes().toString());
        DatasetLoader.Result back = DatasetLoader.load(out, new VocFormat());
        assertEquals(List.of(new ClassLabel(0, "zebra"), new ClassLabel(1, "ant"), new ClassLabel(2, "unused")),
                back.sink().classes());
        assertEquals(1, back.sink().annotations().get(0).classId());
        assertEquals("default", back.sink().images().get(0).split());
    }

    @Test
    void classNamesTheLabelMapCannotHoldGoToClassNamesTxt() throws IOException {
        Path src = dir.resolve("src");
        TestImages.write(src.resolve("x.jpg"), 10, 10);
        Path out = dir.resolve("out");
        ConversionReport report = write(new ListSource(src, List.of(new ClassLabel(0, "b:c"),
                new ClassLabel(1, "#a"), new ClassLabel(2, " cat\n"), new ClassLabel(3, "cat")),
                Map.of(item("x.jpg", 10, 10, null), List.of(Annotation.box("x.jpg", 3, new BoundingBox(1, 1, 2, 2))))),
                out, ImageMode.COPY);

        assertFalse(Files.exists(out.resolve("labelmap.txt")));
        assertEquals("b:c\n#a\ncat\n", Files.readString(out.resolve("class_names.txt")));
        assertEquals(Map.of("duplicate class name", 1L), losses(report));
        assertEquals(new ConversionReport.ClassMapping(3, "cat", 2), report.mappings().get(3));
        DatasetLoader.Result back = DatasetLoader.load(out, new VocFormat());
        assertEquals(List.of(new ClassLabel(0, "b:c"), new ClassLabel(1, "#a"), new ClassLabel(2, "cat")),
                back.sink().classes());
        assertEquals(2, back.sink().annotations().get(0).classId());
    }

    // ------------------------------------------------------------------ shared samples

    @Test
    void raccoonRoundTripWritesIdenticalBoxesAndMatchesTheTfodCsv() throws IOException {
        Path raccoon = sample("raccoon");
        Path out = dir.resolve("out");
        ConversionReport report = write(DatasetSource.of(DatasetLoader.load(raccoon, new VocFormat())), out,
                ImageMode.SYMLINK);
        // 200 XML files with 217 <object>s (python3 xml.etree over voc_annotations/*.xml).
        assertEquals(200, report.imagesOut());
        assertEquals(217, report.annotationsOut());
        assertEquals(List.of(), report.losses());

        // Every source XML against the written one: filename, size and each object's name and corners as text.
        List<String> sourceXmls = list(raccoon.resolve("voc_annotations"));
        assertEquals(200, sourceXmls.size());
        for (String xml : sourceXmls) {
            assertEquals(boxes(parse(raccoon.resolve("voc_annotations").resolve(xml))),
                    boxes(parse(out.resolve("Annotations").resolve(xml))), xml);
        }
        // And against the TensorFlow Object Detection CSV datitran made from the same XML (another tool's
        // output): filename,width,height,class,xmin,ymin,xmax,ymax, 217 rows.
        List<String> csv = new ArrayList<>(Files.readAllLines(raccoon.resolve("tfod_csv/raccoon_labels.csv")));
        csv.remove(0);
        List<String> written = new ArrayList<>();
        for (String xml : list(out.resolve("Annotations"))) {
            written.addAll(boxes(parse(out.resolve("Annotations").resolve(xml))));
        }
        csv.sort(null);
        written.sort(null);
        assertEquals(217, csv.size());
        assertEquals(csv, written);

        DatasetLoader.Result back = DatasetLoader.load(out, new VocFormat());
        assertEquals(List.of(), back.sink().problems());
        assertEquals(200, back.sink().images().size());
        assertTrue(back.sink().images().stream().allMatch(i -> "default".equals(i.split())));
    }

    @Test
    void datumaroVocSamplesRoundTrip() throws IOException {
        // voc_dataset1: train.txt lists 2007_000001 (2 objects), test.txt 2007_000002 (no XML), 22 per-class
        // lists; voc_dataset2: trainval.txt lists 5 ids, 4 objects, labelmap.txt with 22 labels, no images;
        // voc_dataset3: 1 image, 1 object (cat). Counted with ls, cat and grep -c '<object>'.
        int[][] expected = {{2, 2, 22}, {5, 4, 22}, {1, 1, 1}};
        for (int d = 1; d <= 3; d++) {
            Path root = sample("datumaro", "voc", "voc_dataset" + d);
            DatasetLoader.Result source = DatasetLoader.load(root, new VocFormat());
            Path out = dir.resolve("out" + d);
            ConversionReport report = write(DatasetSource.of(source), out, ImageMode.COPY);
            DatasetLoader.Result back = DatasetLoader.load(out, new VocFormat());

            assertEquals(expected[d - 1][0], back.sink().images().size(), "voc_dataset" + d);
            assertEquals(expected[d - 1][1], back.sink().annotations().size(), "voc_dataset" + d);
            assertEquals(expected[d - 1][2], back.sink().classes().size(), "voc_dataset" + d);
            assertEquals(source.sink().classes(), back.sink().classes(), "voc_dataset" + d);
            assertFalse(report.idsRemapped());
            // Same paths and splits; sizes where the source states them (an image without XML has none in
            // the source, and the writer takes its size from the image header).
            Map<String, ImageRef> sourceImages = imagesByPath(source);
            Map<String, ImageRef> backImages = imagesByPath(back);
            assertEquals(sourceImages.keySet(), backImages.keySet(), "voc_dataset" + d);
            for (ImageRef si : sourceImages.values()) {
                ImageRef bi = backImages.get(si.path());
                assertEquals(si.split(), bi.split(), si.path());
                if (si.declaredWidth() > 0) {
                    assertEquals(si.declaredWidth(), bi.declaredWidth(), si.path());
                    assertEquals(si.declaredHeight(), bi.declaredHeight(), si.path());
                }
            }
            Map<String, List<Annotation>> s = byImage(source.sink().annotations());
            Map<String, List<Annotation>> b = byImage(back.sink().annotations());
            assertEquals(s.keySet(), b.keySet());
            for (String image : s.keySet()) {
                for (int i = 0; i < s.get(image).size(); i++) {
                    Annotation sa = s.get(image).get(i);
                    Annotation ba = b.get(image).get(i);
                    assertEquals(sa.classId(), ba.classId());
                    assertBox(sa.box(), ba.box());
                    Map<String, String> attributes = new HashMap<>(DEFAULTS);
                    attributes.putAll(sa.attributes());
                    assertEquals(attributes, ba.attributes(), image);
                }
            }
            // Only what the sources lack: voc_dataset2 has no image files.
            assertEquals(d == 2 ? Map.of("missing image", 5L) : Map.of(), losses(report), "voc_dataset" + d);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static ConversionReport write(DatasetSource source, Path out, ImageMode mode) throws IOException {
        ConversionReport report = new ConversionReport("test", "voc");
        new VocWriter().write(source, new WriteTarget(out, source.root(), mode, report, Progress.NONE));
        return report;
    }

    private static ImageItem item(String path, int width, int height, String split) {
        return new ImageItem(path, 1, 1, width, height, "jpeg", split);
    }

    private static Path sample(String... parts) {
        Path p = SAMPLES.resolve(Path.of("", parts));
        Assumptions.assumeTrue(Files.isDirectory(p), "shared sample missing: " + p);
        return p;
    }

    private static Map<String, Long> losses(ConversionReport report) {
        return report.losses().stream().collect(Collectors.toMap(ConversionReport.Loss::kind,
                ConversionReport.Loss::count));
    }

    private static Map<Integer, String> names(List<ClassLabel> classes) {
        return classes.stream().collect(Collectors.toMap(ClassLabel::id, ClassLabel::name));
    }

    private static Map<String, List<Annotation>> byImage(List<Annotation> annotations) {
        return annotations.stream().collect(Collectors.groupingBy(Annotation::imagePath));
    }

    private static Map<String, ImageRef> imagesByPath(DatasetLoader.Result r) {
        return r.sink().images().stream().collect(Collectors.toMap(ImageRef::path, i -> i));
    }

    private static void assertBox(BoundingBox expected, BoundingBox actual) {
        assertEquals(expected.x(), actual.x(), 1e-6 * Math.max(1, Math.abs(expected.x())), "x");
        assertEquals(expected.y(), actual.y(), 1e-6 * Math.max(1, Math.abs(expected.y())), "y");
        assertEquals(expected.width(), actual.width(), 1e-6 * Math.max(1, Math.abs(expected.width())), "width");
        assertEquals(expected.height(), actual.height(), 1e-6 * Math.max(1, Math.abs(expected.height())), "height");
    }

    private static List<String> list(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static Document parse(Path xml) throws IOException {
        try (InputStream in = Files.newInputStream(xml)) {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            DocumentBuilder b = f.newDocumentBuilder();
            return b.parse(in);
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException(xml + ": " + e.getMessage(), e);
        }
    }

    private static String text(Element parent, String tag) {
        return parent.getElementsByTagName(tag).item(0).getTextContent().trim();
    }

    private static List<String> corners(Element bndbox) {
        return List.of(text(bndbox, "xmin"), text(bndbox, "ymin"), text(bndbox, "xmax"), text(bndbox, "ymax"));
    }

    /** One "filename,width,height,name,xmin,ymin,xmax,ymax" line per object, as the TFOD CSV has them. */
    private static List<String> boxes(Document doc) {
        Element root = doc.getDocumentElement();
        String image = text(root, "filename") + "," + text(root, "width") + "," + text(root, "height") + ",";
        List<String> rows = new ArrayList<>();
        NodeList objects = root.getElementsByTagName("object");
        for (int i = 0; i < objects.getLength(); i++) {
            Element o = (Element) objects.item(i);
            Element box = (Element) o.getElementsByTagName("bndbox").item(0);
            rows.add(image + text(o, "name") + "," + String.join(",", corners(box)));
        }
        return rows;
    }
}
