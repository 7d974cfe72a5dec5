package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
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
import loupe.core.model.Problem;
import loupe.core.model.ProblemKind;
import loupe.core.model.Severity;

class TfodCsvFormatTest {

    private static final Path SHARED = Path.of("..", "shared", "datasets");
    private static final double EPS = 1e-9;
    private static final String HEADER = "filename,width,height,class,xmin,ymin,xmax,ymax\n";

    @TempDir
    Path dir;

    // ---------------------------------------------------------------- shared samples

    @Test
    void readsRaccoonSplitFilesAndSkipsTheirUnion() throws IOException {
        Path root = shared("raccoon");
        CollectingSink sink = DatasetLoader.load(root, new TfodCsvFormat()).sink();

        // python3 csv.DictReader over tfod_csv/: train_labels.csv 173 rows of 160 images, test_labels.csv 44 rows
        // of 40 images, disjoint; raccoon_labels.csv (217 rows, 200 images) is exactly their union; every class
        // is "raccoon"; `ls images | wc -l` is 200.
        assertEquals(200, sink.images().size());
        assertEquals(217, sink.annotations().size());
        assertEquals(List.of(new ClassLabel(0, "raccoon")), sink.classes());
        Map<String, Long> perSplit = sink.images().stream()
                .collect(Collectors.groupingBy(i -> String.valueOf(i.split()), TreeMap::new, Collectors.counting()));
        assertEquals(Map.of("test", 40L, "train", 160L), perSplit);
        assertTrue(sink.images().stream().allMatch(i -> i.path().startsWith("images/raccoon-")));
        // train_labels.csv, row 2: raccoon-17.jpg,259,194,raccoon,95,60,167,118 (1-based corners, as VOC)
        assertEquals(new ImageRef("images/raccoon-17.jpg", "train", 259, 194), image(sink, "images/raccoon-17.jpg"));
        assertBox(new BoundingBox(94, 59, 73, 59), only(annotationsOf(sink, "images/raccoon-17.jpg")).box());
        Problem union = only(sink.problems());
        assertEquals(Severity.INFO, union.severity());
        assertEquals("tfod_csv/raccoon_labels.csv", union.path());
    }

    @Test
    void raccoonCsvBoxesEqualTheVocReadersBoxesForTheSameImages() throws IOException {
        // Two files written by other tools for the same photos: labelImg's XML and xml_to_csv.py's CSV. The CSV's
        // numbers are the XML's, unchanged (python3: the multiset of (filename, class, corners, size) of
        // raccoon_labels.csv equals that of voc_annotations/*.xml; no coordinate is 0, 8 rows have xmax == width),
        // so the CSV carries VOC's 1-based corners and must give exactly the VOC reader's boxes.
        Path root = shared("raccoon");
        CollectingSink csv = DatasetLoader.load(root, new TfodCsvFormat()).sink();
        CollectingSink voc = DatasetLoader.load(root, new VocFormat()).sink();

        assertEquals(boxesByImage(voc), boxesByImage(csv));
        Map<String, ImageRef> vocImages = voc.images().stream().collect(Collectors.toMap(ImageRef::path, i -> i));
        for (ImageRef i : csv.images()) {
            assertEquals(vocImages.get(i.path()).declaredWidth(), i.declaredWidth(), i.path());
            assertEquals(vocImages.get(i.path()).declaredHeight(), i.declaredHeight(), i.path());
        }
    }

    @Test
    void probeRecognisesRaccoonCsvButLeavesTheFolderToVoc() throws IOException {
        Path root = shared("raccoon");
        Support csv = probe(root);
        Support voc = new VocFormat().probe(DatasetLoader.list(root), root);

        assertEquals(0.75, csv.confidence(), EPS);
        assertTrue(csv.reason().contains("tfod_csv/"), csv.reason());
        assertTrue(csv.confidence() < voc.confidence());
        assertEquals("voc", Formats.detect(root.toAbsolutePath(), DatasetLoader.list(root)).format().id());
    }

