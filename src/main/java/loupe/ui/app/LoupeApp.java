package loupe.ui.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;

import javafx.animation.PauseTransition;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;
import javafx.util.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import loupe.ui.fx.Snapshots;
import loupe.ui.fx.Theme;

/**
 * The desktop app. Everything is wired here, by hand: the services ({@link AppServices}), the view models
 * ({@link Workspace}) and the window; settings are read in {@link #init()} (off the FX thread) and written on exit.
 * Started through {@link #start(String[])} from {@code loupe.Main}, because launching a class that extends
 * {@code Application} directly from the classpath fails.
 *
 * <p>Hidden option for screenshots: {@code -Dloupe.snapshot=FILE} writes the window to a PNG file once the first
 * index has finished (or failed), then quits; {@code -Dloupe.snapshot.view=overview|gallery|viewer|problems|curate} and
 * {@code -Dloupe.snapshot.theme=dark|light} choose what it shows. Snapshots neither read nor write the settings.
 */
public final class LoupeApp extends Application {

    private static final Logger LOG = LoggerFactory.getLogger(LoupeApp.class);

    // Held in a static field because java.util.logging keeps loggers weakly: a level set on a logger that is
    // collected is lost. SEVERE hides "Unsupported JavaFX configuration: classes were loaded from 'unnamed
    // module'", which the classpath layout (see docs) triggers on every start.
    private static final java.util.logging.Logger JAVAFX_LOG = java.util.logging.Logger.getLogger("javafx");

    static {
        JAVAFX_LOG.setLevel(Level.SEVERE);
    }

    /** System property naming the PNG file for {@code --snapshot}-style captures. */
    static final String SNAPSHOT_PROPERTY = "loupe.snapshot";
    /** The view to capture: overview (default), gallery, viewer or problems. */
    static final String SNAPSHOT_VIEW_PROPERTY = "loupe.snapshot.view";
    /** The theme to capture: light (default) or dark. */
    static final String SNAPSHOT_THEME_PROPERTY = "loupe.snapshot.theme";
    /** Give up waiting for the first index after this long and capture whatever is shown. */
    private static final Duration SNAPSHOT_TIMEOUT = Duration.minutes(2);
    /** Let tables lay out and the status bar settle before capturing; thumbnails need a little longer. */
    private static final Duration SNAPSHOT_SETTLE = Duration.millis(600);
    private static final Duration SNAPSHOT_SETTLE_IMAGES = Duration.millis(6000);

    /** The settings, read on a thread of their own while the toolkit starts (see {@link #start(String[])}). */
    private static final java.util.concurrent.CompletableFuture<AppSettings> SETTINGS =
            new java.util.concurrent.CompletableFuture<>();
    private static volatile boolean settingsReadStarted;

    private AppServices services;
    private MainViewModel model;
    private Workspace workspace;
    private AppSettings settings = AppSettings.DEFAULTS;
    private Path initialFolder;
    private boolean snapshotMode;

    /** Starts the app with the given arguments (none, or one dataset folder); returns when the window closes. */
    public static void start(String[] args) {
        // The settings file is read while the toolkit starts, off the path to the first frame.
        if (System.getProperty(SNAPSHOT_PROPERTY, "").isBlank()) {
            Thread reader = new Thread(() -> {
                AppSettings read = AppSettings.DEFAULTS;
                try {
                    read = AppSettings.load(AppSettings.defaultFile());
                } finally {
                    SETTINGS.complete(read);
                }
            }, "loupe-settings-read");
            reader.setDaemon(true);
            settingsReadStarted = true;
            reader.start();
        }
        try {
            Application.launch(LoupeApp.class, args);
        } catch (RuntimeException e) {
            // Typically "Unable to open DISPLAY" on a server: say so in one line instead of a stack trace.
            LOG.debug("Cannot start the desktop app", e);
            System.err.println("loupe: cannot open a window (" + e.getMessage() + ")."
                    + " The command line works without one: loupe --help");
            System.exit(1);
        }
    }

    /** Runs on the launcher thread, not the FX thread: the file-system look-ups of start-up happen here. */
    @Override
    public void init() {
        StartupTrace.mark("init");
        snapshotMode = !System.getProperty(SNAPSHOT_PROPERTY, "").isBlank();
        if (!snapshotMode) {
            // Read by start(String[]) meanwhile; read here when the app was launched another way.
            settings = settingsReadStarted ? SETTINGS.join()
                    : AppSettings.load(AppSettings.defaultFile());
        }
        initialFolder = MainViewModel.initialFolder(getParameters().getRaw(), Path.of(""), settings.lastDataset());
    }

    @Override
    public void start(Stage stage) {
        StartupTrace.mark("fx start");
        services = new AppServices(true);
        StartupTrace.mark("services");
        model = services.newMainModel();
        model.getRecent().setAll(settings.recent());
        model.themeProperty().set(Theme.parse(settings.theme()));
        model.setView(AppView.parse(settings.view(), AppView.OVERVIEW));
        if (snapshotMode) {
            model.themeProperty().set(Theme.parse(System.getProperty(SNAPSHOT_THEME_PROPERTY)));
            model.setView(AppView.parse(System.getProperty(SNAPSHOT_VIEW_PROPERTY), AppView.OVERVIEW));
        }
        workspace = services.newWorkspace(model, Platform::runLater);
        StartupTrace.mark("workspace");
        MainWindow window = new MainWindow(workspace);
        StartupTrace.mark("window built");
        stage.setScene(window.scene());
        stage.titleProperty().bind(model.titleProperty());
        stage.setMinWidth(720);
        stage.setMinHeight(480);
        placeWindow(stage);
        stage.show();
        StartupTrace.mark("shown");
        StartupTrace.firstFrame();
        MainWindow.afterFirstFrame(services::release);
        if (snapshotMode) {
            snapshotWhenSettled(stage, Path.of(System.getProperty(SNAPSHOT_PROPERTY)));
        }
        if (initialFolder != null) {
            model.open(initialFolder);
        }
    }

