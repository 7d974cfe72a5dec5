package loupe.core.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small value helpers: sizes, /proc/meminfo, the write test's sizing, the options' checks. */
class ProbeValuesTest {

    private static final long MB = 1L << 20;
    private static final long GB = 1L << 30;

    @Test
    void parsesSizesWithBinaryUnits() {
        assertEquals(GB, ByteSizes.parse("1GB"));
        assertEquals(GB, ByteSizes.parse("1G"));
        assertEquals(GB, ByteSizes.parse("1 GiB"));
        assertEquals(8 * MB, ByteSizes.parse("8MB"));
        assertEquals(512 * MB, ByteSizes.parse("512m"));
        assertEquals(1536 * MB, ByteSizes.parse("1.5GB"));
        assertEquals(4096, ByteSizes.parse("4k"));
        assertEquals(100, ByteSizes.parse("100"));
        assertEquals(0, ByteSizes.parse("0"));
    }

    @Test
    void rejectsWhatIsNotASize() {
        for (String bad : List.of("", "GB", "-1GB", "1 XB", "1,5GB")) {
            assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse(bad), bad);
        }
    }

    @Test
    void formatsSizesInTheLargestUnit() {
        assertEquals("300 B", ByteSizes.format(300));
        assertEquals("26 KB", ByteSizes.format(26 * 1024));
        assertEquals("1.0 GB", ByteSizes.format(GB));
        assertEquals("512 MB", ByteSizes.format(512 * MB));
    }

    @Test
    void readsMemInfo() {
        MemoryInfo m = MemoryInfo.parse(List.of("MemTotal:       24684000 kB", "MemFree:        18300000 kB",
                "MemAvailable:   23750000 kB", "Buffers:          100 kB", "Cached:          5880000 kB",
                "HugePages_Total:       0"));
        assertEquals(24684000L * 1024, m.totalBytes());
        assertEquals(23750000L * 1024, m.availableBytes());
        assertEquals(5880000L * 1024, m.cachedBytes());
        assertTrue(m.known());
    }

    @Test
    void memInfoWithoutTheFieldsIsUnknown() {
        MemoryInfo m = MemoryInfo.parse(List.of("garbage", "MemTotal: lots"));
        assertEquals(-1, m.totalBytes());
        assertEquals(false, m.known());
    }

    @Test
    void writeSizeFitsWhenThereIsRoom() {
        assertEquals(GB, WriteProbe.fit(GB, 100 * GB, 200 * GB));
    }

    @Test
    void writeSizeShrinksToTheRoomLeftAboveTheReserve() {
        // 5% of a 100 GB volume stays free: 5 GB; 5.5 GB usable leaves 512 MB to write
        assertEquals(512 * MB, WriteProbe.fit(GB, 5 * GB + 512 * MB, 100 * GB));
    }

    @Test
    void writeIsSkippedWhenTooLittleFits() {
        assertEquals(0, WriteProbe.fit(GB, 5 * GB + 10 * MB, 100 * GB));
        // a small write asked for needs only its own size
        assertEquals(8 * MB, WriteProbe.fit(8 * MB, 300 * MB, GB));
    }

    @Test
    void writeTestGoesBesideTheDatasetInItsParentFolder(@TempDir Path parent) throws Exception {
        Path dataset = Files.createDirectory(parent.resolve("ds"));
        WriteProbe.Placement placement = WriteProbe.place(dataset);
        assertEquals(parent, placement.parent());
        assertNull(placement.skipReason());
    }

    @Test
    void writeTestIsSkippedForTheFileSystemRoot() throws Exception {
        WriteProbe.Placement placement = WriteProbe.place(Path.of("/"));
        assertNull(placement.parent());
        assertTrue(placement.skipReason().contains("never writes inside the dataset"), placement.skipReason());
    }

    @Test
    void optionsRejectNonsense() {
        ProbeOptions ok = ProbeOptions.defaults();
        assertThrows(IllegalArgumentException.class, () -> ok.withSeconds(0));
        assertThrows(IllegalArgumentException.class, () -> ok.withThreadCounts(List.of()));
        assertThrows(IllegalArgumentException.class, () -> ok.withThreadCounts(List.of(1, 0)));
        assertThrows(IllegalArgumentException.class, () -> ok.withMaxFilesPerRun(0));
        assertThrows(IllegalArgumentException.class, () -> ok.withWriteBytes(-1));
        assertThrows(IllegalArgumentException.class, () -> ok.withTarget(-5));
    }

    @Test
    void defaultThreadCountsArePowersOfTwoFromOneToAtLeastEight() {
        List<Integer> counts = ProbeOptions.defaultThreadCounts();
        assertEquals(1, counts.get(0));
        assertTrue(counts.contains(8), counts.toString());
        for (int i = 1; i < counts.size(); i++) {
            assertEquals(2 * counts.get(i - 1), counts.get(i));
        }
    }
}
