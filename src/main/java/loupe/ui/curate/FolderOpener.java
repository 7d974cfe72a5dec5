package loupe.ui.curate;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import javafx.application.Platform;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a folder in the desktop's file manager with {@code xdg-open}, off the FX thread.
 */
// NOTE: java.awt.Desktop is unreliable with JavaFX on Linux (it needs the AWT toolkit and often reports no
// support), so xdg-open is run directly; on failure the caller shows the path instead.
final class FolderOpener {

    private static final Logger LOG = LoggerFactory.getLogger(FolderOpener.class);

    private FolderOpener() {
    }

    /**
     * Runs {@code xdg-open folder} on a short-lived daemon thread; {@code onFailure} gets a reason on the FX thread
     * when the command is missing or fails.
     */
    static void open(Path folder, Consumer<String> onFailure) {
        Thread t = new Thread(() -> {
            String failure = null;
            try {
                Process p = new ProcessBuilder("xdg-open", folder.toAbsolutePath().toString())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                // xdg-open returns once the file manager is launched; a quick non-zero exit means it failed.
                if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() != 0) {
                    failure = "xdg-open exited with " + p.exitValue();
                }
            } catch (IOException e) {
                failure = "xdg-open is not available";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failure != null) {
                LOG.info("Cannot open {}: {}", folder, failure);
                String reason = failure;
                Platform.runLater(() -> onFailure.accept(reason));
            }
        }, "loupe-open-folder");
        t.setDaemon(true);
        t.start();
    }
}
