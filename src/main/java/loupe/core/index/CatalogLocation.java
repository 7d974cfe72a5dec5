package loupe.core.index;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where a dataset's catalog lives by default: a per-user cache folder keyed by the dataset's absolute path,
 * never inside the dataset. {@code $LOUPE_CACHE_DIR} (or the system property {@code loupe.cache.dir})
 * overrides the cache folder; otherwise {@code $XDG_CACHE_HOME/loupe} or {@code ~/.cache/loupe}.
 */
public final class CatalogLocation {

    private CatalogLocation() {
    }

    public static Path cacheDirectory() {
        String override = System.getProperty("loupe.cache.dir", System.getenv("LOUPE_CACHE_DIR"));
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("loupe");
    }

    /** The default catalog file for a dataset root: {@code <cache>/catalogs/<name>-<hash>.duckdb}. */
    public static Path defaultFor(Path datasetRoot) {
        Path absolute = datasetRoot.toAbsolutePath().normalize();
        String name = absolute.getFileName() == null ? "root" : absolute.getFileName().toString()
                .replaceAll("[^A-Za-z0-9._-]", "_");
        return cacheDirectory().resolve("catalogs").resolve(name + "-" + hash(absolute.toString()) + ".duckdb");
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