    @Test
    void probeGivesZeroForEverySharedSampleOfOtherFormats() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(SHARED));
        List<Path> samples = new ArrayList<>();
        try (Stream<Path> top = Files.list(SHARED)) {
            top.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().equals("raccoon"))
                    .forEach(samples::add);
        }
        try (Stream<Path> datumaro = Files.list(SHARED.resolve("datumaro"))) {
            datumaro.filter(Files::isDirectory).forEach(samples::add);
        }
        for (Path sample : samples) {
            Support s = probe(sample);
            assertEquals(0, s.confidence(), sample + ": " + s.reason());
        }
    }

    // ---------------------------------------------------------------- layouts

    @Test
    void readsRoboflowSplitFoldersWithImagesBesideTheCsv() throws IOException {
        write("train/_annotations.csv", "filename,width,height,class,xmin,ymin,xmax,ymax,source\n"
                + "a.jpg,40,30,dog,1,1,10,20,web\n"
                + "a.jpg,40,30,cat,5,6,7,8,\n");
        write("valid/_annotations.csv", HEADER + "b.jpg,40,30,dog,11,12,40,30\n");
        jpeg("train/a.jpg", 40, 30);
        jpeg("train/unlabelled.jpg", 40, 30);
        jpeg("valid/b.jpg", 40, 30);

        CollectingSink sink = DatasetLoader.load(dir, new TfodCsvFormat()).sink();

        assertEquals(List.of(new ClassLabel(0, "cat"), new ClassLabel(1, "dog")), sink.classes());
        assertEquals(Map.of("train/a.jpg", "train", "train/unlabelled.jpg", "train", "valid/b.jpg", "valid"),
                splits(sink));
        assertEquals(new ImageRef("train/a.jpg", "train", 40, 30), image(sink, "train/a.jpg"));
        List<Annotation> a = annotationsOf(sink, "train/a.jpg");
        assertEquals(2, a.size());
        assertEquals(1, a.get(0).classId());
        assertBox(new BoundingBox(0, 0, 10, 20), a.get(0).box());
        assertEquals(Map.of("source", "web"), a.get(0).attributes());
        assertEquals(Map.of(), a.get(1).attributes());
        assertBox(new BoundingBox(10, 11, 30, 19), only(annotationsOf(sink, "valid/b.jpg")).box());
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void findsImagesInAnImagesFolderAndDeclaresMissingOnesThere() throws IOException {
        write("labels.csv", HEADER + "sub/a.jpg,8,8,x,1,1,2,2\nb.jpg,8,8,x,1,1,2,2\ngone.jpg,8,8,x,1,1,2,2\n");
        jpeg("images/sub/a.jpg", 8, 8);
        jpeg("images/b.jpg", 8, 8);

        CollectingSink sink = DatasetLoader.load(dir, new TfodCsvFormat()).sink();

        assertEquals(Map.of("images/sub/a.jpg", "null", "images/b.jpg", "null", "images/gone.jpg", "null"),
                splits(sink));
        assertEquals(3, sink.annotations().size());
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void readsNonAsciiAndQuotedNamesWithCommas() throws IOException {
        write("train.csv", "\uFEFF" + HEADER + "\"café, ü.jpg\",8,8,chat noir,1,1,8,8\r\n"
                + "图像 1.jpg,8,8,\"猫\",2,2,3,3");       // BOM, CRLF, no final line break
        jpeg("café, ü.jpg", 8, 8);
        jpeg("图像 1.jpg", 8, 8);

        CollectingSink sink = DatasetLoader.load(dir, new TfodCsvFormat()).sink();

        assertEquals(List.of(new ClassLabel(0, "chat noir"), new ClassLabel(1, "猫")), sink.classes());
        assertEquals(Map.of("café, ü.jpg", "train", "图像 1.jpg", "train"), splits(sink));
        assertEquals(0, only(annotationsOf(sink, "café, ü.jpg")).classId());
        assertEquals(1, only(annotationsOf(sink, "图像 1.jpg")).classId());
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void flagsNamesThatEscapeTheDatasetAndSkipsTheirRows() throws IOException {
        write("data/labels.csv", HEADER + "../../outside.jpg,8,8,x,1,1,2,2\n/etc/x.jpg,8,8,x,1,1,2,2\n"
                + "C:\\photos\\y.jpg,8,8,x,1,1,2,2\n../ok.jpg,8,8,x,1,1,2,2\n");
        jpeg("ok.jpg", 8, 8);

        CollectingSink sink = DatasetLoader.load(dir, new TfodCsvFormat()).sink();

        List<Problem> escapes = sink.problems().stream().filter(p -> p.kind() == ProblemKind.PATH_ESCAPES_ROOT)
                .collect(Collectors.toList());
        assertEquals(List.of("line 2", "line 3", "line 4"), escapes.stream().map(Problem::location)
                .collect(Collectors.toList()));
        assertTrue(escapes.stream().allMatch(p -> p.path().equals("data/labels.csv")));
        // "../ok.jpg" from data/ is inside the dataset
        assertEquals(List.of("ok.jpg"), sink.annotations().stream().map(Annotation::imagePath)
                .collect(Collectors.toList()));
        assertEquals(3, sink.problems().size());
    }

    // ---------------------------------------------------------------- malformed rows

    @Test
    void reportsMalformedRowsWithTheirLineAndKeepsTheRest() throws IOException {
        write("train_labels.csv", HEADER
                + "a.jpg,8,8,x,1,1,2,2\n"           // line 2: fine
                + "a.jpg,8,8,x,1,1,2\n"             // line 3: a field missing
                + "a.jpg,8,8,x,one,1,2,2\n"         // line 4: not a number
                + "\n"                              // line 5: blank, skipped
                + "a.jpg,8,8,,1,1,2,2\n"            // line 6: empty class
                + ",8,8,x,1,1,2,2\n"                // line 7: empty filename
                + "\"b\nc.jpg\",8,8,x,1,1,NaN,2\n"  // lines 8-9: a quoted line break; NaN is not a number
                + "a.jpg,8,8,x,1,1,2,2,extra\n"     // line 10: a field too many
                + "a.jpg,wide,8,x,3,3,4,4\n"        // line 11: a.jpg's size was declared on line 2; box kept
                + "a.jpg,8,8,x,1,1,2,\"2");         // line 12: quote never closed
        jpeg("a.jpg", 8, 8);

        CollectingSink sink = DatasetLoader.load(dir, new TfodCsvFormat()).sink();

        assertEquals(2, sink.annotations().size());
        Map<String, String> problems = new TreeMap<>();
        for (Problem p : sink.problems()) {
            assertEquals(ProblemKind.MALFORMED_ANNOTATION, p.kind(), p.toString());
            assertEquals("train_labels.csv", p.path());
            problems.put(p.location(), p.message());
        }
        assertEquals(List.of("line 10", "line 12", "line 3", "line 4", "line 6", "line 7", "line 8"),
                new ArrayList<>(problems.keySet()));
        assertTrue(problems.get("line 3").startsWith("found 7 fields, expected 8"), problems.get("line 3"));
        assertEquals("xmin is 'one'; expected numbers", problems.get("line 4"));
        assertEquals("class is empty", problems.get("line 6"));
        assertEquals("filename is empty", problems.get("line 7"));
        assertEquals("xmax is 'NaN'; expected numbers", problems.get("line 8"));
        assertTrue(problems.get("line 12").contains("not closed"), problems.get("line 12"));
        assertEquals(new ImageRef("a.jpg", "train", 8, 8), image(sink, "a.jpg"));
    }

    @Test
    void reportsABadDeclaredSizeButKeepsTheBox() throws IOException {
        write("labels.csv", HEADER + "a.jpg,wide,8,x,3,3,4,4\n");
        jpeg("a.jpg", 8, 8);

        CollectingSink sink = DatasetLoader.load(dir, new TfodCsvFormat()).sink();

        assertEquals(new ImageRef("a.jpg", null, 0, 8), image(sink, "a.jpg"));
        assertBox(new BoundingBox(2, 2, 2, 2), only(sink.annotations()).box());
        Problem p = only(sink.problems());
        assertEquals("line 2", p.location());
        assertTrue(p.message().startsWith("width is 'wide'"), p.message());
    }

    @Test
    void listsTheFirstTwentyBadRowsAndCountsTheRest() throws IOException {
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 0; i < 25; i++) {
            csv.append("a.jpg,8,8,x,?,1,2,2\n");
        }
        write("labels.csv", csv.toString());

        CollectingSink sink = DatasetLoader.load(dir, new TfodCsvFormat()).sink();

        assertEquals(21, sink.problems().size());
        assertEquals("5 more malformed rows not listed (25 of 25 rows are bad)", sink.problems().get(20).message());
    }

    @Test
    void readsAnEmptyOrHeaderOnlyFileAsNoBoxes() throws IOException {
        write("train_labels.csv", HEADER.strip());
        jpeg("a.jpg", 8, 8);

        CollectingSink sink = DatasetLoader.load(dir, new TfodCsvFormat()).sink();

        assertEquals(List.of(ImageRef.of("a.jpg", null)), sink.images());
        assertEquals(List.of(), sink.annotations());
        assertEquals(List.of(), sink.problems());
    }

    // ---------------------------------------------------------------- classes

    @Test
    void takesIdsFromATensorFlowLabelMapAndSkipsUnknownClasses() throws IOException {
        write("label_map.pbtxt", "# ids as TF wants them, from 1\nitem {\n  id: 1\n  name: 'raccoon'\n}\n"
                + "item {\n  name: \"dog\"\n  id: 7\n  display_name: \"Dog\"\n}\n");
        write("labels.csv", HEADER + "a.jpg,8,8,raccoon,1,1,2,2\na.jpg,8,8,Dog,1,1,2,2\na.jpg,8,8,cat,1,1,2,2\n");
        jpeg("a.jpg", 8, 8);

        CollectingSink sink = DatasetLoader.load(dir, new TfodCsvFormat()).sink();

        assertEquals(List.of(new ClassLabel(1, "raccoon"), new ClassLabel(7, "dog")), sink.classes());
        assertEquals(List.of(1, 7), sink.annotations().stream().map(Annotation::classId).collect(Collectors.toList()));
        Problem p = only(sink.problems());
        assertEquals(ProblemKind.UNKNOWN_CLASS, p.kind());
        assertEquals("line 4", p.location());
        assertTrue(p.message().contains("label_map.pbtxt"), p.message());
    }

    @Test
    void unitKeysChangeWhenAClassAppearsElsewhere() throws IOException {
        write("train_labels.csv", HEADER + "a.jpg,8,8,dog,1,1,2,2\n");
        write("val_labels.csv", HEADER + "b.jpg,8,8,dog,1,1,2,2\n");
        jpeg("a.jpg", 8, 8);
        jpeg("b.jpg", 8, 8);
        DatasetLoader.Result before = DatasetLoader.load(dir, new TfodCsvFormat());

        write("val_labels.csv", HEADER + "b.jpg,8,8,dog,1,1,2,2\nb.jpg,8,8,cat,1,1,2,2\n");
        DatasetLoader.Result after = DatasetLoader.load(dir, new TfodCsvFormat());

        // train_labels.csv did not change, but "cat" sorts before "dog": its dog is now id 1, so it is re-parsed.
        assertEquals(List.of("train_labels.csv"), before.units().get(0).files());
        assertNotEquals(before.units().get(0).key(), after.units().get(0).key());
        assertEquals(1, only(annotationsOf(after.sink(), "a.jpg")).classId());
        assertEquals(0, annotationsOf(before.sink(), "a.jpg").get(0).classId());
    }

    @Test
    void unitKeysChangeWhenAnImageAppearsWhereNamesAreLookedUp() throws IOException {
        write("csv/labels.csv", HEADER + "a.jpg,8,8,dog,1,1,2,2\n");
        jpeg("images/b.jpg", 8, 8);
        DatasetLoader.Result before = DatasetLoader.load(dir, new TfodCsvFormat());
        assertEquals("images/a.jpg", only(before.sink().annotations()).imagePath());

        jpeg("csv/a.jpg", 8, 8);
        DatasetLoader.Result after = DatasetLoader.load(dir, new TfodCsvFormat());

        assertNotEquals(before.units().get(0).key(), after.units().get(0).key());
        assertEquals("csv/a.jpg", only(after.sink().annotations()).imagePath());
    }

    // ---------------------------------------------------------------- probe and parser

    @Test
    void probeNeedsTheTfodHeaderAndPrefersVocOriginals() throws IOException {
        write("a/labels.csv", "image,xmin,ymin,xmax,ymax,label\nx.jpg,1,1,2,2,dog\n");
        assertEquals(0, probe(dir.resolve("a")).confidence());
        write("b/labels.csv", "Filename,Class,XMin,YMin,XMax,YMax\nx.jpg,dog,1,1,2,2\n");
        assertEquals(0.9, probe(dir.resolve("b")).confidence(), EPS);
        write("b/x.xml", "<annotation/>");
        assertEquals(0.75, probe(dir.resolve("b")).confidence(), EPS);
        assertEquals(0, probe(dir.resolve("c")).confidence());
    }

    @Test
    void parserHandlesQuotesLineBreaksAndBom() throws IOException {
        CsvRows p = CsvRows.of("\uFEFFa,\"b,c\",\"d\"\"e\"\r\n \t\r\n\"multi\nline\",x\rlast,\"\"");

        CsvRows.Row r1 = p.next();
        assertEquals(List.of("a", "b,c", "d\"e"), r1.fields());
        assertEquals(1, r1.line());
        CsvRows.Row r2 = p.next();
        assertEquals(List.of("multi\nline", "x"), r2.fields());
        assertEquals(3, r2.line());
        CsvRows.Row r3 = p.next();
        assertEquals(List.of("last", ""), r3.fields());
        assertEquals(5, r3.line());
        assertNull(p.next());
        assertNull(p.next());
    }

    @Test
    void parserReportsAnUnclosedQuoteAndStops() throws IOException {
        CsvRows p = CsvRows.of("a,b\n\"c,d\ne,f\n");

        assertEquals(List.of("a", "b"), p.next().fields());
        CsvRows.Row bad = p.next();
        assertEquals(2, bad.line());
        assertTrue(bad.error().contains("line 2"), bad.error());
        assertNull(p.next());
    }

    // ---------------------------------------------------------------- helpers

    private Support probe(Path root) throws IOException {
        Path absolute = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute)) {
            return new TfodCsvFormat().probe(FileListing.of(List.of()), absolute);
        }
        return new TfodCsvFormat().probe(DatasetLoader.list(absolute), absolute);
    }

    private static Path shared(String sample) {
        Path p = SHARED.resolve(sample);
        Assumptions.assumeTrue(Files.isDirectory(p), "../shared/datasets not present");
        return p;
    }

    /** Image path to its sorted boxes (rounded to 1e-6 so equal numbers compare equal). */
    private static Map<String, List<String>> boxesByImage(CollectingSink sink) {
        Map<String, List<String>> result = new TreeMap<>();
        for (Annotation a : sink.annotations()) {
            BoundingBox b = a.box();
            result.computeIfAbsent(a.imagePath(), k -> new ArrayList<>()).add(String.format(java.util.Locale.ROOT,
                    "%d %.6f %.6f %.6f %.6f", a.classId(), b.x(), b.y(), b.width(), b.height()));
        }
        result.values().forEach(l -> l.sort(null));
        return result;
    }

    private void write(String relative, String text) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private void jpeg(String relative, int w, int h) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0xff8800);
        assertTrue(ImageIO.write(img, "jpg", file.toFile()));
    }

    private static ImageRef image(CollectingSink sink, String path) {
        return sink.images().stream().filter(i -> i.path().equals(path)).findFirst().orElseThrow();
    }

    private static Map<String, String> splits(CollectingSink sink) {
        Map<String, String> result = new HashMap<>();
        sink.images().forEach(i -> result.put(i.path(), String.valueOf(i.split())));
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
