package loupe.ui.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The scale arithmetic of the charts' view model. */
class OverviewChartsModelTest {

    @Test
    void logScaleMapsCountsToDecadesAboveOne() {
        assertEquals(0, OverviewChartsModel.plotted(0, true));
        assertEquals(1, OverviewChartsModel.plotted(1, true));
        assertEquals(3, OverviewChartsModel.plotted(100, true), 1e-12);
        assertEquals(100, OverviewChartsModel.countAt(3, true), 1e-9);
        assertEquals(0, OverviewChartsModel.countAt(0, true));
        assertEquals(42, OverviewChartsModel.plotted(42, false));
    }

    @Test
    void compactCountsUseThousandsSuffixes() {
        assertEquals("950", OverviewChartsModel.compact(950));
        assertEquals("1.2k", OverviewChartsModel.compact(1200));
        assertEquals("34k", OverviewChartsModel.compact(34_000));
        assertEquals("1.5M", OverviewChartsModel.compact(1_500_000));
    }

    @Test
    void tickUnitsAreOneTwoFive() {
        assertEquals(1, OverviewCharts.niceUnit(0.4));
        assertEquals(2, OverviewCharts.niceUnit(1.3));
        assertEquals(10, OverviewCharts.niceUnit(8));
        assertEquals(50, OverviewCharts.niceUnit(48 / 6.0 * 5));
    }
}
