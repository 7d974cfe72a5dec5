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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageRef;
import loupe.core.model.Problem;
import loupe.core.model.ProblemKind;

class VocFormatTest {

    private static final Path SAMPLES = Path.of("..", "shared", "datasets");
    private static final double EPS = 1e-9;

    @TempDir
    Path dir;

    // ------------------------------------------------------------------ shared samples

    @Test
    void readsRaccoonWithAnnotationsFolderNextToImagesFolder() throws IOException {
        Path root = sample("raccoon");
        CollectingSink sink = DatasetLoader.load(root, new VocFormat()).sink();

        // 200 images in images/, 200 XML files, 217 <object>s all named "raccoon": counted with
        // python3 xml.etree over voc_annotations/*.xml (and `ls images | wc -l`).
        assertEquals(200, sink.images().size());
        assertEquals(217, sink.annotations().size());
        assertEquals(List.of(new ClassLabel(0, "raccoon")), sink.classes());
        assertEquals(List.of(), sink.problems());
        assertTrue(sink.images().stream().allMatch(i -> i.path().startsWith("images/") && i.split() == null));
        // raccoon-1.xml: <size> 650x417, the only object at xmin 81 ymin 88 xmax 522 ymax 408, truncated 0,
        // and <path>/Users/datitran/Desktop/raccoon/images/raccoon-1.jpg</path>, which must not be used.
        assertEquals(new ImageRef("images/raccoon-1.jpg", null, 650, 417), image(sink, "images/raccoon-1.jpg"));
        Annotation a = only(annotationsOf(sink, "images/raccoon-1.jpg"));
        assertBox(new BoundingBox(80, 87, 442, 321), a.box());
        assertEquals("0", a.attributes().get("truncated"));
        assertEquals("Unspecified", a.attributes().get("pose"));
    }

