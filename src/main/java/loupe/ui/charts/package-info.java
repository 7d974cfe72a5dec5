/**
 * The Overview's charts as a self-contained node: {@link loupe.ui.charts.OverviewCharts} (class distribution,
 * per-split comparison, imbalance metrics, box size and aspect histograms, images per class) and its view model
 * {@link loupe.ui.charts.OverviewChartsModel}, which takes {@link loupe.core.stats.DatasetStats} computed off the FX
 * thread by the caller. Styles live in {@code loupe/ui/charts.css}, which the node adds to itself.
 */
package loupe.ui.charts;
