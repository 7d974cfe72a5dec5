package loupe.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xml.sax.InputSource;

import loupe.core.index.Catalog;
import loupe.core.index.IndexOptions;
import loupe.core.index.Indexer;
import loupe.core.stats.DatasetStats;
import loupe.core.stats.Validation;
import loupe.core.task.Progress;
import loupe.testing.CocoFixture;
import loupe.testing.TestImages;

class HtmlReportTest {

    /** A file name that is also markup: it must come out as text. */
    private static final String EVIL = "<b onmouseover=alert(1)>&'.jpg";

    @TempDir
    Path dataset;

    @TempDir
    Path out;

    private String report() throws IOException {
        CocoFixture coco = new CocoFixture(dataset).categories("car", "<i>tree</i> & co");
        int a = coco.image("train", "a.jpg", 400, 300);
        int b = coco.image("val", "b.jpg", 64, 64);
        coco.box(a, 1, 10, 10, 50, 40).box(a, 1, 380, 10, 50, 40).box(a, 2, 100, 100, 30, 30).box(b, 1, 5, 5, 20, 20);
        coco.missingImage("train", EVIL, 100, 100);
        coco.write();
        Path target = out.resolve("report.html");
        try (Catalog catalog = Catalog.open(out.resolve("c.duckdb"))) {
            new Indexer(IndexOptions.defaults().withThreads(2)).index(catalog, dataset, Progress.NONE);
            HtmlReport.write(catalog, null, target, HtmlReport.Options.defaults(), Progress.NONE);
        }
        return Files.readString(target);
    }

    @Test
    void reportIsWellFormedXml() throws Exception {
        String html = report();
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setExpandEntityReferences(false);
        var doc = f.newDocumentBuilder().parse(new InputSource(new StringReader(html)));
        assertEquals("html", doc.getDocumentElement().getTagName());
        assertTrue(doc.getElementsByTagName("svg").getLength() >= 8, "the charts are inline SVG");
    }

    @Test
    void escapesFileAndClassNames() throws IOException {
        String html = report();
        assertFalse(html.contains("<b onmouseover"), "markup from a file name must not reach the page");
        assertFalse(html.contains("<i>tree"), "markup from a class name must not reach the page");
        assertTrue(html.contains("&lt;b onmouseover=alert(1)&gt;&amp;&#39;.jpg"), "the name is shown, escaped");
        assertTrue(html.contains("&lt;i&gt;tree&lt;/i&gt; &amp; co"));
    }

    @Test
    void referencesNothingOutsideTheFile() throws IOException {
        String html = report().replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        assertFalse(html.contains("http://"), "no external resource");
        assertFalse(html.contains("https://"), "no external resource");
        assertFalse(html.contains("<script"), "no scripts");
        assertFalse(html.contains("url("), "no CSS resources");
        java.util.regex.Matcher src = java.util.regex.Pattern.compile("(?:src|href)=\"([^\"]*)\"").matcher(html);
        while (src.find()) {
            assertTrue(src.group(1).startsWith("data:image/jpeg;base64,"), "only embedded images: " + src.group(1));
        }
    }

    @Test
    void showsClassCountsSharesAndProblems() throws IOException {
        String html = report();
        // car 3 of 4 instances
        assertTrue(html.contains("3 · 75.0%"), "car's count and share");
        assertTrue(html.contains("1 · 25.0%"), "tree's count and share");
        assertTrue(html.contains("MISSING_IMAGE"));
        assertTrue(html.contains("BOX_OUT_OF_BOUNDS"));
        assertTrue(html.contains("data:image/jpeg;base64,"), "a thumbnail of a.jpg, whose box is out of bounds");
        assertTrue(html.contains("no image</div>"), "the missing image has a placeholder");
        assertTrue(html.contains("a box lies partly or wholly outside its image"), "the kinds say what they mean");
        // a.jpg and b.jpg: RGB JPEGs of 8 bits without orientation; the missing file was not read
        assertTrue(html.contains("<h3>Channels, bit depth, EXIF orientation</h3>"));
        assertTrue(html.contains("<tr><th>channels</th><td>3 (colour)</td><td class=\"n\">2</td></tr>"), "channels");
        assertTrue(html.contains("<td>8 bits</td><td class=\"n\">2</td>"), "bit depth");
        assertTrue(html.contains("<td>0 (no tag)</td><td class=\"n\">2</td>"), "orientation");
        assertTrue(html.contains("<td>unknown</td><td class=\"n\">1</td>"), "the missing image");
    }

    @Test
    void everyProblemKindHasAMeaning() {
        for (loupe.core.model.ProblemKind k : loupe.core.model.ProblemKind.values()) {
            assertFalse(loupe.core.stats.ProblemKinds.meaning(k.name()).isEmpty(), k.name());
        }
    }

    @Test
    void writingReplacesTheFileAndLeavesNoTemporaryFile() throws IOException {
        Path target = out.resolve("r.html");
        Files.writeString(target, "old");
        HtmlReport.writeAtomically(target, "<html/>");
        assertEquals("<html/>", Files.readString(target));
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of(target), files.toList());
        }
    }

    @Test
    void thumbnailsAreSmallAndSkipWhatCannotBeDecoded() throws IOException {
        Path big = TestImages.write(out.resolve("big.jpg"), 3000, 2000);
        String uri = Thumbnails.dataUri(big, 96).orElseThrow();
        var image = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(
                uri.substring("data:image/jpeg;base64,".length()))));
        assertEquals(96, image.getWidth());
        assertEquals(64, image.getHeight());

        Path broken = TestImages.write(out.resolve("broken.jpg"), 800, 600);
        Files.write(broken, java.util.Arrays.copyOf(Files.readAllBytes(broken), 200));
        assertTrue(Thumbnails.dataUri(broken, 96).isEmpty(), "a truncated JPEG gives no thumbnail");
        Path text = Files.writeString(out.resolve("notes.json"), "{}");
        assertTrue(Thumbnails.dataUri(text, 96).isEmpty());
        assertTrue(Thumbnails.dataUri(out.resolve("gone.jpg"), 96).isEmpty());
    }

    @Test
    void listedProblemsAreSpreadOverTheKinds() {
        DatasetStats.ProblemEntry e1 = new DatasetStats.ProblemEntry("ERROR", "MISSING_IMAGE", "a", "", "m");
        DatasetStats.ProblemEntry e2 = new DatasetStats.ProblemEntry("ERROR", "MISSING_IMAGE", "b", "", "m");
        DatasetStats.ProblemEntry e3 = new DatasetStats.ProblemEntry("ERROR", "MISSING_IMAGE", "c", "", "m");
        DatasetStats.ProblemEntry w1 = new DatasetStats.ProblemEntry("WARNING", "BOX_OUT_OF_BOUNDS", "d", "", "m");
        List<Validation.Kind> kinds = List.of(new Validation.Kind("ERROR", "MISSING_IMAGE", 50, List.of(e1, e2, e3)),
                new Validation.Kind("WARNING", "BOX_OUT_OF_BOUNDS", 1, List.of(w1)));
        assertEquals(List.of(e1, e2, w1), HtmlReport.spread(kinds, 3));
        assertEquals(List.of(e1, e2, e3, w1), HtmlReport.spread(kinds, 10));
    }
}
