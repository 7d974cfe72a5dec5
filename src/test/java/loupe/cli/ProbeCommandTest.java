package loupe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.probe.ProbeFixture;

class ProbeCommandTest {

    @TempDir
    Path parent;

    private static final String[] FAST = {"--seconds", "0.2", "--threads", "1,2", "--write-size", "8MB", "-q"};

    private static CliTest.Run probe(Path dir, String... extra) {
        String[] args = new String[2 + FAST.length + extra.length];
        args[0] = "probe";
        args[1] = dir.toString();
        System.arraycopy(FAST, 0, args, 2, FAST.length);
        System.arraycopy(extra, 0, args, 2 + FAST.length, extra.length);
        return CliTest.run(args);
    }

    @Test
    void jsonHasEveryPhaseWithPositiveRatesAndTheVerdict() throws Exception {
        Path ds = ProbeFixture.dataset(parent.resolve("ds"));
        Map<String, String> before = ProbeFixture.snapshot(ds);

        CliTest.Run run = probe(ds, "--json", "--target-images-per-second", "5");

        assertEquals(0, run.code(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals(ds.toAbsolutePath().normalize().toString(), json.get("root").asText());
        assertEquals(25, json.get("dataset").get("files").asInt());
        List<String> names = json.get("phases").findValuesAsText("name");
        assertEquals(List.of("first listing", "listing", "metadata", "headers", "random reads", "re-reads",
                "sequential reads"), names);
        for (JsonNode phase : json.get("phases")) {
            for (JsonNode r : phase.get("runs")) {
                assertTrue(r.get("perSecond").asDouble() > 0, phase.get("name") + " " + r);
            }
        }
        JsonNode random = json.get("phases").get(4).get("runs");
        assertEquals(2, random.size());
        assertTrue(random.get(0).get("megabytesPerSecond").asDouble() > 0);
        assertTrue(json.get("write").get("done").asBoolean());
        assertEquals(8 << 20, json.get("write").get("bytes").asLong());
        assertTrue(json.get("write").get("megabytesPerSecond").asDouble() > 0);
        assertTrue(json.get("feed").get("imagesPerSecond").asDouble() > 0);
        assertEquals(5.0, json.get("verdict").get("targetPerSecond").asDouble());
        assertFalse(json.get("verdict").get("outcome").asText().isEmpty());
        assertTrue(json.get("cache").has("dominated"));
        assertTrue(json.get("cache").get("coldMicrosPerFile").asDouble() > 0);
        assertFalse(json.get("cache").get("statement").asText().isBlank());
        assertEquals(before, ProbeFixture.snapshot(ds));
        try (var entries = Files.list(parent)) {
            assertEquals(List.of(ds), entries.toList(), "the write test's folder is gone");
        }
    }

    @Test
    void textReportShowsTheTableTheFeedAndTheCacheVerdict() {
        Path ds = ProbeFixture.dataset(parent.resolve("ds"));

        CliTest.Run run = probe(ds, "--no-write", "--target-images-per-second", "1000000000");

        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("random reads"), run.out());
        assertTrue(run.out().contains("Feed: the storage can feed about"), run.out());
        assertTrue(run.out().contains("Target 1,000,000,000 images/s: falls short"), run.out());
        assertTrue(run.out().contains("Page cache: "), run.out());
        assertTrue(run.out().contains("write test not run (--no-write)"), run.out());
    }

    @Test
    void noWriteSkipsTheWriteTest() throws Exception {
        Path ds = ProbeFixture.dataset(parent.resolve("ds"));

        CliTest.Run run = probe(ds, "--no-write", "--json");

        assertEquals(0, run.code(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertFalse(json.get("write").get("done").asBoolean());
        assertTrue(json.get("verdict").isNull());
    }

    @Test
    void missingFolderIsOneLineAndExitCodeOne() {
        CliTest.Run run = probe(parent.resolve("absent"));

        assertEquals(1, run.code());
        assertEquals("loupe: no such file or folder: " + parent.resolve("absent"), run.err().strip());
        assertEquals("", run.out());
    }

    @Test
    void fileInsteadOfFolderIsOneLineAndExitCodeOne() throws Exception {
        Path file = Files.writeString(parent.resolve("a.txt"), "x");

        CliTest.Run run = probe(file);

        assertEquals(1, run.code());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains("is not a folder"), run.err());
    }

    @Test
    void badWriteSizeIsAUsageError() {
        Path ds = ProbeFixture.dataset(parent.resolve("ds"));

        CliTest.Run run = CliTest.run("probe", ds.toString(), "--write-size", "lots", "-q");

        assertEquals(2, run.code());
        assertTrue(run.err().contains("--write-size"), run.err());
    }

    @Test
    void zeroThreadsIsAUsageError() {
        Path ds = ProbeFixture.dataset(parent.resolve("ds"));

        CliTest.Run run = CliTest.run("probe", ds.toString(), "--threads", "0", "-q");

        assertEquals(2, run.code());
        assertTrue(run.err().contains("thread counts must be at least 1"), run.err());
    }
}
