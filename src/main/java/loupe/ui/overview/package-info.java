/**
 * The Overview view: the dataset summary, class counts and first problems ({@link loupe.ui.overview.OverviewView}).
 * The class-distribution and box-size charts will live here.
 */
package loupe.ui.overview;
