package loupe.core.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ImbalanceTest {

    @Test
    void equalClassesArePerfectlyBalanced() {
        Imbalance m = Imbalance.of(5, 5, 5, 5);
        assertEquals(20, m.instances());
        assertEquals(4, m.classes());
        assertEquals(1.0, m.maxMinRatio());
        assertEquals(1.0, m.normalizedEntropy(), 1e-12);
        assertEquals(0.0, m.gini(), 1e-12);
        assertEquals(4.0, m.effectiveClasses(), 1e-12);
    }

    @Test
    void unevenClassesMatchHandComputedValues() {
        // counts 4, 2, 1 (and one unused class): shares 4/7, 2/7, 1/7.
        Imbalance m = Imbalance.of(4, 0, 2, 1);
        double h = -(4 / 7.0 * Math.log(4 / 7.0) + 2 / 7.0 * Math.log(2 / 7.0) + 1 / 7.0 * Math.log(1 / 7.0));
        assertEquals(0.955699, h, 1e-6, "the entropy worked out on paper");
        assertEquals(3, m.classes());
        assertEquals(1, m.unusedClasses());
        assertEquals(4.0, m.maxMinRatio());
        assertEquals(h, m.entropy(), 1e-12);
        assertEquals(0.869915, m.normalizedEntropy(), 1e-6);
        assertEquals(2.600490, m.effectiveClasses(), 1e-6);
        // Gini of sorted 1, 2, 4: 2 * (1*1 + 2*2 + 3*4) / (3 * 7) - 4/3 = 6/21.
        assertEquals(6 / 21.0, m.gini(), 1e-12);
    }

    @Test
    void oneClassHasNoNormalizedEntropy() {
        Imbalance m = Imbalance.of(7);
        assertEquals(1.0, m.maxMinRatio());
        assertEquals(0.0, m.gini(), 1e-12);
        assertEquals(1.0, m.effectiveClasses(), 1e-12);
        assertNull(m.normalizedEntropy());
    }

    @Test
    void noInstancesGiveNoMetrics() {
        Imbalance m = Imbalance.of(0, 0);
        assertEquals(0, m.classes());
        assertEquals(2, m.unusedClasses());
        assertNull(m.maxMinRatio());
        assertNull(m.gini());
        assertNull(m.entropy());
    }

    @Test
    void totalVariationIsHalfTheSumOfShareDifferences() {
        assertEquals(1.0, Imbalance.totalVariation(new long[] {3, 0}, new long[] {0, 9}), 1e-12);
        assertEquals(0.0, Imbalance.totalVariation(new long[] {1, 2}, new long[] {10, 20}), 1e-12);
        // shares 0.5, 0.5 vs 0.25, 0.75: (0.25 + 0.25) / 2
        assertEquals(0.25, Imbalance.totalVariation(new long[] {1, 1}, new long[] {1, 3}), 1e-12);
        assertNull(Imbalance.totalVariation(new long[] {0, 0}, new long[] {1, 3}));
    }

    @Test
    void histogramFillsTheGapsBetweenNonEmptyBins() {
        Histogram h = Histogram.fromBins("px", 2, Map.of(6, 2L, 9, 1L));
        assertEquals(List.of(2L, 0L, 0L, 1L), h.counts());
        assertEquals(List.of(8.0, Math.pow(2, 3.5), 16.0, Math.pow(2, 4.5), 32.0), h.edges());
        assertEquals(3, h.total());
        assertEquals(List.of(), Histogram.fromBins("px", 2, Map.of()).counts());
    }
}
