package loupe.ui.app;

import java.util.Locale;

/** The views of the main window, in the order of their shortcuts (Ctrl+1 ...). */
public enum AppView {
    OVERVIEW("Overview"),
    GALLERY("Gallery"),
    VIEWER("Viewer"),
    PROBLEMS("Problems"),
    CURATE("Curate");

    private final String title;

    AppView(String title) {
        this.title = title;
    }

    public String title() {
        return title;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The view named {@code name} (case ignored), or {@code fallback}. */
    public static AppView parse(String name, AppView fallback) {
        if (name != null) {
            for (AppView v : values()) {
                if (v.name().equalsIgnoreCase(name.strip())) {
                    return v;
                }
            }
        }
        return fallback;
    }
}
