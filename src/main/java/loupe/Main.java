package loupe;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

import loupe.cli.LoupeCommand;
import loupe.core.index.DuckDbLibrary;

/**
 * Entry point. No arguments, or a folder, starts the desktop app; anything else runs the command line.
 * Not a JavaFX {@code Application}: launching one from the classpath fails with "JavaFX runtime components
 * are missing", so the app class is started from here.
 */
public final class Main {

    private Main() {
    }

    /** Commands that open a catalog: DuckDB's native library is loaded for them while the command line is parsed. */
    private static final Set<String> CATALOG_COMMANDS = Set.of("index", "stats", "validate", "report", "manifest",
            "export", "shards", "chip", "convert");

    public static void main(String[] args) {
        boolean app = startsApp(args);
        if (!app) {
            LoupeCommand.preferQuickJit(); // a command-line run lasts seconds: see QuickJit
        }
        if (args.length > 0 && CATALOG_COMMANDS.contains(args[0])
                && Arrays.stream(args).noneMatch(a -> a.equals("-h") || a.equals("--help"))) {
            DuckDbLibrary.preload();
        }
        if (app) {
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
        // The argument count first: isCommand builds the whole command model, which execute builds again.
        return args.length == 1 && !first.startsWith("-") && !LoupeCommand.isCommand(first)
                && java.nio.file.Files.isDirectory(java.nio.file.Path.of(first));
    }
}
