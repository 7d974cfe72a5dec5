import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import loupe.core.audit.ContentHash;

/**
 * Content hash of a list of files with buffered or O_DIRECT reads at a thread count, one pass (cold when the
 * caller evicted the files first). Prints seconds, MB/s and a checksum of all hashes (equal across modes).
 * With DHASH instead of a read mode it computes the dHash of each file instead (ImageIO decoding, as the dHash pass
 * of {@code loupe index --hashes} does), to see what reading cold files costs that pass.
 * Usage: java -cp target/loupe.jar bench/HashReadsBench.java ROOT LIST BUFFERED|DIRECT|AUTO|DHASH THREADS
 */
public class HashReadsBench {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        List<String> list = Files.readAllLines(Path.of(args[1]));
        boolean dhash = args[2].equals("DHASH");
        ContentHash.Reads reads = dhash ? ContentHash.Reads.BUFFERED : ContentHash.Reads.valueOf(args[2]);
        int threads = Integer.parseInt(args[3]);
        AtomicInteger next = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        AtomicLong sum = new AtomicLong();
        AtomicLong cpu = new AtomicLong();
        AtomicLong direct = new AtomicLong();
        Thread[] ts = new Thread[threads];
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            ts[t] = new Thread(() -> {
                ContentHash h = new ContentHash(reads);
                try {
                    for (int i; (i = next.getAndIncrement()) < list.size(); ) {
                        Path p = root.resolve(list.get(i));
                        sum.addAndGet(dhash ? loupe.core.audit.DHash.of(p) : h.hashFile(p));
                        bytes.addAndGet(Files.size(p));
                    }
                    direct.addAndGet(h.directReads());
                    cpu.addAndGet(java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%s %d threads: %.3f s %.0f MB/s, CPU %.3f s, %d direct reads, checksum %016x%n", dhash ? "DHASH" : reads,
                threads, s, bytes.get() / 1e6 / s, cpu.get() / 1e9, direct.get(), sum.get());
    }
}
