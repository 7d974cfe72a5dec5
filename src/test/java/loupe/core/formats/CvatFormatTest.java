package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageRef;
import loupe.core.model.Polygon;
import loupe.core.model.Problem;
import loupe.core.model.ProblemKind;

class CvatFormatTest {

    private static final Path SAMPLES = Path.of("..", "shared", "datasets");
    private static final Path CVAT_XML = SAMPLES.resolve("datumaro/cvat_xml");
    private static final double EPS = 1e-9;

    @TempDir
    Path dir;

    // ------------------------------------------------------------------ shared samples
    // Expected numbers were counted with python3's xml.etree on the source files: len(root.findall('image')),
    // the shape children of each <image> and whether their label attribute is empty, the <name> of every
    // <label> in <meta>, len(root.findall('track')), and `find images -type f` for the image files.

    @Test
    void readsDatumaroProjectExportWithSubsetFoldersAndSplits() throws IOException {
        CollectingSink sink = load(CVAT_XML.resolve("for_images/export_project"));

        // 6 <image>s: img0.jpg (8x8) and img1.jpg (10x10) in each of subsets Test, Train, Validation, stored
        // as images/<subset>/<name>.
        Map<String, String> splits = splits(sink);
        assertEquals(6, splits.size());
        for (String subset : List.of("Test", "Train", "Validation")) {
            assertEquals(subset, splits.get("images/" + subset + "/img0.jpg"));
            assertEquals(new ImageRef("images/" + subset + "/img1.jpg", subset, 10, 10),
                    image(sink, "images/" + subset + "/img1.jpg"));
        }
        // <project><labels>: label1, label2.
        assertEquals(List.of(new ClassLabel(0, "label1"), new ClassLabel(1, "label2")), sink.classes());
        // 12 shapes, 2 per image, all labelled.
        assertEquals(12, sink.annotations().size());
        List<Annotation> img0 = annotationsOf(sink, "images/Train/img0.jpg");
        assertEquals(2, img0.size());
        // <box label="label1" occluded="1" xbr="4" xtl="0" ybr="4" ytl="2" z_order="1"> with a1..a4
        Annotation box = img0.get(0);
        assertEquals(0, box.classId());
        assertBox(new BoundingBox(0, 2, 4, 2), box.box());
        assertEquals(Map.of("occluded", "1", "z_order", "1", "a1", "true", "a2", "v3", "a3", "0003", "a4", "2.4"),
                box.attributes());
        // <polyline label="label2" points="1.0,2;3,4;5,6;7,8"/>: its bounds
        Annotation polyline = img0.get(1);
        assertEquals(1, polyline.classId());
        assertBox(new BoundingBox(1, 2, 6, 6), polyline.box());
        assertEquals(Map.of("shape_type", "polyline"), polyline.attributes());
        assertEquals(List.of(), polyline.polygons());
        List<Annotation> img1 = annotationsOf(sink, "images/Validation/img1.jpg");
        // <polygon label="label1" points="1,2;3,4;6,5" z_order="1"/>
        assertEquals(List.of(new Polygon(new double[] {1, 2, 3, 4, 6, 5})), img1.get(0).polygons());
        assertBox(new BoundingBox(1, 2, 5, 3), img1.get(0).box());
        // <points label="label2" points="1,2;3,4;5,6" z_order="2"/>
        assertBox(new BoundingBox(1, 2, 4, 4), img1.get(1).box());
        assertEquals(Map.of("shape_type", "points", "z_order", "2"), img1.get(1).attributes());
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void readsDatumaroTaskExportWithSplitFromFileNameAndReportsUnlabelledShapes() throws IOException {
        CollectingSink sink = load(CVAT_XML.resolve("for_images/export_task"));

        // train.xml: img0.jpg 8x8, img1.jpg 10x10 in images/; no <subset>, so the file name is the split
        // (datumaro reads it as subset "train" too).
        assertEquals(List.of(new ImageRef("images/img0.jpg", "train", 8, 8),
                new ImageRef("images/img1.jpg", "train", 10, 10)), sink.images());
        assertEquals(List.of(new ClassLabel(0, "label1"), new ClassLabel(1, "label2")), sink.classes());
        // 4 shapes, of which the polyline (line 50) and the polygon (line 53) have label="".
        assertEquals(2, sink.annotations().size());
        assertEquals(List.of(0, 1), sink.annotations().stream().map(Annotation::classId).toList());
        assertEquals(List.of("line 50", "line 53"), sink.problems().stream().map(Problem::location).toList());
        assertTrue(sink.problems().stream().allMatch(p -> p.kind() == ProblemKind.MALFORMED_ANNOTATION
                && p.path().equals("train.xml") && p.message().contains("without a label")));
    }

    @Test
    void reportsVideoTracksAsUnsupportedButDeclaresClassesAndFrames() throws IOException {
        CollectingSink sink = load(CVAT_XML.resolve("for_video"));

        // No <image>, 3 <track>s (first on line 70); 3 frames in images/; labels klhg, "z U k", II.
        assertEquals(List.of("images/frame_000010.png", "images/frame_000013.png", "images/frame_000016.png"),
                sink.images().stream().map(ImageRef::path).sorted().toList());
        assertEquals(List.of(new ClassLabel(0, "klhg"), new ClassLabel(1, "z U k"), new ClassLabel(2, "II")),
                sink.classes());
        assertEquals(List.of(), sink.annotations());
        Problem p = only(sink.problems());
        assertEquals(ProblemKind.OTHER, p.kind());
        assertEquals("line 70", p.location());
        assertTrue(p.message().startsWith("3 <track> elements"), p.message());
    }

    @Test
    void readsEverySampleBelowTheCvatFolderWithOneClassList() throws IOException {
        CollectingSink sink = load(CVAT_XML);

        // 6 + 2 listed images + 3 frames; 12 + 2 labelled shapes; labels of the three files in path order:
        // label1, label2 (for_images/*), then klhg, z U k, II (for_video).
        assertEquals(11, sink.images().size());
        assertEquals(14, sink.annotations().size());
        assertEquals(List.of("label1", "label2", "klhg", "z U k", "II"),
                sink.classes().stream().map(ClassLabel::name).toList());
    }

    @Test
    void probeRecognisesCvatSamplesAndAutoDetectionPicksCvat() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(CVAT_XML));
        for (String sample : List.of("for_images/export_project", "for_images/export_task", "for_video", "")) {
            Path root = CVAT_XML.resolve(sample);
            Support s = probe(new CvatFormat(), root);
            assertTrue(s.confidence() >= 0.9, sample + ": " + s);
            assertEquals("cvat", Formats.detect(root, DatasetLoader.list(root)).format().id(), sample);
        }
    }

    @Test
    void probeGivesNothingForSamplesOfOtherFormats() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(SAMPLES));
        List<Path> others = new ArrayList<>();
        try (Stream<Path> s = Files.list(SAMPLES.resolve("datumaro"))) {
            s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().equals("cvat_xml")).forEach(others::add);
        }
        for (String top : List.of("raccoon", "labelme", "labelImg", "label-studio-converter", "sahi")) {
            others.add(SAMPLES.resolve(top));
        }
        CvatFormat cvat = new CvatFormat();
        for (Path root : others) {
            if (Files.isDirectory(root)) {
                Support s = probe(cvat, root);
                assertFalse(s.matches(), root + ": " + s);
            }
        }
    }

    // ------------------------------------------------------------------ generated fixtures

    @Test
    void readsBoxesAsAbsoluteZeroBasedCornersWithAttributes() throws IOException {
        jpeg(dir.resolve("images/a.jpg"), 64, 48);
        write(dir.resolve("annotations.xml"), cvat(labels("car", "person"), """
                <image id="0" name="a.jpg" width="64" height="48">
                  <box label="person" source="manual" occluded="0" xtl="10.5" ytl="20" xbr="30" ybr="45.25" \
                z_order="3" group_id="7">
                    <attribute name="pose">standing</attribute>
                    <attribute name="note"></attribute>
                  </box>
                  <box label="car" occluded="1" xtl="0" ytl="0" xbr="64" ybr="48" rotation="0.0"/>
                  <box label="car" xtl="10" ytl="20" xbr="30" ybr="24" rotation="90"/>
                </image>"""));

        CollectingSink sink = load(dir);

        assertEquals(List.of(new ImageRef("images/a.jpg", null, 64, 48)), sink.images());
        List<Annotation> anns = sink.annotations();
        assertEquals(3, anns.size());
        Annotation person = anns.get(0);
        assertEquals(1, person.classId());
        // x = xtl, width = xbr - xtl: CVAT's corners are continuous pixel edges, no +1
        assertBox(new BoundingBox(10.5, 20, 19.5, 25.25), person.box());
        assertEquals(Map.of("source", "manual", "occluded", "0", "z_order", "3", "group_id", "7",
                "pose", "standing", "note", ""), person.attributes());
        assertBox(new BoundingBox(0, 0, 64, 48), anns.get(1).box());
        assertFalse(anns.get(1).attributes().containsKey("rotation"));
        // 20x4 box centred on (20, 22), turned a quarter: 4 wide, 20 high, same centre; corners as a polygon
        Annotation turned = anns.get(2);
        assertBox(new BoundingBox(18, 12, 4, 20), turned.box());
        assertEquals(4, only(turned.polygons()).size());
        assertEquals("90", turned.attributes().get("rotation"));
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void readsPolygonsPolylinesPointsMasksEllipsesSkeletonsAndTags() throws IOException {
        jpeg(dir.resolve("images/a.jpg"), 100, 100);
        write(dir.resolve("annotations.xml"), cvat(labels("thing"), """
                <image id="0" name="a.jpg" width="100" height="100">
                  <polygon label="thing" occluded="0" points="10,10;50,12.5;30,40"/>
                  <polyline label="thing" points="5,5;6,9;20,7"/>
                  <points label="thing" points="3,4"/>
                  <mask label="thing" rle="3, 2, 1" left="40" top="50" width="3" height="2"/>
                  <ellipse label="thing" cx="50" cy="60" rx="10" ry="5"/>
                  <cuboid label="thing" xtl1="1" ytl1="2" xbl1="1" ybl1="8" xtr1="6" ytr1="2" xbr1="6" ybr1="8" \
                xtl2="3" ytl2="0" xbl2="3" ybl2="6" xtr2="9" ytr2="0" xbr2="9" ybr2="6"/>
                  <skeleton label="thing">
                    <points label="nose" points="20,30" outside="0"/>
                    <points label="tail" points="40,35"/>
                    <points label="ear" points="99,99" outside="1"/>
                  </skeleton>
                  <tag label="thing" source="manual"><attribute name="weather">rain</attribute></tag>
                </image>"""));

        CollectingSink sink = load(dir);

        List<Annotation> anns = sink.annotations();
        assertEquals(8, anns.size());
        Annotation polygon = anns.get(0);
        assertEquals(List.of(new Polygon(new double[] {10, 10, 50, 12.5, 30, 40})), polygon.polygons());
        assertBox(new BoundingBox(10, 10, 40, 30), polygon.box());
        assertNull(polygon.attributes().get("shape_type"));
        assertBox(new BoundingBox(5, 5, 15, 4), anns.get(1).box());
        assertEquals("polyline", anns.get(1).attributes().get("shape_type"));
        // a single point: a zero-size box, kept as read (the indexer judges it)
        assertBox(new BoundingBox(3, 4, 0, 0), anns.get(2).box());
        assertEquals("points", anns.get(2).attributes().get("shape_type"));
        assertBox(new BoundingBox(40, 50, 3, 2), anns.get(3).box());
        assertEquals("mask", anns.get(3).attributes().get("shape_type"));
        assertBox(new BoundingBox(40, 55, 20, 10), anns.get(4).box());
        assertEquals("ellipse", anns.get(4).attributes().get("shape_type"));
        assertBox(new BoundingBox(1, 0, 8, 8), anns.get(5).box());
        assertEquals("cuboid", anns.get(5).attributes().get("shape_type"));
        // the skeleton's points that are not outside
        assertBox(new BoundingBox(20, 30, 20, 5), anns.get(6).box());
        assertEquals("skeleton", anns.get(6).attributes().get("shape_type"));
        Annotation tag = anns.get(7);
        assertNull(tag.box());
        assertEquals(List.of(), tag.polygons());
        assertEquals(Map.of("source", "manual", "weather", "rain"), tag.attributes());
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void readsProjectExportWithTwoTasksTheirSubsetsAndTheUnionOfTheirLabels() throws IOException {
        jpeg(dir.resolve("images/train/a.jpg"), 8, 8);
        jpeg(dir.resolve("images/val/b.jpg"), 8, 8);
        jpeg(dir.resolve("images/c.jpg"), 8, 8);
        write(dir.resolve("annotations.xml"), """
                <?xml version="1.0" encoding="utf-8"?>
                <annotations>
                  <version>1.1</version>
                  <meta>
                    <project>
                      <id>1</id>
                      <tasks>
                        <task><id>11</id><subset>train</subset>
                          <labels><label><name>cat</name></label><label><name>dog</name></label></labels>
                          <segments><segment><id>99</id></segment></segments>
                        </task>
                        <task><id>12</id><subset>val</subset>
                          <labels><label><name>dog</name></label><label><name>bird</name>
                            <attributes><attribute><name>colour</name></attribute></attributes></label></labels>
                        </task>
                        <task><id>13</id><subset>default</subset></task>
                      </tasks>
                    </project>
                  </meta>
                  <image id="0" name="a.jpg" task_id="11" width="8" height="8"><tag label="cat"/></image>
                  <image id="1" name="b.jpg" task_id="12" width="8" height="8"><tag label="bird"/></image>
                  <image id="2" name="c.jpg" task_id="13" width="8" height="8"><tag label="dog"/></image>
                </annotations>
                """);

        CollectingSink sink = load(dir);

        assertEquals(List.of(new ClassLabel(0, "cat"), new ClassLabel(1, "dog"), new ClassLabel(2, "bird")),
                sink.classes());
        Map<String, String> splits = splits(sink);
        assertEquals("train", splits.get("images/train/a.jpg"));
        assertEquals("val", splits.get("images/val/b.jpg"));
        // CVAT's "default" subset is no subset
        assertNull(splits.get("images/c.jpg"));
        assertEquals(3, splits.size());
        assertEquals(List.of(0, 2, 1), sink.annotations().stream().map(Annotation::classId).toList());
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void readsDatumaroFilePerSubsetWithSharedImagesFolder() throws IOException {
        jpeg(dir.resolve("images/1.jpg"), 8, 8);
        jpeg(dir.resolve("images/2.jpg"), 8, 8);
        write(dir.resolve("s1.xml"), cvat(labels("a", "b"), "<image id=\"0\" name=\"1.jpg\"><tag label=\"b\"/></image>"));
        write(dir.resolve("s2.xml"), cvat(labels("a", "b"), "<image id=\"0\" name=\"2.jpg\"><tag label=\"a\"/></image>"));

        CollectingSink sink = load(dir);

        assertEquals(Map.of("images/1.jpg", "s1", "images/2.jpg", "s2"), splits(sink));
        assertEquals(List.of(new ClassLabel(0, "a"), new ClassLabel(1, "b")), sink.classes());
        assertEquals(2, sink.annotations().size());
    }

    @Test
    void resolvesImageNamesWithSubFoldersSpacesAndNonAsciiCharacters() throws IOException {
        jpeg(dir.resolve("job/images/Straße/café 1.jpg"), 8, 8);
        png(dir.resolve("job/frames/夜/b.png"), 8, 8);
        write(dir.resolve("job/annotations.xml"), cvat(labels("x"), """
                <image id="0" name="Straße/café 1.jpg" width="8" height="8"><tag label="x"/></image>
                <image id="1" name="frames\\夜\\b.png" width="8" height="8"><tag label="x"/></image>"""));

        CollectingSink sink = load(dir);

        assertEquals(List.of("job/images/Straße/café 1.jpg", "job/frames/夜/b.png"),
                sink.annotations().stream().map(Annotation::imagePath).toList());
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void declaresMissingImageUnderTheImagesFolderSoTheIndexerReportsIt() throws IOException {
        jpeg(dir.resolve("images/there.jpg"), 8, 8);
        jpeg(dir.resolve("images/unlisted.jpg"), 8, 8);
        write(dir.resolve("annotations.xml"), cvat(labels("x"), """
                <image id="0" name="there.jpg" width="8" height="8"/>
                <image id="1" name="gone.jpg" width="20" height="10"><box label="x" xtl="1" ytl="1" xbr="2" ybr="2"/></image>"""));

        CollectingSink sink = load(dir);

        assertEquals(new ImageRef("images/gone.jpg", null, 20, 10), image(sink, "images/gone.jpg"));
        assertEquals("images/gone.jpg", only(sink.annotations()).imagePath());
        // every image file of images/ is declared, listed or not
        assertEquals(ImageRef.of("images/unlisted.jpg", null), image(sink, "images/unlisted.jpg"));
        assertEquals(3, sink.images().size());
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void reportsLabelNotInMetaAndSkipsTheShape() throws IOException {
        jpeg(dir.resolve("images/a.jpg"), 8, 8);
        write(dir.resolve("annotations.xml"), """
                <annotations>
                  <version>1.1</version>
                  <meta><task><labels><label><name>cat</name></label></labels></task></meta>
                  <image id="0" name="a.jpg">
                    <box label="cat" xtl="1" ytl="1" xbr="2" ybr="2"/>
                    <box label="unicorn" xtl="1" ytl="1" xbr="2" ybr="2"/>
                  </image>
                </annotations>
                """);

        CollectingSink sink = load(dir);

        assertEquals(List.of(new ClassLabel(0, "cat")), sink.classes());
        assertEquals(0, only(sink.annotations()).classId());
        Problem p = only(sink.problems());
        assertEquals(ProblemKind.UNKNOWN_CLASS, p.kind());
        assertEquals("annotations.xml", p.path());
        assertEquals("line 6", p.location());
        assertTrue(p.message().contains("'unicorn'"), p.message());
    }

    @Test
    void sortsShapeLabelsWhenNoMetaDeclaresAny() throws IOException {
        jpeg(dir.resolve("a.jpg"), 8, 8);
        write(dir.resolve("annotations.xml"), """
                <annotations>
                  <image id="0" name="a.jpg"><tag label="zebra"/><tag label="ant"/><tag label="zebra"/></image>
                </annotations>
                """);

        CollectingSink sink = load(dir);

        assertEquals(List.of(new ClassLabel(0, "ant"), new ClassLabel(1, "zebra")), sink.classes());
        assertEquals(List.of(1, 0, 1), sink.annotations().stream().map(Annotation::classId).toList());
        assertEquals("a.jpg", sink.annotations().get(0).imagePath());
    }

    @Test
    void reportsBadCoordinatesWithTheirLineAndKeepsTheOtherShapes() throws IOException {
        write(dir.resolve("annotations.xml"), cvat(labels("x"), """
                <image id="0" name="a.jpg" width="wide" height="8">
                  <box label="x" xtl="1" ytl="one" xbr="2" ybr="2"/>
                  <box label="x" xtl="1" ytl="1" xbr="2"/>
                  <polygon label="x" points="1,2;3"/>
                  <box label="x" xtl="1" ytl="1" xbr="2" ybr="2"/>
                  <circle label="x"/>
                  <circle label="x"/>
                </image>"""));

        CollectingSink sink = load(dir);

        assertEquals(1, sink.annotations().size());
        assertEquals(new ImageRef("a.jpg", null, 0, 8), only(sink.images()));
        Map<String, String> byLocation = new TreeMap<>();
        for (Problem p : sink.problems()) {
            byLocation.merge(p.location(), p.kind() + ": " + p.message(), (a, b) -> a + " | " + b);
        }
        // cvat() puts the first <image> on line 4
        assertTrue(byLocation.get("line 4").contains("width='wide'"), byLocation.toString());
        assertTrue(byLocation.get("line 5").contains("ytl='one' is not a number"), byLocation.toString());
        assertTrue(byLocation.get("line 6").contains("ybr is missing"), byLocation.toString());
        assertTrue(byLocation.get("line 7").contains("'3'"), byLocation.toString());
        assertTrue(byLocation.get("line 9").startsWith("OTHER: 2 <circle> elements"), byLocation.toString());
        assertEquals(5, sink.problems().size());
    }

    @Test
    void reportsMalformedXmlWithItsLineAndKeepsTheImagesBefore() throws IOException {
        jpeg(dir.resolve("images/a.jpg"), 8, 8);
        write(dir.resolve("annotations.xml"), """
                <?xml version="1.0" encoding="utf-8"?>
                <annotations>
                  <version>1.1</version>
                  <meta><task><labels><label><name>x</name></label></labels></task></meta>
                  <image id="0" name="a.jpg"><box label="x" xtl="1" ytl="1" xbr="2" ybr="2"/></image>
                  <image id="1" name="b.jpg">
                    <box label="x" xtl="1" ytl="1" xbr="2" ybr="2">
                  </image>
                </annotations>
                """);

        CollectingSink sink = load(dir);

        assertEquals(1, sink.annotations().size());
        assertEquals("images/a.jpg", sink.annotations().get(0).imagePath());
        Problem p = only(sink.problems());
        assertEquals(ProblemKind.MALFORMED_ANNOTATION, p.kind());
        assertEquals("line 8", p.location());
        assertTrue(p.message().startsWith("not well-formed XML"), p.message());
        assertTrue(p.message().contains("the 1 images before it were read"), p.message());
    }

    @Test
    void neverResolvesAnExternalEntityAndReportsTheDoctype() throws IOException {
        Path secret = dir.resolve("secret.txt");
        write(secret, "TOP-SECRET");
        Path root = dir.resolve("dataset");
        jpeg(root.resolve("images/a.jpg"), 8, 8);
        String xml = """
                <?xml version="1.0" encoding="utf-8"?>
                <!DOCTYPE annotations [<!ENTITY xxe SYSTEM "%s">]>
                <annotations>
                  <version>1.1</version>
                  <meta><task><labels><label><name>x</name></label></labels></task></meta>
                  <image id="0" name="a.jpg"><tag label="x"/></image>
                  <image id="1" name="b.jpg"><tag label="x"><attribute name="leak">&xxe;</attribute></tag></image>
                </annotations>
                """.formatted(secret.toUri());
        write(root.resolve("annotations.xml"), xml);

        DatasetLoader.Result result = DatasetLoader.load(root, new CvatFormat());
        CollectingSink sink = result.sink();

        for (Annotation a : sink.annotations()) {
            assertFalse(a.attributes().containsValue("TOP-SECRET"));
        }
        assertEquals(1, sink.annotations().size());
        List<Problem> problems = sink.problems();
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.kind() == ProblemKind.OTHER
                && p.message().contains("<!DOCTYPE>")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.kind() == ProblemKind.MALFORMED_ANNOTATION
                && p.location().equals("line 7") && p.message().contains("xxe")), problems.toString());
    }

    @Test
    void flagsImageNameEscapingTheDatasetRoot() throws IOException {
        write(dir.resolve("annotations.xml"), cvat(labels("x"), """
                <image id="0" name="../../outside.jpg"><tag label="x"/></image>
                <image id="1" name="/etc/passwd"><tag label="x"/></image>"""));

        CollectingSink sink = load(dir);

        assertEquals(List.of(), sink.images());
        assertEquals(List.of(), sink.annotations());
        assertEquals(List.of(ProblemKind.PATH_ESCAPES_ROOT, ProblemKind.PATH_ESCAPES_ROOT),
                sink.problems().stream().map(Problem::kind).toList());
    }

    @Test
    void unitKeyChangesWhenTheClassListOrTheImageFilesChange() throws IOException {
        jpeg(dir.resolve("a/images/1.jpg"), 8, 8);
        write(dir.resolve("a/annotations.xml"), cvat(labels("x"), "<image id=\"0\" name=\"1.jpg\"/>"));
        write(dir.resolve("b/annotations.xml"), cvat(labels("x"), "<image id=\"0\" name=\"1.jpg\"/>"));

        List<Unit> before = DatasetLoader.load(dir, new CvatFormat()).units();
        assertEquals(2, before.size());
        assertEquals(List.of("a/annotations.xml"), before.get(0).files());
        assertTrue(before.get(0).key().startsWith("a/annotations.xml#"), before.get(0).key());

        // b's file gains a label: a's ids do not change, but its key must, since ids come from all files
        write(dir.resolve("b/annotations.xml"), cvat(labels("w", "x"), "<image id=\"0\" name=\"1.jpg\"/>"));
        List<Unit> relabelled = DatasetLoader.load(dir, new CvatFormat()).units();
        assertNotEquals(before.get(0).key(), relabelled.get(0).key());

        // an image appears where b's file looks for 1.jpg
        jpeg(dir.resolve("b/images/1.jpg"), 8, 8);
        List<Unit> moved = DatasetLoader.load(dir, new CvatFormat()).units();
        assertEquals(relabelled.get(0).key(), moved.get(0).key());
        assertNotEquals(relabelled.get(1).key(), moved.get(1).key());
    }

    @Test
    void probeRejectsVocAndLabelMeXmlAndFindsCvatAmongThem() throws IOException {
        for (int i = 0; i < 5; i++) {
            write(dir.resolve("Annotations/" + i + ".xml"), "<annotation><filename>" + i
                    + ".jpg</filename><size><width>8</width></size><object><name>x</name>"
                    + "<bndbox><xmin>1</xmin></bndbox></object></annotation>");
        }
        write(dir.resolve("labelme.xml"), "<annotation><filename>a.jpg</filename><object><polygon/></object></annotation>");
        CvatFormat cvat = new CvatFormat();
        assertFalse(probe(cvat, dir).matches());

        write(dir.resolve("export/annotations.xml"), cvat(labels("x"), ""));
        Support s = probe(cvat, dir);
        assertEquals(0.95, s.confidence(), EPS);
        assertTrue(s.reason().startsWith("export/annotations.xml"), s.reason());
    }

    @Test
    void reportsWhenNoXmlFileIsCvat() throws IOException {
        write(dir.resolve("a.xml"), "<annotation><filename>a.jpg</filename></annotation>");
        write(dir.resolve("broken.xml"), "this is not xml");

        CollectingSink sink = load(dir);

        assertEquals(List.of(), sink.images());
        List<Problem> problems = sink.problems();
        assertEquals(2, problems.size(), problems.toString());
        assertEquals("broken.xml", problems.get(0).path());
        assertEquals(ProblemKind.MALFORMED_ANNOTATION, problems.get(0).kind());
        assertEquals("", problems.get(1).path());
    }

    // ------------------------------------------------------------------ helpers

    private static CollectingSink load(Path root) throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(root), root + " not present");
        return DatasetLoader.load(root, new CvatFormat()).sink();
    }

    private static Support probe(DatasetFormat format, Path root) throws IOException {
        Path absolute = root.toAbsolutePath().normalize();
        return format.probe(DatasetLoader.list(absolute), absolute);
    }

    /** A CVAT 1.1 file whose first {@code <image>} of {@code images} starts on line 4. */
    private static String cvat(String labels, String images) {
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<annotations><version>1.1</version>\n"
                + "<meta><task><labels>" + labels + "</labels></task></meta>\n" + images + "\n</annotations>\n";
    }

    private static String labels(String... names) {
        return Stream.of(names).map(n -> "<label><name>" + n + "</name><attributes/></label>")
                .collect(Collectors.joining());
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static void jpeg(Path file, int w, int h) throws IOException {
        image(file, w, h, "jpg");
    }

    private static void png(Path file, int w, int h) throws IOException {
        image(file, w, h, "png");
    }

    private static void image(Path file, int w, int h, String format) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        assertTrue(ImageIO.write(img, format, file.toFile()));
    }

    private static ImageRef image(CollectingSink sink, String path) {
        return sink.images().stream().filter(i -> i.path().equals(path)).findFirst().orElseThrow(
                () -> new AssertionError(path + " not declared; got " + sink.images()));
    }

    private static Map<String, String> splits(CollectingSink sink) {
        Map<String, String> result = new TreeMap<>();
        for (ImageRef i : sink.images()) {
            result.put(i.path(), i.split());
        }
        return result;
    }

    private static List<Annotation> annotationsOf(CollectingSink sink, String image) {
        return sink.annotations().stream().filter(a -> a.imagePath().equals(image)).toList();
    }

    private static <T> T only(List<T> list) {
        assertEquals(1, list.size(), list.toString());
        return list.get(0);
    }

    private static void assertBox(BoundingBox expected, BoundingBox actual) {
        assertEquals(expected.x(), actual.x(), EPS, "x of " + actual);
        assertEquals(expected.y(), actual.y(), EPS, "y of " + actual);
        assertEquals(expected.width(), actual.width(), EPS, "width of " + actual);
        assertEquals(expected.height(), actual.height(), EPS, "height of " + actual);
    }
}
