package loupe.ui.app;

import java.lang.management.ManagementFactory;

import javafx.animation.AnimationTimer;

/**
 * Start-up milestones, printed to stderr as {@code startup <ms since JVM start> <milestone>} when the system
 * property {@code loupe.trace.startup} is true (bench/gallery.sh's cold-start mode reads them). Costs nothing
 * otherwise.
 */
final class StartupTrace {

    static final boolean ON = Boolean.getBoolean("loupe.trace.startup");

    private StartupTrace() {
    }

    static void mark(String milestone) {
        if (ON) {
            long ms = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
            System.err.println("startup " + ms + " " + milestone);
        }
    }

    /** Marks the first pulse after this call (the first frame with the window's content). */
    static void firstFrame() {
        if (ON) {
            new AnimationTimer() {
                private int pulses;

                @Override
                public void handle(long now) {
                    // The first pulse lays out and renders the first frame; the second starts after it.
                    mark(pulses == 0 ? "first pulse" : "second pulse (first frame done)");
                    if (++pulses == 2) {
                        stop();
                    }
                }
            }.start();
        }
    }
}
