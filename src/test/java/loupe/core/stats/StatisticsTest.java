package loupe.core.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.index.Catalog;
import loupe.core.index.IndexOptions;
import loupe.core.index.Indexer;
import loupe.core.task.Progress;
import loupe.testing.CocoFixture;

/**
 * Statistics of a tiny COCO dataset whose every number was worked out by hand (see the comments in
 * {@link #write()}).
 */
class StatisticsTest {

    @TempDir
    Path dataset;

    @TempDir
    Path cache;

    /**
     * train: a.jpg 100x100 (car 0,0,10,10 touching the border; car 40,40,20,20; tree 10,10,40,40),
     * b.jpg 200x100 (car 50,20,100,50; person 60,0,140,100 touching the border), f.jpg 100x100 (tree of width 0);
     * val: c.jpg 100x100 (car 45,45,10,10), d.jpg 64x64 (nothing). boat is never used.
     * Instances: car 4 (train 3, val 1), tree 2, person 1, boat 0. Valid box areas: 100, 400, 1600, 5000,
     * 14000, 100: 3 small, 2 medium, 1 large.
     */
    private DatasetStats stats(String split, int fewSamples) throws IOException {
        return stats(split, fewSamples, Statistics.EXACT_MEDIAN_LIMIT);
    }

    private DatasetStats stats(String split, int fewSamples, long exactMedianLimit) throws IOException {
        CocoFixture coco = new CocoFixture(dataset).categories("car", "tree", "person", "boat");
        int a = coco.image("train", "a.jpg", 100, 100);
        int b = coco.image("train", "b.jpg", 200, 100);
        int f = coco.image("train", "f.jpg", 100, 100);
        int c = coco.image("val", "c.jpg", 100, 100);
        coco.image("val", "d.jpg", 64, 64);
        coco.box(a, 1, 0, 0, 10, 10).box(a, 1, 40, 40, 20, 20).box(a, 2, 10, 10, 40, 40)
                .box(b, 1, 50, 20, 100, 50).box(b, 3, 60, 0, 140, 100)
                .box(f, 2, 10, 10, 0, 5)
                .box(c, 1, 45, 45, 10, 10);
        coco.write();
        try (Catalog catalog = Catalog.open(cache.resolve("c.duckdb"))) {
            new Indexer(IndexOptions.defaults().withThreads(2)).index(catalog, dataset, Progress.NONE);
            return Statistics.compute(catalog, split, 100, fewSamples, exactMedianLimit);
        }
    }

    @Test
    void classCountsSharesAndImbalance() throws IOException {
        DatasetStats s = stats(null, Statistics.DEFAULT_FEW_SAMPLES);
        assertEquals(5, s.images());
        assertEquals(7, s.annotations());
        assertEquals(List.of(new DatasetStats.ClassCount(1, "car", 4, 3), new DatasetStats.ClassCount(2, "tree", 2, 2),
                new DatasetStats.ClassCount(3, "person", 1, 1), new DatasetStats.ClassCount(4, "boat", 0, 0)),
                s.classes());
        assertEquals(4 / 7.0, s.classShares().get(0).instanceShare(), 1e-12);
        assertEquals(3 / 5.0, s.classShares().get(0).imageShare(), 1e-12);
        assertEquals(Imbalance.of(4, 2, 1, 0), s.imbalance());
        assertEquals(6 / 21.0, s.imbalance().gini(), 1e-12);
        assertEquals(List.of("boat", "person", "tree", "car"),
                s.fewSamples().classes().stream().map(DatasetStats.ClassCount::name).toList());
    }

    @Test
    void fewSamplesThresholdIsConfigurable() throws IOException {
        DatasetStats s = stats(null, 2);
        assertEquals(2, s.fewSamples().threshold());
        assertEquals(List.of("boat", "person"),
                s.fewSamples().classes().stream().map(DatasetStats.ClassCount::name).toList());
    }

    @Test
    void splitsKnowTheirAbsentClassesAndShift() throws IOException {
        DatasetStats s = stats(null, 10);
        DatasetStats.SplitCount val = s.splits().get(1);
        assertEquals("val", val.name());
        assertEquals(List.of(new DatasetStats.ClassRef(2, "tree"), new DatasetStats.ClassRef(3, "person")),
                val.absentClasses(), "boat is in no split, so it is absent from none");
        assertEquals(List.of(), s.splits().get(0).absentClasses());
        assertEquals(1, val.imbalance().classes());
        // train car 3, tree 2, person 1 (shares 1/2, 1/3, 1/6); val car 1 (share 1):
        // TVD = (|1/2 - 1| + 1/3 + 1/6) / 2 = 1/2, car's share differs most (1/2 - 1).
        SplitShift trainVal = s.splitShift().get(0);
        assertEquals("train", trainVal.split());
        assertEquals("val", trainVal.reference());
        assertEquals(0.5, trainVal.totalVariation(), 1e-12);
        assertEquals("car", trainVal.largestClass());
        assertEquals(-0.5, trainVal.largestDifference(), 1e-12);
        // val vs all (car 4/7, tree 2/7, person 1/7): (3/7 + 2/7 + 1/7) / 2 = 3/7
        SplitShift valAll = s.splitShift().get(2);
        assertEquals("val", valAll.split());
        assertEquals("all", valAll.reference());
        assertEquals(3 / 7.0, valAll.totalVariation(), 1e-12);
    }

