package loupe.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import loupe.core.probe.ByteSizes;
import loupe.core.probe.ProbeOptions;
import loupe.core.probe.ProbeResult;
import loupe.core.probe.StorageProbe;
import loupe.core.task.ProgressTracker;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code loupe probe DIR}: how fast the storage holding a dataset lists, reads and writes. */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = {"Measure the storage that holds a dataset with the dataset's own files: listing, image "
                + "headers, whole images in random order and large files in order at several thread counts, and a "
                + "checkpoint-sized write beside the dataset (deleted afterwards; nothing is written into DIR).",
                "Says how many images/s the storage can feed and when the numbers are page-cache speed."})
public final class ProbeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "The dataset folder.")
    Path root;

    @Option(names = "--seconds", paramLabel = "S",
            description = "Time bound of each run (one phase at one thread count), seconds "
                    + "(default: ${DEFAULT-VALUE}).")
    double seconds = ProbeOptions.DEFAULT_SECONDS;

    @Option(names = "--threads", paramLabel = "N", split = ",",
            description = "Thread counts to measure (default: 1,2,4,8, up to twice the cores).")
    List<Integer> threads;

    @Option(names = "--max-files", paramLabel = "N",
            description = "File-count bound of each run (default: ${DEFAULT-VALUE}).")
    int maxFiles = ProbeOptions.DEFAULT_MAX_FILES;

    @Option(names = "--target-images-per-second", paramLabel = "R",
            description = "The rate the storage must feed (e.g. what your GPUs consume); the probe says whether it "
                    + "keeps up and by how much.")
    double target;

    @Option(names = "--write-size", paramLabel = "SIZE",
            description = "Size of the checkpoint-like file written beside the dataset, e.g. 1GB, 256MB "
                    + "(K/M/G = 1024-based; default: ${DEFAULT-VALUE}).")
    String writeSize = "1GB";

    @Option(names = "--no-write", description = "Skip the write test.")
    boolean noWrite;

    @Option(names = "--drop-caches", description = "Root only: drop the page cache once before the probe "
            + "(echo 3 > /proc/sys/vm/drop_caches), so first reads come from the disk. Slows every process on "
            + "the machine for a while.")
    boolean dropCaches;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No progress on stderr.")
    boolean quiet;

    @Option(names = "--verbose", description = "Stack traces with errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ProbeOptions options = options();
        ProgressTracker tracker = new ProgressTracker();
        ProbeResult result;
        try (ProgressPrinter printer = new ProgressPrinter(tracker, spec.commandLine().getErr(), !quiet)) {
            result = new StorageProbe(root, options).run(tracker);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
        } else {
            out.print(format(result));
        }
        out.flush();
        return 0;
    }

    private ProbeOptions options() {
        long writeBytes;
        try {
            writeBytes = noWrite ? 0 : ByteSizes.parse(writeSize);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--write-size: " + e.getMessage());
        }
        try {
            return new ProbeOptions(seconds, threads == null || threads.isEmpty()
                    ? ProbeOptions.defaultThreadCounts() : threads, maxFiles, writeBytes, target, dropCaches);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The text report: a table of runs, then the write test, the feed rate, the verdict and the cache verdict. */
    static String format(ProbeResult r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Storage probe of %s (%s), %.3g s per run, threads %s%n", r.root(),
                r.volume(), r.secondsPerRun(), r.threadCounts().toString().replaceAll("[\\[\\]]", "")));
        ProbeResult.DatasetSample d = r.dataset();
        sb.append(String.format(Locale.ROOT, "Dataset: %,d files (%,d images), about %s; mean image %s "
                        + "(sizes from %,d sampled files)%n", d.files(), d.images(),
                ByteSizes.format(d.estimatedBytes()), ByteSizes.format(d.meanImageBytes()), d.sizesSampled()));
        if (r.memory().known()) {
            sb.append(String.format(Locale.ROOT, "Memory: %s total, %s available, %s in the page cache%s%n",
                    ByteSizes.format(r.memory().totalBytes()), ByteSizes.format(r.memory().availableBytes()),
                    ByteSizes.format(r.memory().cachedBytes()), r.droppedCaches() ? " (caches dropped first)" : ""));
        }
        sb.append(System.lineSeparator());
        sb.append(String.format(Locale.ROOT, "%-17s %7s %9s %14s %9s %8s %8s  %s%n", "phase", "threads", "count",
                "rate", "MB/s", "seconds", "re-read", "stopped by"));
        for (ProbeResult.Phase phase : r.phases()) {
            for (ProbeResult.Run run : phase.runs()) {
                sb.append(String.format(Locale.ROOT, "%-17s %7d %,9d %,12.0f/s %9s %8.2f %,8d  %s%n", phase.name(),
                        run.threads(), run.count(), run.perSecond(),
                        run.bytes() > 0 ? String.format(Locale.ROOT, "%,.0f", run.megabytesPerSecond()) : "-",
                        run.seconds(), run.reread(), run.stoppedBy()));
            }
        }
        ProbeResult.WriteResult w = r.write();
        sb.append(System.lineSeparator());
        if (w.done()) {
            sb.append(String.format(Locale.ROOT, "Write: %s in %.2f s with fsync: %,.0f MB/s (%,.0f MB/s before the "
                            + "fsync); written beside the dataset and deleted%n", ByteSizes.format(w.bytes()),
                    w.secondsTotal(), w.megabytesPerSecond(), w.megabytesPerSecondBuffered()));
        }
        if (w.note() != null) {
            sb.append("Write: ").append(w.note()).append(System.lineSeparator());
        }
        ProbeResult.Feed f = r.feed();
        sb.append(String.format(Locale.ROOT, "Feed: the storage can feed about %,.0f images/s (%s, %,.0f MB/s)%n",
                f.imagesPerSecond(), f.basis(), f.megabytesPerSecond()));
        if (r.verdict() != null) {
            sb.append(String.format(Locale.ROOT, "Target %,.0f images/s: %s%n", r.verdict().targetPerSecond(),
                    r.verdict().message()));
        }
        sb.append("Page cache: ").append(r.cache().statement()).append(System.lineSeparator());
        for (String note : r.notes()) {
            sb.append("Note: ").append(note).append(System.lineSeparator());
        }
        return sb.toString();
    }
}
