package loupe.ui.fx;

import javafx.scene.paint.Color;

/**
 * A stable colour per class id: the same class is drawn in the same colour in the gallery, the viewer and the
 * charts, in every session. Twelve well separated hues (Tableau-like), reused in order for ids beyond them.
 */
public final class ClassPalette {

    private static final Color[] COLOURS = {
        Color.web("#4e79a7"), Color.web("#f28e2b"), Color.web("#e15759"), Color.web("#76b7b2"),
        Color.web("#59a14f"), Color.web("#edc948"), Color.web("#b07aa1"), Color.web("#ff9da7"),
        Color.web("#9c755f"), Color.web("#17becf"), Color.web("#bcbd22"), Color.web("#7f7fff"),
    };

    private ClassPalette() {
    }

    /** The colour of class {@code classId} (any int, negative too). */
    public static Color colour(int classId) {
        return COLOURS[Math.floorMod(classId, COLOURS.length)];
    }

    /** How many distinct colours there are before they repeat. */
    public static int size() {
        return COLOURS.length;
    }
}
