package loupe;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import loupe.cli.LoupeCommand;

/**
 * Entry point. No arguments, or a folder, starts the desktop app; anything else runs the command line.
 * Not a JavaFX {@code Application}: launching one from the classpath fails with "JavaFX runtime components
 * are missing", so the app class is started from here.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        if (startsApp(args)) {
            loupe.ui.app.LoupeApp.start(args);
            return;
        }
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = LoupeCommand.execute(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    static boolean startsApp(String[] args) {
        if (args.length == 0) {
            return true;
        }
        String first = args[0];
        return !first.startsWith("-") && !LoupeCommand.isCommand(first) && args.length == 1
                && java.nio.file.Files.isDirectory(java.nio.file.Path.of(first));
    }
}
