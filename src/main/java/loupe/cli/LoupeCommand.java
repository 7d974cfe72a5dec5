package loupe.cli;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root of the command line: {@code loupe <command> ...}. */
@Command(name = "loupe", mixinStandardHelpOptions = true, versionProvider = LoupeCommand.Version.class,
        description = "Audit and reshape computer-vision datasets.",
        subcommands = {IndexCommand.class, StatsCommand.class, ConvertCommand.class, ListCommand.class,
                ProbeCommand.class, ManifestCommand.class, ShardsCommand.class, ChipCommand.class,
                ExportCommand.class, ValidateCommand.class, ReportCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 failure, 2 usage error.",
                "Run without a command (or with a folder) to open the desktop app."})
public final class LoupeCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs the CLI and returns the exit code. */
    /** For a command-line run: compile with HotSpot's quick compiler only (see {@link QuickJit}). */
    public static void preferQuickJit() {
        QuickJit.start();
    }

    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new LoupeCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler(new ErrorHandler());
        return cli.execute(args);
    }

    /** True when {@code name} is one of the subcommands (so Main can tell a command from a folder). */
    public static boolean isCommand(String name) {
        return new CommandLine(new LoupeCommand()).getSubcommands().containsKey(name);
    }

    /** Reads the version from the jar manifest, or says it is a development build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = LoupeCommand.class.getPackage().getImplementationVersion();
            return new String[] {"loupe " + (v == null ? "development build" : v)};
        }
    }

    /**
     * Turns any failure into one clear line on stderr and exit code 1; {@code --verbose} adds the stack trace.
     * Usage errors never get here (picocli prints them with exit code 2).
     */
    static final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
            PrintWriter err = cli.getErr();
            err.println("loupe: " + CliErrors.describe(e));
            if (parsed.hasMatchedOption("--verbose") || (parsed.subcommand() != null
                    && parsed.subcommand().hasMatchedOption("--verbose"))) {
                e.printStackTrace(err);
            }
            err.flush();
            return 1;
        }
    }
}
