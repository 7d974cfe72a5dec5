package loupe.core.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CacheAssessmentTest {

    private static final long GB = 1L << 30;
    private static final MemoryInfo SIXTEEN_GB = new MemoryInfo(16 * GB, 12 * GB, 3 * GB);

    @Test
    void smallDatasetReadAtReReadSpeedIsCacheSpeed() {
        CacheAssessment a = CacheAssessment.assess(GB / 2, SIXTEEN_GB, 1, 9_000, 10_000, false);
        assertTrue(a.dominated());
        assertTrue(a.fitsInCache());
        assertEquals(0.9, a.coldWarmRatio(), 1e-9);
        assertTrue(a.statement().startsWith(
                "these files fit in the page cache; the numbers are cache speed, not disk speed"), a.statement());
        assertTrue(a.statement().contains("--drop-caches"), a.statement());
    }

    @Test
    void firstReadsFasterThanAnyDiskAreCacheSpeedEvenWhenReReadsWereFaster() {
        // 20 us per file on one thread: a page-cache hit, whatever the re-read did (a JIT warming up, say)
        CacheAssessment a = CacheAssessment.assess(GB, SIXTEEN_GB, 1, 50_000, 100_000, false);
        assertTrue(a.dominated(), a.statement());
    }

    @Test
    void slowFirstReadsCameFromTheDisk() {
        // 2 ms per file on one thread, re-reads 40x faster
        CacheAssessment a = CacheAssessment.assess(GB, SIXTEEN_GB, 1, 500, 20_000, false);
        assertFalse(a.dominated());
        assertTrue(a.fitsInCache());
        assertTrue(a.statement().contains("first reads came from the disk"), a.statement());
        assertTrue(a.statement().contains("later epochs run at re-read speed"), a.statement());
    }

    @Test
    void datasetLargerThanMemoryIsSaidToBe() {
        CacheAssessment a = CacheAssessment.assess(100 * GB, SIXTEEN_GB, 1, 500, 20_000, false);
        assertFalse(a.dominated());
        assertFalse(a.fitsInCache());
        assertTrue(a.statement().contains("larger than the page cache can hold"), a.statement());
    }

    @Test
    void cachedReadsOfADatasetLargerThanMemoryAreStillCacheSpeed() {
        CacheAssessment a = CacheAssessment.assess(100 * GB, SIXTEEN_GB, 1, 9_000, 10_000, false);
        assertTrue(a.dominated());
        assertFalse(a.fitsInCache());
    }

    @Test
    void droppedCachesMeanDiskSpeed() {
        CacheAssessment a = CacheAssessment.assess(GB, SIXTEEN_GB, 1, 500, 20_000, true);
        assertFalse(a.dominated());
        assertTrue(a.statement().startsWith("caches were dropped"), a.statement());
    }

    @Test
    void unknownMemoryDoesNotClaimTheFilesFit() {
        CacheAssessment a = CacheAssessment.assess(GB, MemoryInfo.UNKNOWN, 1, 500, 20_000, false);
        assertFalse(a.fitsInCache());
    }
}