    private void placeWindow(Stage stage) {
        if (snapshotMode) {
            stage.setWidth(1400);
            stage.setHeight(880);
            return;
        }
        if (settings.width() >= 400 && settings.height() >= 300) {
            stage.setWidth(settings.width());
            stage.setHeight(settings.height());
        }
        // NOTE: the position is restored as saved; a monitor that is gone can leave the window off screen, which
        // Screen.getScreensForRectangle could check (JavaFX offers no cheaper test).
        if (!Double.isNaN(settings.x()) && !Double.isNaN(settings.y())
                && !javafx.stage.Screen.getScreensForRectangle(settings.x(), settings.y(), 100, 100).isEmpty()) {
            stage.setX(settings.x());
            stage.setY(settings.y());
        }
        stage.setMaximized(settings.maximized());
        stage.setOnHidden(e -> settings = settings
                .withWindow(stage.getX(), stage.getY(), stage.isMaximized() ? settings.width() : stage.getWidth(),
                        stage.isMaximized() ? settings.height() : stage.getHeight(), stage.isMaximized()));
    }

    @Override
    public void stop() throws InterruptedException {
        if (model != null) {
            model.cancel();
            if (!snapshotMode) {
                AppSettings toSave = new AppSettings(settings.x(), settings.y(), settings.width(), settings.height(),
                        settings.maximized(), model.themeProperty().get().id(), model.getView().id(),
                        List.copyOf(model.getRecent()));
                // Written off the FX thread; stop() waits for it so nothing is lost on exit.
                Thread writer = new Thread(() -> {
                    try {
                        toSave.save(AppSettings.defaultFile());
                    } catch (IOException e) {
                        LOG.warn("Cannot save the settings to {}: {}", AppSettings.defaultFile(), e.toString());
                    }
                }, "loupe-settings");
                writer.start();
                writer.join(2000);
            }
        }
        if (services != null) {
            services.close();
        }
    }

    private void snapshotWhenSettled(Stage stage, Path file) {
        AtomicBoolean taken = new AtomicBoolean();
        Runnable capture = () -> {
            if (!taken.compareAndSet(false, true)) {
                return;
            }
            Snapshots.Capture pixels = Snapshots.capture(stage.getScene());
            Thread writer = new Thread(() -> {
                int code = 0;
                try {
                    pixels.writePng(file);
                    LOG.info("Wrote {}x{} snapshot to {}", pixels.width(), pixels.height(), file.toAbsolutePath());
                } catch (IOException e) {
                    LOG.error("Cannot write the snapshot to {}", file, e);
                    code = 1;
                }
                Platform.exit();
                if (code != 0) {
                    System.exit(code);
                }
            }, "loupe-snapshot");
            writer.start();
        };
        // Charts, curation previews, thumbnails and tiles all arrive a little after the index is open.
        boolean images = model.getView() != AppView.PROBLEMS;
        Runnable settle = () -> {
            if (model.getView() == AppView.VIEWER) {
                selectFirstImage(0);
            }
            PauseTransition pause = new PauseTransition(images ? SNAPSHOT_SETTLE_IMAGES : SNAPSHOT_SETTLE);
            pause.setOnFinished(e -> capture.run());
            pause.play();
        };
        Runnable settleThenCapture = () -> whenViewsLoaded(settle, 0);
        model.statusProperty().addListener((obs, old, status) -> {
            if (status != MainViewModel.Status.INDEXING) {
                settleThenCapture.run();
            }
        });
        // Started without a folder and without the sample: the empty state is what there is to capture.
        Platform.runLater(() -> {
            if (model.getStatus() == MainViewModel.Status.EMPTY) {
                settleThenCapture.run();
            }
        });
        PauseTransition timeout = new PauseTransition(SNAPSHOT_TIMEOUT);
        timeout.setOnFinished(e -> capture.run());
        timeout.play();
    }

    /** Runs {@code then} once the gallery and the problems have read the catalog (or after ~10 s). */
    private void whenViewsLoaded(Runnable then, int attempt) {
        boolean loaded = model.getStatus() != MainViewModel.Status.LOADED
                || ((model.getView() != AppView.PROBLEMS || !workspace.problems().getCountText().isEmpty())
                && !workspace.gallery().getCountText().isEmpty()
                && !workspace.gallery().getCountText().startsWith("Counting"));
        if (loaded || attempt > 100) {
            then.run();
            return;
        }
        PauseTransition retry = new PauseTransition(Duration.millis(100));
        retry.setOnFinished(e -> whenViewsLoaded(then, attempt + 1));
        retry.play();
    }

    /** For a viewer snapshot: select the gallery's first image once its page has arrived. */
    private void selectFirstImage(int attempt) {
        if (workspace.gallery().getSelected() != null || attempt > 20) {
            return;
        }
        workspace.gallery().select(0);
        PauseTransition retry = new PauseTransition(Duration.millis(100));
        retry.setOnFinished(e -> selectFirstImage(attempt + 1));
        retry.play();
    }
}
