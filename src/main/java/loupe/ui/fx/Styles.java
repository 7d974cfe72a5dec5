package loupe.ui.fx;

import java.util.Objects;

import javafx.scene.Scene;

/** CSS class names used from code, and the stylesheet that defines them ({@code loupe/ui/loupe.css}). */
public final class Styles {

    /** Centred placeholder shown when no dataset is open, or while one is being indexed. */
    public static final String EMPTY_STATE = "empty-state";
    /** The big line of a placeholder or message. */
    public static final String HEADLINE = "headline";
    /** Secondary, greyed text. */
    public static final String MUTED = "muted";
    /** A message that something went wrong (unknown format, unreadable folder). */
    public static final String ERROR_MESSAGE = "error-message";
    /** The dataset summary above the tables. */
    public static final String SUMMARY = "dataset-summary";
    /** A small title above a table. */
    public static final String SECTION_TITLE = "section-title";
    /** The problem count, coloured when there are problems. */
    public static final String PROBLEM_COUNT = "problem-count";
    /** Added to {@link #PROBLEM_COUNT} when the count is not zero. */
    public static final String HAS_PROBLEMS = "has-problems";
    /** Table columns whose cells hold numbers (right-aligned). */
    public static final String NUMERIC = "numeric";
    /** The button that starts the main action of a screen. */
    public static final String PRIMARY = "primary";

    /** The notification banner, and its error / warning looks. */
    public static final String BANNER = "notification-banner";
    public static final String BANNER_ERROR = "error";
    public static final String BANNER_WARNING = "warning";
    /** A button without a border (icon-like). */
    public static final String FLAT = "flat";
    /** The bar of view buttons (Overview, Gallery, Viewer, Problems). */
    public static final String VIEW_BAR = "view-bar";
    /** The gallery's grid, its rows and tiles. */
    public static final String GALLERY = "gallery";
    public static final String GALLERY_TILE = "gallery-tile";
    public static final String GALLERY_TILE_NAME = "gallery-tile-name";
    /** Added to a gallery tile that shows the selected image. */
    public static final String SELECTED = "selected";
    /** A bar of filters or view options. */
    public static final String FILTER_BAR = "filter-bar";
    /** The "1,234 of 5,000 images" count. */
    public static final String COUNT = "count";

    private static final String STYLESHEET = "/loupe/ui/loupe.css";

    private Styles() {
    }

    /** Adds Loupe's stylesheets to a scene, in the light theme. */
    public static void apply(Scene scene) {
        apply(scene, Theme.LIGHT);
    }

    /** Sets a scene's stylesheets: Loupe's base sheet, then {@code theme}'s colours. */
    public static void apply(Scene scene, Theme theme) {
        scene.getStylesheets().setAll(url(STYLESHEET), url(theme.stylesheet()));
    }

    private static String url(String resource) {
        return Objects.requireNonNull(Styles.class.getResource(resource), "missing " + resource).toExternalForm();
    }
}
