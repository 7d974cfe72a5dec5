package loupe.ui.viewer;

import javafx.scene.paint.Color;

/**
 * A stable colour per class id: hues spaced by the golden ratio, so neighbouring ids differ strongly and a class
 * keeps its colour whatever other classes the dataset has (never by position in a list).
 */
public final class ClassColors {

    private static final double GOLDEN_RATIO_CONJUGATE = 0.6180339887498949;

    private ClassColors() {
    }

    /** The colour of a class id (any int, negative ids included). */
    public static Color of(int classId) {
        double hue = (0.12 + classId * GOLDEN_RATIO_CONJUGATE) % 1.0;
        if (hue < 0) {
            hue += 1;
        }
        // Darker, more saturated shades on odd ids keep neighbours apart where the hues come close.
        boolean odd = (classId & 1) != 0;
        return Color.hsb(hue * 360, odd ? 0.85 : 0.70, odd ? 0.85 : 1.0);
    }

    /** Black or white, whichever reads better on {@code background}. */
    public static Color textOn(Color background) {
        double luminance = 0.2126 * background.getRed() + 0.7152 * background.getGreen()
                + 0.0722 * background.getBlue();
        return luminance > 0.6 ? Color.BLACK : Color.WHITE;
    }
}