    @Test
    void boxSizesCategoriesBorderAndHeatmap() throws IOException {
        BoxStats b = stats(null, 10).boxes();
        assertEquals(7, b.boxes());
        assertEquals(0, b.withoutBox());
        assertEquals(1, b.invalid());
        assertEquals(3, b.small());
        assertEquals(2, b.medium());
        assertEquals(1, b.large());
        assertEquals(2, b.touchingBorder());
        // widths 10, 10, 20, 40, 100, 140: median (20 + 40) / 2
        assertEquals(6, b.width().count());
        assertEquals(30.0, b.width().median());
        assertEquals(10.0, b.width().min());
        assertEquals(140.0, b.width().max());
        // 2 bins per octave: floor(2 log2 w) = 6, 6, 8, 10, 13, 14; the first bin starts at 2^3.
        assertEquals(8.0, b.widthHistogram().edges().get(0));
        assertEquals(List.of(2L, 0L, 1L, 0L, 1L, 0L, 0L, 1L, 1L), b.widthHistogram().counts());
        assertEquals(6, b.areaHistogram().total());
        // aspect 1 for four boxes, 2 (car in b) and 1.4 (person): floor(4 log2 r) = 0, 4, 1
        assertEquals(List.of(4L, 1L, 0L, 0L, 1L), b.aspectHistogram().counts());
        assertEquals(List.of(new BoxStats.PerImage(0, 1), new BoxStats.PerImage(1, 2), new BoxStats.PerImage(2, 1),
                new BoxStats.PerImage(3, 1)), b.boxesPerImage());
        // centres: (5,5) -> cell 0,0; (50,50) twice -> 8,8; (30,30) -> 4,4; (100,45)/200x100 -> row 7 col 8;
        // (130,50)/200x100 -> row 8 col 10.
        long[][] expected = new long[16][16];
        expected[0][0] = 1;
        expected[8][8] = 2;
        expected[4][4] = 1;
        expected[7][8] = 1;
        expected[8][10] = 1;
        List<List<Long>> rows = new ArrayList<>();
        for (long[] row : expected) {
            rows.add(java.util.Arrays.stream(row).boxed().toList());
        }
        assertEquals(new Heatmap(16, 6, rows), b.heatmap());
        BoxStats.ClassBoxes car = b.perClass().get(0);
        assertEquals("car", car.name());
        assertEquals(4, car.boxes());
        assertEquals(1, car.medium(), "car: 10x10 twice and 20x20 small, 100x50 medium");
        assertEquals(3, car.small());
        assertEquals(1, car.touchingBorder());
        assertEquals(15.0, car.medianWidth());
        assertEquals(3, b.perClass().size(), "boat has no boxes");
        BoxStats.ClassBoxes tree = b.perClass().get(1);
        assertEquals(1, tree.invalid());
        assertEquals(1, tree.widthHistogram().total());
    }

    @Test
    void imageSizesFormatsAndFiles() throws IOException {
        ImageSummary i = stats(null, 10).imagesSummary();
        assertEquals(5, i.images());
        assertEquals(5, i.present());
        assertEquals(0, i.missing());
        assertEquals(1, i.withoutAnnotations());
        assertEquals(new ImageSummary.SizeCount(100, 100, 3), i.commonSizes().get(0));
        assertEquals(3, i.distinctSizes());
        assertEquals(100.0, i.width().median());
        assertEquals(64.0, i.height().min());
        assertEquals(5, i.formats().get(0).images());
        assertEquals(5, i.widthHistogram().total());
        assertEquals(5, i.fileSizeHistogram().total());
        assertEquals(5, i.fileSize().count());
    }

    @Test
    void oneSplitScopesEveryNumber() throws IOException {
        DatasetStats s = stats("val", 10);
        assertEquals(2, s.images());
        assertEquals(1, s.annotations());
        assertEquals(1, s.classes().get(0).instances());
        assertEquals(1, s.boxes().boxes());
        assertEquals(List.of(new BoxStats.PerImage(0, 1), new BoxStats.PerImage(1, 1)), s.boxes().boxesPerImage());
        assertEquals(2, s.imagesSummary().images());
        assertEquals(1, s.imagesSummary().withoutAnnotations());
        assertEquals(1, s.splits().size());
        assertEquals(List.of(), s.splitShift());
        assertNull(s.imbalance().normalizedEntropy(), "only car in val");
        assertEquals(1, s.problemCount(), "val's image without annotations");
    }

