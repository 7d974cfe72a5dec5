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

    private static final String STYLESHEET = "/loupe/ui/loupe.css";

    private Styles() {
    }

    /** Adds Loupe's stylesheet to a scene. */
    public static void apply(Scene scene) {
        scene.getStylesheets().add(Objects.requireNonNull(Styles.class.getResource(STYLESHEET),
                "missing " + STYLESHEET).toExternalForm());
    }
}
