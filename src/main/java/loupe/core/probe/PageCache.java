package loupe.core.probe;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Drops the Linux page cache (and the dentry and inode caches) so that the next reads come from the disk.
 * It affects the whole machine, for every process, so the probe does it only when asked ({@code --drop-caches})
 * and only once, before the first listing.
 */
public final class PageCache {

    private static final Path DROP_CACHES = Path.of("/proc/sys/vm/drop_caches");

    private PageCache() {
    }

    /** True when this process runs as root (uid 0); false when that cannot be told. */
    static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Flushes dirty pages ({@code sync}) and writes 3 to {@code /proc/sys/vm/drop_caches}: 1 drops the page
     * cache, 2 the dentries and inodes (which the listing would otherwise find warm), 3 both.
     *
     * @throws IOException when this is not Linux or the process is not root
     */
    public static void drop() throws IOException {
        if (!Files.exists(DROP_CACHES)) {
            throw new IOException("cannot drop caches: " + DROP_CACHES + " does not exist (Linux only)");
        }
        if (!isRoot()) {
            throw new IOException("cannot drop caches: that needs root (evict only the dataset's files instead: "
                    + "see the README)");
        }
        try {
            Process sync = new ProcessBuilder("sync").inheritIO().start();
            sync.waitFor();
        } catch (IOException e) {
            // NOTE: without sync, dirty pages just stay cached; dropping still evicts the clean ones.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while flushing dirty pages", e);
        }
        try {
            Files.writeString(DROP_CACHES, "3\n");
        } catch (AccessDeniedException e) {
            throw new IOException("cannot drop caches: writing " + DROP_CACHES + " needs root", e);
        } catch (IOException e) {
            // e.g. a container that mounts /proc/sys read-only
            throw new IOException("cannot drop caches: " + DROP_CACHES + ": " + e.getMessage(), e);
        }
    }
}
