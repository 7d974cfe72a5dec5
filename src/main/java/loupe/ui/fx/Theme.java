package loupe.ui.fx;

import java.util.Locale;

/** The window's colour theme: Loupe's base stylesheet plus one stylesheet per theme. */
public enum Theme {
    LIGHT("/loupe/ui/loupe-light.css"),
    DARK("/loupe/ui/loupe-dark.css");

    private final String stylesheet;

    Theme(String stylesheet) {
        this.stylesheet = stylesheet;
    }

    String stylesheet() {
        return stylesheet;
    }

    /** The theme named {@code name} (case ignored), or LIGHT for null or an unknown name. */
    public static Theme parse(String name) {
        if (name != null) {
            for (Theme t : values()) {
                if (t.name().equalsIgnoreCase(name.strip())) {
                    return t;
                }
            }
        }
        return LIGHT;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
