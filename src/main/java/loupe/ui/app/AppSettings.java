package loupe.ui.app;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the app remembers between runs: window bounds, theme, the last dataset and the recent ones. Stored as a
 * small JSON file, {@code settings.json}, in Loupe's config folder ({@code loupe.config.dir} property, else
 * {@code $XDG_CONFIG_HOME/loupe} or {@code ~/.config/loupe}). Reading and writing are file I/O: call them off the
 * FX thread ({@link LoupeApp} reads in {@code init()} and writes on its I/O thread).
 *
 * @param x         window position, NaN when unknown
 * @param y         window position, NaN when unknown
 * @param width     window size, 0 when unknown
 * @param height    window size, 0 when unknown
 * @param maximized whether the window was maximized
 * @param theme     "light" or "dark"
 * @param view      the view shown last ("overview", "gallery" ...)
 * @param recent    dataset folders, most recent first, at most {@link #MAX_RECENT}; the first is the last opened
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AppSettings(double x, double y, double width, double height, boolean maximized, String theme,
                          String view, List<String> recent) {

    private static final Logger LOG = LoggerFactory.getLogger(AppSettings.class);
    public static final int MAX_RECENT = 10;
    public static final AppSettings DEFAULTS = new AppSettings(Double.NaN, Double.NaN, 0, 0, false, "light",
            "overview", List.of());

    /** Made on first use: Jackson's start-up is ~0.3 s of class loading, not needed when there is no file. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    public AppSettings {
        theme = theme == null ? "light" : theme;
        view = view == null ? "overview" : view;
        recent = recent == null ? List.of() : List.copyOf(recent.stream().limit(MAX_RECENT).toList());
    }

    /** The config folder: {@code loupe.config.dir}, else {@code $XDG_CONFIG_HOME/loupe}, else ~/.config/loupe. */
    public static Path configDirectory() {
        String override = System.getProperty("loupe.config.dir", System.getenv("LOUPE_CONFIG_DIR"));
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("loupe");
    }

    public static Path defaultFile() {
        return configDirectory().resolve("settings.json");
    }

    /** Reads {@code file}; the defaults when it is absent or unreadable (logged, never thrown). */
    public static AppSettings load(Path file) {
        if (!Files.isRegularFile(file)) {
            return DEFAULTS;
        }
        AppSettings quick = null;
        try {
            quick = SettingsJson.parse(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            // Not UTF-8, or gone meanwhile: Jackson says what is wrong below.
        }
        if (quick != null) {
            return quick;
        }
        try {
            return Json.MAPPER.readValue(file.toFile(), AppSettings.class);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Ignoring unreadable settings {}: {}", file, e.toString());
            return DEFAULTS;
        }
    }

    /** Writes {@code file} atomically (temp file, then rename). */
    public void save(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".settings-", ".tmp");
        try {
            Json.MAPPER.writeValue(temp.toFile(), this);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** These settings with {@code folder} first in the recent list (once). */
    public AppSettings withOpened(String folder) {
        List<String> list = new ArrayList<>(recent);
        list.remove(folder);
        list.add(0, folder);
        return new AppSettings(x, y, width, height, maximized, theme, view, list);
    }

    public AppSettings withWindow(double newX, double newY, double newWidth, double newHeight, boolean max) {
        return new AppSettings(newX, newY, newWidth, newHeight, max, theme, view, recent);
    }

    public AppSettings withTheme(String newTheme) {
        return new AppSettings(x, y, width, height, maximized, newTheme, view, recent);
    }

    public AppSettings withView(String newView) {
        return new AppSettings(x, y, width, height, maximized, theme, newView, recent);
    }

    /** The last dataset opened, or null. */
    public String lastDataset() {
        return recent.isEmpty() ? null : recent.get(0);
    }
}
