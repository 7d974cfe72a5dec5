package loupe.ui.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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

/**
 * The desktop app. Everything is wired here, by hand: the index executor, the main window's model and view.
 * Started through {@link #start(String[])} from {@code loupe.Main}, because launching a class that extends
 * {@code Application} directly from the classpath fails.
 *
 * <p>Hidden option for screenshots: {@code -Dloupe.snapshot=FILE} writes the window to a PNG file once the first
 * index has finished (or failed), then quits.
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
    /** Give up waiting for the first index after this long and capture whatever is shown. */
    private static final Duration SNAPSHOT_TIMEOUT = Duration.minutes(2);
    /** Let tables lay out and the status bar settle before capturing. */
    private static final Duration SNAPSHOT_SETTLE = Duration.millis(600);

    private ExecutorService indexExecutor;
    private MainViewModel model;

    /** Starts the app with the given arguments (none, or one dataset folder); returns when the window closes. */
    public static void start(String[] args) {
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

    @Override
    public void start(Stage stage) {
        indexExecutor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "loupe-index");
            t.setDaemon(true);
            return t;
        });
        model = new MainViewModel(indexExecutor);
        MainWindow window = new MainWindow(model);
        stage.setScene(window.scene());
        stage.titleProperty().bind(model.titleProperty());
        stage.setMinWidth(720);
        stage.setMinHeight(480);
        stage.show();
        String snapshot = System.getProperty(SNAPSHOT_PROPERTY, "");
        if (!snapshot.isBlank()) {
            snapshotWhenSettled(stage, Path.of(snapshot));
        }
        model.openInitial(getParameters().getRaw(), Path.of(""));
    }

    @Override
    public void stop() throws InterruptedException {
        if (model != null) {
            model.cancel();
        }
        if (indexExecutor != null) {
            // A cancelled index stops at its next file; waiting a little lets it close the catalog cleanly
            // (a killed run would be safe too, see Catalog).
            indexExecutor.shutdown();
            indexExecutor.awaitTermination(3, TimeUnit.SECONDS);
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
        Runnable settleThenCapture = () -> {
            PauseTransition settle = new PauseTransition(SNAPSHOT_SETTLE);
            settle.setOnFinished(e -> capture.run());
            settle.play();
        };
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
}
