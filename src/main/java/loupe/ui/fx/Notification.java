package loupe.ui.fx;

import java.util.Objects;

/**
 * A message shown in the window's notification banner, never as a modal dialog.
 *
 * @param level   how it is shown
 * @param message one or two plain sentences for the user
 * @param details technical details (exception chain) behind a "Details" expander; empty for none
 */
public record Notification(Level level, String message, String details) {

    public enum Level { INFO, WARNING, ERROR }

    public Notification {
        Objects.requireNonNull(level);
        Objects.requireNonNull(message);
        details = details == null ? "" : details;
    }

    public static Notification error(String message, Throwable cause) {
        return new Notification(Level.ERROR, message, causeChain(cause));
    }

    /** "java.io.IOException: x\ncaused by: ..." without stack frames. */
    public static String causeChain(Throwable error) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (sb.length() > 0) {
                sb.append("\ncaused by: ");
            }
            sb.append(t);
        }
        return sb.toString();
    }
}
