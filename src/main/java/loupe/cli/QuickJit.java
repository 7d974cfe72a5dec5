package loupe.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import javax.management.JMException;
import javax.management.ObjectName;

import loupe.core.index.CatalogLocation;
import loupe.core.task.WorkloadHint;

/**
 * Asks HotSpot to compile this command-line run's methods with its quick compiler (C1) only, the effect of
 * {@code -XX:TieredStopAtLevel=1}, which a jar cannot put on its own command line.
 *
 * <p>Why: a CLI run lasts seconds, and the optimising compiler (C2) spends most of that time compiling: on the
 * 20,000-image COCO index it compiled for 1.9 s of CPU (the JSON parser, the COCO record reader, the catalog
 * stager) on a two-core machine, beside a 3 s run. With C1 only, that index used 35 % less CPU, and the long
 * runs measured (a 1M-image index, a 395 MB COCO file) used the same CPU either way: C2's faster code does not
 * pay back its compile time within a run. The desktop app keeps the default tiered compilation; it runs for
 * hours.
 *
 * <p>How: a compiler directive excluding every method from C2 (HotSpot then compiles them with C1 at full
 * optimisation), added through the DiagnosticCommand MBean ({@code jcmd Compiler.directives_add}). The MBean
 * server takes ~100 ms to start, so this runs on a daemon thread while the command starts; the methods compiled
 * before it lands are few. Where the MBean or the directive is unavailable (another JVM, a runtime without
 * {@code jdk.management}), nothing happens. {@code -Dloupe.jit=tiered} turns it off.
 *
 * <p>Big datasets get C2 back: once the indexer has listed the files ({@link WorkloadHint}), a dataset of more
 * than {@value #BIG_FILES} files or {@value #BIG_ANNOTATION_MB} MB of annotation files has the directive
 * removed, so the methods compiled from then on (header reads, parsing, the catalog) are optimised as usual.
 * Measured: C1 only made the 1M-image index 7 % slower (13.3-14.5 s against 12.4-12.5 s) and the 395 MB COCO
 * index 5 % slower, while the 20k-image index ran in 1.9 s instead of 2.4-2.5 s.
 */
final class QuickJit {

    private static final String DIRECTIVES = "[{ match: \"*.*\", c2: { Exclude: true } }]\n";
    static final long BIG_FILES = 200_000;
    static final long BIG_ANNOTATION_MB = 128;

    /** Guards the directive's state: added by the start thread, removed when the workload turns out big. */
    private static final Object LOCK = new Object();
    private static boolean added;
    private static boolean big;

    private QuickJit() {
    }

    /** Starts adding the directive on a daemon thread, unless {@code -Dloupe.jit=tiered} was given. */
    static void start() {
        if ("tiered".equals(System.getProperty("loupe.jit"))) {
            return;
        }
        WorkloadHint.listen((files, annotationBytes) -> {
            if (files > BIG_FILES || annotationBytes > BIG_ANNOTATION_MB << 20) {
                useOptimisingCompiler();
            }
        });
        Thread thread = new Thread(() -> {
            // Outside the lock: starting the MBean server takes ~100 ms, which the indexer must not wait for.
            String reply = addDirective();
            boolean ok = reply != null && reply.startsWith("1 compiler directives added");
            synchronized (LOCK) {
                added = ok;
                if (big && added) {
                    added = false;
                    removeDirective();  // the workload turned out big while the directive was on its way
                }
            }
        }, "loupe-quick-jit");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    /** Adds the directive; returns HotSpot's reply ("1 compiler directives added"), or null when it could not. */
    static String addDirective() {
        try {
            Path file = directivesFile();
            Object reply = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesAdd",
                    new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
            return String.valueOf(reply).strip();
        } catch (IOException | JMException | RuntimeException | LinkageError e) {
            return null; // only a speed-up: the run is the same without it
        }
    }

    /** Removes the directive (or keeps it from being added): methods compiled from now on may use C2. */
    static void useOptimisingCompiler() {
        synchronized (LOCK) {
            big = true;
            if (added) {
                added = false;
                removeDirective();
            }
        }
    }

    /** Removes the top directive; returns HotSpot's reply, or null when it could not. */
    static String removeDirective() {
        try {
            Object reply = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesRemove",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            return String.valueOf(reply).strip();
        } catch (JMException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** The directives file in Loupe's cache folder, written once (the command takes a path, not the text). */
    private static Path directivesFile() throws IOException {
        Path file = CatalogLocation.cacheDirectory().resolve("jit-directives.json");
        byte[] text = DIRECTIVES.getBytes(StandardCharsets.UTF_8);
        if (Files.isRegularFile(file) && Files.size(file) == text.length
                && java.util.Arrays.equals(Files.readAllBytes(file), text)) {
            return file;
        }
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling("jit-directives.json." + ProcessHandle.current().pid() + ".tmp");
        Files.write(temp, text);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }
}