    @Test
    void problemsAreCountedByKind() throws IOException {
        DatasetStats s = stats(null, 10);
        // f.jpg's zero-width tree (ERROR), d.jpg without annotations (INFO)
        assertEquals(List.of(new DatasetStats.KindCount("ERROR", "INVALID_BOX", 1),
                new DatasetStats.KindCount("INFO", "IMAGE_WITHOUT_ANNOTATIONS", 1)), s.problemsByKind());
        assertEquals(2, s.problemCount());
        assertEquals("INVALID_BOX", s.problems().get(0).kind());
    }

    @Test
    void binnedMediansAreWithinOneBinOfTheExactOnesAndNothingElseChanges() throws IOException {
        BoxStats exact = stats(null, 10, Long.MAX_VALUE).boxes();
        BoxStats binned = stats(null, 10, 0).boxes();
        // widths 10, 10, 20, 40, 100, 140: exact (20 + 40) / 2 = 30; from the bins each middle value is
        // placed within its 1/64-octave bin, so the result is within 2^(1/64) - 1 = 1.1% of 30.
        assertEquals(30.0, binned.width().median(), 30 * 0.011);
        List<Distribution[]> pairs = List.of(new Distribution[] {exact.width(), binned.width()},
                new Distribution[] {exact.height(), binned.height()}, new Distribution[] {exact.area(), binned.area()},
                new Distribution[] {exact.aspect(), binned.aspect()});
        for (Distribution[] p : pairs) {
            assertEquals(p[0].median(), p[1].median(), p[0].median() * 0.011);
            assertEquals(p[0].count(), p[1].count());
            assertEquals(p[0].min(), p[1].min());
            assertEquals(p[0].max(), p[1].max());
            assertEquals(p[0].mean(), p[1].mean(), Math.abs(p[0].mean()) * 1e-12);
        }
        for (int i = 0; i < exact.perClass().size(); i++) {
            BoxStats.ClassBoxes e = exact.perClass().get(i);
            BoxStats.ClassBoxes b = binned.perClass().get(i);
            assertEquals(e.medianWidth(), b.medianWidth(), e.medianWidth() * 0.011, e.name());
            assertEquals(e.medianHeight(), b.medianHeight(), e.medianHeight() * 0.011, e.name());
            assertEquals(e.medianAspect(), b.medianAspect(), e.medianAspect() * 0.011, e.name());
            assertEquals(e.widthHistogram(), b.widthHistogram());
            assertEquals(e.boxes(), b.boxes());
        }
        assertEquals(List.of(exact.boxes(), exact.invalid(), exact.small(), exact.medium(), exact.large(),
                exact.touchingBorder()), List.of(binned.boxes(), binned.invalid(), binned.small(), binned.medium(),
                binned.large(), binned.touchingBorder()));
        assertEquals(exact.widthHistogram(), binned.widthHistogram());
        assertEquals(exact.areaHistogram(), binned.areaHistogram());
        assertEquals(exact.aspectHistogram(), binned.aspectHistogram());
        assertEquals(exact.heatmap(), binned.heatmap());
        assertEquals(exact.boxesPerImage(), binned.boxesPerImage());
    }

    @Test
    void binnedMedianOfOneRepeatedValueStaysWithinItsBin() {
        // 5 values of 55 px: fine bin floor(64 log2 55) = 370; the median is rank 3 of 5.
        int k = (int) Math.floor(64 * Math.log(55) / Math.log(2));
        Double m = Statistics.binnedMedian(List.of(new long[] {k, 5, 5, 5}));
        assertEquals(55.0, m, 55 * 0.011);
    }

    @Test
    void channelsBitDepthsAndOrientationsAreCountedPerValue() throws IOException {
        CocoFixture coco = new CocoFixture(dataset).categories("car");
        int a = coco.image("train", "a.jpg", 20, 20);
        coco.image("train", "b.jpg", 20, 20);
        coco.image("train", "g.png", 20, 20);
        coco.missingImage("train", "gone.jpg", 20, 20);
        coco.box(a, 1, 1, 1, 5, 5).write();
        // g.png: 16-bit greyscale, one channel
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(20, 20,
                java.awt.image.BufferedImage.TYPE_USHORT_GRAY), "png", dataset.resolve("images/train/g.png").toFile());
        ImageSummary i;
        try (Catalog catalog = Catalog.open(cache.resolve("c.duckdb"))) {
            new Indexer(IndexOptions.defaults().withThreads(2)).index(catalog, dataset, Progress.NONE);
            i = Statistics.compute(catalog, null, 100).imagesSummary();
        }
        assertEquals(List.of(new ImageSummary.ValueCount(1, 1), new ImageSummary.ValueCount(3, 2),
                new ImageSummary.ValueCount(null, 1)), i.channels());
        assertEquals(List.of(new ImageSummary.ValueCount(8, 2), new ImageSummary.ValueCount(16, 1),
                new ImageSummary.ValueCount(null, 1)), i.bitDepths());
        // JPEG and PNG written by ImageIO carry no orientation tag (0); the missing file was not read.
        assertEquals(List.of(new ImageSummary.ValueCount(0, 3), new ImageSummary.ValueCount(null, 1)),
                i.orientations());
    }
}
