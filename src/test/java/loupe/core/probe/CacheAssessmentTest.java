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
        CacheAssessment a = CacheAssessment.assess(GB / 2, SIXTEEN_GB, 110, 100, false);
        assertTrue(a.dominated());
        assertTrue(a.fitsInCache());
        assertEquals(100.0 / 110, a.coldWarmRatio(), 1e-9);
        assertTrue(a.statement().startsWith(
                "these files fit in the page cache; the numbers are cache speed, not disk speed"), a.statement());
        assertTrue(a.statement().contains("--drop-caches"), a.statement());
        assertTrue(a.statement().contains("110 us"), a.statement());
    }

    @Test
    void firstReadsFasterThanAnyDiskAreCacheSpeedEvenWhenReReadsWereFaster() {
        // 12 us per file: a page-cache hit, whatever the re-read did
        CacheAssessment a = CacheAssessment.assess(GB, SIXTEEN_GB, 12, 3, false);
        assertTrue(a.dominated(), a.statement());
    }

    @Test
    void aHostCachedVirtualDiskIsStillTheDisk() {
        // measured on a VM: 55 us first reads, 4.6 us re-reads
        assertFalse(CacheAssessment.assess(GB, SIXTEEN_GB, 55, 4.6, false).dominated());
    }

    @Test
    void slowFirstReadsCameFromTheDisk() {
        // 2 ms per first read, re-reads 40x faster
        CacheAssessment a = CacheAssessment.assess(GB, SIXTEEN_GB, 2000, 50, false);
        assertFalse(a.dominated());
        assertTrue(a.fitsInCache());
        assertTrue(a.statement().contains("first reads came from the storage, not the page cache"), a.statement());
        assertTrue(a.statement().contains("later epochs run at re-read speed"), a.statement());
    }

    @Test
    void datasetLargerThanMemoryIsSaidToBe() {
        CacheAssessment a = CacheAssessment.assess(100 * GB, SIXTEEN_GB, 2000, 50, false);
        assertFalse(a.dominated());
        assertFalse(a.fitsInCache());
        assertTrue(a.statement().contains("larger than the page cache can hold"), a.statement());
    }

    @Test
    void cachedReadsOfADatasetLargerThanMemoryAreStillCacheSpeed() {
        CacheAssessment a = CacheAssessment.assess(100 * GB, SIXTEEN_GB, 110, 100, false);
        assertTrue(a.dominated());
        assertFalse(a.fitsInCache());
    }

    @Test
    void droppedCachesMeanDiskSpeed() {
        CacheAssessment a = CacheAssessment.assess(GB, SIXTEEN_GB, 2000, 50, true);
        assertFalse(a.dominated());
        assertTrue(a.statement().startsWith("caches were dropped"), a.statement());
    }

    @Test
    void withoutTimingsAFittingDatasetMayBeCacheSpeed() {
        CacheAssessment a = CacheAssessment.assess(GB, SIXTEEN_GB, Double.NaN, Double.NaN, false);
        assertTrue(a.dominated());
        assertTrue(Double.isNaN(a.coldWarmRatio()));
    }

    @Test
    void unknownMemoryDoesNotClaimTheFilesFit() {
        CacheAssessment a = CacheAssessment.assess(GB, MemoryInfo.UNKNOWN, 2000, 50, false);
        assertFalse(a.fitsInCache());
    }
}