    @Test
    void readsDevkitSplitsAndTakesClassOrderFromPerClassLists() throws IOException {
        Path root = sample("datumaro", "voc", "voc_dataset1");
        CollectingSink sink = DatasetLoader.load(root, new VocFormat()).sink();

        // ImageSets/Main/train.txt lists 2007_000001, test.txt lists 2007_000002; both are in JPEGImages/.
        assertEquals(Map.of("JPEGImages/2007_000001.jpg", "train", "JPEGImages/2007_000002.jpg", "test"),
                splits(sink));
        assertEquals(new ImageRef("JPEGImages/2007_000001.jpg", "train", 20, 10),
                image(sink, "JPEGImages/2007_000001.jpg"));
        // 22 per-class lists <class>_train.txt (ls ImageSets/Main | grep _train): aeroplane ... tvmonitor plus
        // background and ignored; sorted, cat is the 9th and person the 17th.
        assertEquals(22, sink.classes().size());
        assertEquals(new ClassLabel(8, "cat"), sink.classes().get(8));
        assertEquals(new ClassLabel(16, "person"), sink.classes().get(16));
        // Two objects; the person's <part> (head, with its own bndbox) is not an object.
        List<Annotation> anns = annotationsOf(sink, "JPEGImages/2007_000001.jpg");
        assertEquals(2, anns.size());
        Annotation cat = anns.get(0);
        assertEquals(8, cat.classId());
        assertBox(new BoundingBox(0, 1, 3, 3), cat.box());     // 1,2,3,4 in 1-based inclusive corners
        assertEquals(Map.of("pose", "Unspecified", "truncated", "1", "difficult", "0"), cat.attributes());
        Annotation person = anns.get(1);
        assertEquals(16, person.classId());
        assertBox(new BoundingBox(3, 4, 3, 3), person.box());
        assertEquals("1", person.attributes().get("action.phoning"));
        assertEquals("0", person.attributes().get("action.jumping"));
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void takesClassIdsFromLabelmapAndDeclaresListedImagesThatAreMissing() throws IOException {
        Path root = sample("datumaro", "voc", "voc_dataset2");
        CollectingSink sink = DatasetLoader.load(root, new VocFormat()).sink();

        // labelmap.txt: 22 labels, background first, then aeroplane, bicycle, bird, ...
        assertEquals(22, sink.classes().size());
        assertEquals(List.of(new ClassLabel(0, "background"), new ClassLabel(1, "aeroplane"),
                new ClassLabel(2, "bicycle"), new ClassLabel(3, "bird")), sink.classes().subList(0, 4));
        // trainval.txt lists @, a, b, c, d; there is no JPEGImages/ folder at all.
        assertEquals(Set.of("JPEGImages/@.jpg", "JPEGImages/a.jpg", "JPEGImages/b.jpg", "JPEGImages/c.jpg",
                "JPEGImages/d.jpg"), splits(sink).keySet());
        assertTrue(sink.images().stream().allMatch(i -> "trainval".equals(i.split())));
        // a.xml background 1,2,4,6; b aeroplane; c bicycle; d bird; @.xml has no object.
        assertEquals(4, sink.annotations().size());
        Annotation a = only(annotationsOf(sink, "JPEGImages/a.jpg"));
        assertEquals(0, a.classId());
        assertBox(new BoundingBox(0, 1, 4, 5), a.box());
        assertEquals("1", a.attributes().get("occluded"));
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void skipsBlankAndCommentLinesInSplitListsAndSortsScannedNames() throws IOException {
        Path root = sample("datumaro", "voc", "voc_dataset3");
        CollectingSink sink = DatasetLoader.load(root, new VocFormat()).sink();

        // train.txt: an empty line, "# a comment", 2007_000001. No class list: the one name found is "cat".
        assertEquals(List.of(new ImageRef("JPEGImages/2007_000001.jpg", "train", 20, 10)), sink.images());
        assertEquals(List.of(new ClassLabel(0, "cat")), sink.classes());
        assertEquals(1, sink.annotations().size());
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void readsLabelmeExportWithFloatCornersAndItsClassNamesFile() throws IOException {
        Path root = sample("labelme", "bbox_detection", "data_dataset_voc");
        CollectingSink sink = DatasetLoader.load(root, new VocFormat()).sink();

        // class_names.txt: 21 lines, _background_ first, person the 16th line.
        assertEquals(21, sink.classes().size());
        assertEquals(new ClassLabel(0, "_background_"), sink.classes().get(0));
        assertEquals(new ClassLabel(15, "person"), sink.classes().get(15));
        // 3 images in JPEGImages/, 9 objects in Annotations/*.xml (person 6, bus 2, car 1), python3 xml.etree.
        assertEquals(3, sink.images().size());
        assertEquals(9, sink.annotations().size());
        // 2011_000003.xml, first object: 191.0, 107.36900369003689, 313.0, 329.36900369003695
        Annotation first = annotationsOf(sink, "JPEGImages/2011_000003.jpg").get(0);
        assertBox(new BoundingBox(190, 106.36900369003689, 123, 223), first.box());
        assertTrue(first.attributes().isEmpty(), "empty <pose/> etc. are not attributes");
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void findsImagesInSiblingFolderOrNextToTheXml() throws IOException {
        Path relaxed = sample("datumaro", "kaggle_relaxed");
        CollectingSink sibling = DatasetLoader.load(relaxed.resolve("relaxed_voc1"), new VocFormat()).sink();
        // annotations/2007_000001.xml (cat, person) + images/2007_000001.jpg and images/2007_000002.jpg
        assertEquals(Set.of("images/2007_000001.jpg", "images/2007_000002.jpg"), splits(sibling).keySet());
        assertEquals(2, annotationsOf(sibling, "images/2007_000001.jpg").size());
        assertEquals(List.of(new ClassLabel(0, "cat"), new ClassLabel(1, "person")), sibling.classes());

        CollectingSink flat = DatasetLoader.load(relaxed.resolve("relaxed_voc2"), new VocFormat()).sink();
        assertEquals(Set.of("2007_000001.jpg", "2007_000002.jpg"), splits(flat).keySet());
        assertEquals(2, annotationsOf(flat, "2007_000001.jpg").size());
    }

    @Test
    void probeRecognisesVocSamplesAndRejectsOtherFormats() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(SAMPLES));
        VocFormat voc = new VocFormat();
        assertEquals(0.85, probe(voc, SAMPLES.resolve("raccoon")).confidence(), EPS);
        assertEquals(0.95, probe(voc, SAMPLES.resolve("datumaro/voc/voc_dataset1")).confidence(), EPS);
        assertEquals(0.95, probe(voc, SAMPLES.resolve("datumaro/voc/voc_dataset2")).confidence(), EPS);
        for (String other : List.of("datumaro/cvat_xml/for_images/export_project", "datumaro/labelme_xml_mit",
                "datumaro/imagenet_folders/flat", "datumaro/coco/coco_instances", "datumaro/yolo_darknet",
                "label-studio-converter", "sahi")) {
            Path root = SAMPLES.resolve(other);
            if (Files.isDirectory(root)) {
                Support s = probe(voc, root);
                assertFalse(s.matches(), other + ": " + s);
            }
        }
    }

    // ------------------------------------------------------------------ generated fixtures

    @Test
    void readsDevkitLayoutWithSplitListsAndIgnoresPerClassLists() throws IOException {
        Path d = dir.resolve("VOC2012");
        jpeg(d.resolve("JPEGImages/a.jpg"), 40, 30);
        jpeg(d.resolve("JPEGImages/b.jpg"), 40, 30);
        jpeg(d.resolve("JPEGImages/c.jpg"), 40, 30);
        jpeg(d.resolve("JPEGImages/u.jpg"), 40, 30);
        write(d.resolve("ImageSets/Main/train.txt"), "a\n");
        write(d.resolve("ImageSets/Main/val.txt"), "b\n");
        write(d.resolve("ImageSets/Main/trainval.txt"), "a\nb\nc\nmissing\n");
        write(d.resolve("ImageSets/Main/dog_train.txt"), "a -1\n");
        write(d.resolve("ImageSets/Main/dog_val.txt"), "b  1\n");
        write(d.resolve("Annotations/a.xml"), voc("a.jpg", 40, 30, object("dog", "1", "2", "10", "20")));
        write(d.resolve("Annotations/b.xml"), voc("b.jpg", 40, 30, object("dog", "5", "5", "6", "6")));

        CollectingSink sink = DatasetLoader.load(dir, new VocFormat()).sink();

        Map<String, String> splits = splits(sink);
        assertEquals("train", splits.get("VOC2012/JPEGImages/a.jpg"));
        assertEquals("val", splits.get("VOC2012/JPEGImages/b.jpg"));
        assertEquals("trainval", splits.get("VOC2012/JPEGImages/c.jpg"));
        assertNull(splits.get("VOC2012/JPEGImages/u.jpg"));
        assertEquals("trainval", splits.get("VOC2012/JPEGImages/missing.jpg"));
        assertEquals(5, splits.size());
        assertFalse(splits.containsValue("dog_train"));
        assertEquals(List.of(new ClassLabel(0, "dog")), sink.classes());
        assertBox(new BoundingBox(0, 1, 10, 19), only(annotationsOf(sink, "VOC2012/JPEGImages/a.jpg")).box());
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void reportsImageListedInTwoSplits() throws IOException {
        jpeg(dir.resolve("JPEGImages/a.jpg"), 8, 8);
        write(dir.resolve("ImageSets/Main/train.txt"), "a\n");
        write(dir.resolve("ImageSets/Main/val.txt"), "a\n");
        write(dir.resolve("Annotations/a.xml"), voc("a.jpg", 8, 8));

        CollectingSink sink = DatasetLoader.load(dir, new VocFormat()).sink();

        assertEquals("train", splits(sink).get("JPEGImages/a.jpg"));
        Problem p = only(sink.problems());
        assertEquals("ImageSets/Main/val.txt", p.path());
        assertEquals("line 1", p.location());
    }

    @Test
    void readsFlatFolderIgnoringForeignAbsolutePath() throws IOException {
        jpeg(dir.resolve("shots/a.jpg"), 64, 48);
        jpeg(dir.resolve("shots/b.jpg"), 64, 48);
        write(dir.resolve("shots/a.xml"), """
                <annotation>
                  <folder>shots</folder>
                  <filename>a.jpg</filename>
                  <path>C:\\Users\\someone\\Desktop\\shots\\a.jpg</path>
                  <size><width>64</width><height>48</height><depth>3</depth></size>
                  <object><name>cat</name><pose>Unspecified</pose><truncated>1</truncated><difficult>1</difficult>
                    <bndbox><xmin>1</xmin><ymin>1</ymin><xmax>64</xmax><ymax>48</ymax></bndbox></object>
                </annotation>""");

        CollectingSink sink = DatasetLoader.load(dir, new VocFormat()).sink();

        assertEquals(List.of(new ImageRef("shots/a.jpg", null, 64, 48), ImageRef.of("shots/b.jpg", null)),
                sink.images());
        Annotation a = only(sink.annotations());
        assertEquals("shots/a.jpg", a.imagePath());
        // 1..64 inclusive, 1-based: the whole 64-pixel-wide image
        assertBox(new BoundingBox(0, 0, 64, 48), a.box());
        assertEquals(Map.of("pose", "Unspecified", "truncated", "1", "difficult", "1"), a.attributes());
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void takesSplitOfFlatLayoutFromSplitFolders() throws IOException {
        for (String split : List.of("train", "valid")) {
            jpeg(dir.resolve(split + "/x.jpg"), 8, 8);
            write(dir.resolve(split + "/x.xml"), voc("x.jpg", 8, 8, object("cat", "1", "1", "2", "2")));
        }
        CollectingSink sink = DatasetLoader.load(dir, new VocFormat()).sink();
        assertEquals(Map.of("train/x.jpg", "train", "valid/x.jpg", "valid"), splits(sink));
        assertEquals(2, sink.annotations().size());
    }

    @Test
    void keepsFloatCornersAsFloats() throws IOException {
        jpeg(dir.resolve("a.jpg"), 100, 100);
        write(dir.resolve("a.xml"), voc("a.jpg", 100, 100, object("cat", "10.5", "20.25", "30.5", "40.75"),
                object("cat", "1e1", " 2 ", "3.0", "4")));

        CollectingSink sink = DatasetLoader.load(dir, new VocFormat()).sink();

        List<Annotation> anns = sink.annotations();
        assertBox(new BoundingBox(9.5, 19.25, 21, 21.5), anns.get(0).box());
        assertBox(new BoundingBox(9, 1, -6, 3), anns.get(1).box());   // xmax < xmin kept as read
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void neverResolvesExternalEntities() throws IOException {
        Path secret = dir.resolve("outside/secret.txt");
        write(secret, "TOP-SECRET-CONTENT");
        Path root = dir.resolve("ds");
        jpeg(root.resolve("a.jpg"), 8, 8);
        jpeg(root.resolve("b.jpg"), 8, 8);
        write(root.resolve("a.xml"), "<?xml version=\"1.0\"?>\n"
                + "<!DOCTYPE annotation [ <!ENTITY xxe SYSTEM \"" + secret.toUri() + "\"> ]>\n"
                + "<annotation><filename>a.jpg</filename>\n"
                + "<object><name>&xxe;</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax>"
                + "</bndbox></object></annotation>");
        write(root.resolve("b.xml"), voc("b.jpg", 8, 8, object("cat", "1", "1", "2", "2")));

        CollectingSink sink = DatasetLoader.load(root, new VocFormat()).sink();

        String everything = sink.classes() + " " + sink.annotations() + " " + sink.problems() + " " + sink.images();
        assertFalse(everything.contains("TOP-SECRET"), everything);
        assertEquals(List.of(new ClassLabel(0, "cat")), sink.classes());
        Problem p = only(sink.problems());
        assertEquals(ProblemKind.MALFORMED_ANNOTATION, p.kind());
        assertEquals("a.xml", p.path());
        assertEquals("line 4", p.location());
        assertEquals(1, sink.annotations().size(), "b.xml is still read");
    }

    @Test
    void readsFileWithHarmlessDoctype() throws IOException {
        jpeg(dir.resolve("a.jpg"), 8, 8);
        write(dir.resolve("a.xml"), "<?xml version=\"1.0\"?>\n"
                + "<!DOCTYPE annotation SYSTEM \"http://invalid.example/voc.dtd\">\n"
                + voc("a.jpg", 8, 8, object("cat", "1", "1", "2", "2")));

        CollectingSink sink = DatasetLoader.load(dir, new VocFormat()).sink();

        assertEquals(1, sink.annotations().size());
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void reportsMalformedXmlWithLineAndKeepsEarlierObjects() throws IOException {
        jpeg(dir.resolve("a.jpg"), 8, 8);
        jpeg(dir.resolve("b.jpg"), 8, 8);
        write(dir.resolve("a.xml"), "<annotation>\n<filename>a.jpg</filename>\n"
                + object("cat", "1", "1", "2", "2") + "\n<object><name>dog</name>\n<bndbox><xmin>1</xmin>\n");
        write(dir.resolve("b.xml"), "not xml at all");

        CollectingSink sink = DatasetLoader.load(dir, new VocFormat()).sink();

        assertEquals(2, sink.problems().size());
        Problem a = sink.problems().stream().filter(p -> p.path().equals("a.xml")).findFirst().orElseThrow();
        assertEquals(ProblemKind.MALFORMED_ANNOTATION, a.kind());
        assertTrue(a.location().startsWith("line "), a.location());
        Problem b = sink.problems().stream().filter(p -> p.path().equals("b.xml")).findFirst().orElseThrow();
        assertEquals(ProblemKind.MALFORMED_ANNOTATION, b.kind());
        assertEquals("line 1", b.location());
        assertEquals(1, sink.annotations().size());
        assertEquals("a.jpg", sink.annotations().get(0).imagePath());
    }

    @Test
    void reportsObjectWithoutBoxOrWithBadCoordinatesAndGoesOn() throws IOException {
        jpeg(dir.resolve("a.jpg"), 8, 8);
        write(dir.resolve("a.xml"), "<annotation>\n<filename>a.jpg</filename>\n"
                + "<object><name>cat</name></object>\n"
                + object("cat", "one", "1", "2", "") + "\n"
                + "<object><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object>\n"
                + object("cat", "1", "1", "NaN", "2") + "\n"
                + object("cat", "1", "1", "2", "2") + "\n</annotation>");

        CollectingSink sink = DatasetLoader.load(dir, new VocFormat()).sink();

        assertEquals(1, sink.annotations().size());
        List<Problem> problems = sink.problems();
        assertEquals(List.of("line 3", "line 4", "line 5", "line 6"),
                problems.stream().map(Problem::location).toList());
        assertTrue(problems.stream().allMatch(p -> p.kind() == ProblemKind.MALFORMED_ANNOTATION));
        assertTrue(problems.get(0).message().contains("<bndbox>"), problems.get(0).message());
        assertTrue(problems.get(1).message().contains("<xmin> is 'one'"), problems.get(1).message());
        assertTrue(problems.get(1).message().contains("<ymax> is missing"), problems.get(1).message());
        assertTrue(problems.get(2).message().contains("<name>"), problems.get(2).message());
        assertTrue(problems.get(3).message().contains("'NaN'"), problems.get(3).message());
    }

    @Test
    void readsNonAsciiAndSpacedNames() throws IOException {
        jpeg(dir.resolve("фото 1/臉書 貓.jpg"), 8, 8);
        write(dir.resolve("фото 1/臉書 貓.xml"), voc("臉書 貓.jpg", 8, 8,
                object("貓 cat", "1", "1", "8", "8"), object("Bär", "2", "2", "3", "3")));

        CollectingSink sink = DatasetLoader.load(dir, new VocFormat()).sink();

        assertEquals(List.of(new ClassLabel(0, "Bär"), new ClassLabel(1, "貓 cat")), sink.classes());
        assertEquals(List.of(new ImageRef("фото 1/臉書 貓.jpg", null, 8, 8)), sink.images());
        assertEquals(List.of(1, 0), sink.annotations().stream().map(Annotation::classId).toList());
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void fallsBackToImageNamedLikeTheXmlWhenFilenameIsStaleOrHasNoExtension() throws IOException {
        jpeg(dir.resolve("cat1.jpg"), 8, 8);
        png(dir.resolve("cat2.png"), 8, 8);
        write(dir.resolve("cat1.xml"), voc("IMG_0001.JPG", 8, 8, object("cat", "1", "1", "2", "2")));
        write(dir.resolve("cat2.xml"), voc("cat2", 8, 8, object("cat", "1", "1", "2", "2")));
        write(dir.resolve("cat3.xml"), voc("elsewhere.jpg", 8, 8, object("cat", "1", "1", "2", "2")));

        CollectingSink sink = DatasetLoader.load(dir, new VocFormat()).sink();

        assertEquals(List.of("cat1.jpg", "cat2.png", "elsewhere.jpg"),
                sink.annotations().stream().map(Annotation::imagePath).sorted().toList());
        Problem stale = only(sink.problems());
        assertEquals("cat1.xml", stale.path());
        assertTrue(stale.message().contains("IMG_0001.JPG"), stale.message());
    }

    @Test
    void flagsFilenameThatEscapesTheDatasetRoot() throws IOException {
        jpeg(dir.resolve("ds/a.jpg"), 8, 8);
        write(dir.resolve("ds/a.xml"), voc("../../etc/passwd", 8, 8, object("cat", "1", "1", "2", "2")));

        CollectingSink sink = DatasetLoader.load(dir.resolve("ds"), new VocFormat()).sink();

        Problem p = only(sink.problems());
        assertEquals(ProblemKind.PATH_ESCAPES_ROOT, p.kind());
        assertEquals("a.xml", p.path());
        assertEquals(List.of(), sink.annotations());
    }

    @Test
    void reportsClassMissingFromLabelmap() throws IOException {
        write(dir.resolve("labelmap.txt"), "# label:color_rgb:parts:actions\nbackground:0,0,0::\ncat:1,2,3::\n");
        jpeg(dir.resolve("JPEGImages/a.jpg"), 8, 8);
        write(dir.resolve("ImageSets/Main/train.txt"), "a");   // no trailing newline
        write(dir.resolve("Annotations/a.xml"), voc("a.jpg", 8, 8, object("cat", "1", "1", "2", "2"),
                object("zebra", "1", "1", "2", "2")));

        CollectingSink sink = DatasetLoader.load(dir, new VocFormat()).sink();

        assertEquals(List.of(new ClassLabel(0, "background"), new ClassLabel(1, "cat")), sink.classes());
        assertEquals(1, only(sink.annotations()).classId());
        Problem p = only(sink.problems());
        assertEquals(ProblemKind.UNKNOWN_CLASS, p.kind());
        assertTrue(p.message().contains("zebra") && p.message().contains("labelmap.txt"), p.message());
    }

    @Test
    void reportsNonVocXmlInFlatFolder() throws IOException {
        jpeg(dir.resolve("a.jpg"), 8, 8);
        write(dir.resolve("a.xml"), voc("a.jpg", 8, 8, object("cat", "1", "1", "2", "2")));
        write(dir.resolve("settings.xml"), "<settings><x>1</x></settings>");

        CollectingSink sink = DatasetLoader.load(dir, new VocFormat()).sink();

        assertEquals(1, sink.annotations().size());
        Problem p = only(sink.problems());
        assertEquals(ProblemKind.OTHER, p.kind());
        assertEquals("settings.xml", p.path());
    }

    @Test
    void unitDependsOnItsXmlAndImageAndItsKeyChangesWithTheClassList() throws IOException {
        jpeg(dir.resolve("a.jpg"), 8, 8);
        write(dir.resolve("a.xml"), voc("a.jpg", 8, 8, object("cat", "1", "1", "2", "2")));
        DatasetLoader.Result first = DatasetLoader.load(dir, new VocFormat());
        Unit a = only(first.units());
        assertEquals(List.of("a.xml", "a.jpg"), a.files());
        assertTrue(a.key().startsWith("a.xml#"), a.key());

        // a new class name sorting before "cat" shifts cat's id: the old unit must not be reused
        write(dir.resolve("b.xml"), voc("b.jpg", 8, 8, object("bird", "1", "1", "2", "2")));
        DatasetLoader.Result second = DatasetLoader.load(dir, new VocFormat());
        Unit a2 = second.units().stream().filter(u -> u.files().get(0).equals("a.xml")).findFirst().orElseThrow();
        assertNotEquals(a.key(), a2.key());
        assertEquals(1, second.sink().annotations().stream().filter(x -> x.imagePath().equals("a.jpg"))
                .findFirst().orElseThrow().classId());

        // the same files give the same keys
        assertEquals(second.units(), DatasetLoader.load(dir, new VocFormat()).units());
    }

    @Test
    void probeReadsLittleAndDistinguishesVocFromLookalikes() throws IOException {
        VocFormat voc = new VocFormat();
        write(dir.resolve("a/x.xml"), "<?xml version=\"1.0\"?>\n<!-- <annotations> -->\n" + voc("x.jpg", 1, 1));
        assertEquals(0.85, probe(voc, dir.resolve("a")).confidence(), EPS);
        write(dir.resolve("b/annotations.xml"), "<annotations><image id=\"0\" name=\"x.jpg\"/></annotations>");
        assertFalse(probe(voc, dir.resolve("b")).matches());
        write(dir.resolve("c/x.xml"), "<annotation><filename>x.jpg</filename><object><name>a</name><polygon>"
                + "<pt><x>1</x><y>1</y></pt></polygon></object><imagesize><nrows>1</nrows></imagesize></annotation>");
        assertFalse(probe(voc, dir.resolve("c")).matches());
        jpeg(dir.resolve("d/cat/1.jpg"), 8, 8);
        assertFalse(probe(voc, dir.resolve("d")).matches());
    }

    // ------------------------------------------------------------------ helpers

    private static Path sample(String... parts) {
        Path p = SAMPLES.resolve(String.join("/", parts));
        Assumptions.assumeTrue(Files.isDirectory(p), "shared sample " + p + " is absent");
        return p;
    }

    private static Support probe(DatasetFormat format, Path root) throws IOException {
        return format.probe(DatasetLoader.list(root), root);
    }

    static String voc(String filename, int w, int h, String... objects) {
        return "<annotation>\n  <filename>" + filename + "</filename>\n  <size><width>" + w + "</width><height>" + h
                + "</height><depth>3</depth></size>\n" + String.join("\n", objects) + "\n</annotation>\n";
    }

    static String object(String name, String xmin, String ymin, String xmax, String ymax) {
        return "<object><name>" + name + "</name><bndbox><xmin>" + xmin + "</xmin><ymin>" + ymin + "</ymin><xmax>"
                + xmax + "</xmax><ymax>" + ymax + "</ymax></bndbox></object>";
    }

    static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    static void jpeg(Path file, int w, int h) throws IOException {
        image(file, w, h, "jpg");
    }

    static void png(Path file, int w, int h) throws IOException {
        image(file, w, h, "png");
    }

    private static void image(Path file, int w, int h, String format) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0xff8800);
        assertTrue(ImageIO.write(img, format, file.toFile()), "no ImageIO writer for " + format);
    }

    private static ImageRef image(CollectingSink sink, String path) {
        return sink.images().stream().filter(i -> i.path().equals(path)).findFirst().orElseThrow();
    }

    private static Map<String, String> splits(CollectingSink sink) {
        Map<String, String> result = new HashMap<>();
        for (ImageRef i : sink.images()) {
            result.put(i.path(), i.split());
        }
        return result;
    }

    private static List<Annotation> annotationsOf(CollectingSink sink, String image) {
        return sink.annotations().stream().filter(a -> a.imagePath().equals(image)).collect(Collectors.toList());
    }

    private static <T> T only(List<T> list) {
        assertEquals(1, list.size(), () -> "expected exactly one: " + list);
        return list.get(0);
    }

    private static void assertBox(BoundingBox expected, BoundingBox actual) {
        assertEquals(expected.x(), actual.x(), EPS, "x");
        assertEquals(expected.y(), actual.y(), EPS, "y");
        assertEquals(expected.width(), actual.width(), EPS, "width");
        assertEquals(expected.height(), actual.height(), EPS, "height");
    }

}
