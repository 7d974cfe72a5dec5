package loupe.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

import loupe.core.index.FileWalker;
import loupe.core.index.IndexOptions;
import loupe.core.model.Problem;
import loupe.core.task.Progress;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code loupe list DIR}: the indexer's parallel listing on its own, like {@code fd -t f}. Reads directory
 * entries only unless {@code --stat} asks for sizes and mtimes. Touches no catalog.
 */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the files of a folder with the indexer's parallel walk (no catalog).")
public final class ListCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "The folder.")
    Path root;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: ${DEFAULT-VALUE}).")
    int threads = IndexOptions.defaultThreads();

    @Option(names = "--stat", description = "Also read each file's size and mtime (one stat per file).")
    boolean stat;

    @Option(names = "--count", description = "Print only the number of files (and the time taken on stderr).")
    boolean count;

    @Option(names = "--verbose", description = "Stack traces with errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long start = System.nanoTime();
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            FileWalker.Listing listing = new FileWalker(pool).list(root, Progress.NONE);
            List<String> files = listing.files();
            long[] sizes = stat ? new long[files.size()] : null;
            long[] mtimes = stat ? new long[files.size()] : null;
            if (stat) {
                pool.submit(() -> java.util.stream.IntStream.range(0, files.size()).parallel().forEach(i -> {
                    try {
                        BasicFileAttributes a = Files.readAttributes(root.resolve(files.get(i)), BasicFileAttributes.class);
                        sizes[i] = a.size();
                        mtimes[i] = a.lastModifiedTime().toMillis();
                    } catch (java.io.IOException e) {
                        sizes[i] = -1;
                    }
                })).get();
            }
            if (count) {
                out.println(files.size());
            } else {
                StringBuilder sb = new StringBuilder(1 << 16);
                for (int i = 0; i < files.size(); i++) {
                    if (stat) {
                        sb.append(sizes[i]).append(' ').append(mtimes[i]).append(' ');
                    }
                    sb.append(files.get(i)).append('\n');
                    if (sb.length() > 60_000) {
                        out.print(sb);
                        sb.setLength(0);
                    }
                }
                out.print(sb);
            }
            out.flush();
            for (Problem p : listing.problems()) {
                err.println(p.kind() + " " + p.path() + ": " + p.message());
            }
            if (count) {
                err.printf("%d files in %d ms%n", files.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            }
        } finally {
            pool.shutdownNow();
        }
        return 0;
    }
}
