package loupe.core.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine's memory as {@code /proc/meminfo} tells it: what bounds the page cache. Values are bytes, or -1
 * when unknown (not Linux, or the file is unreadable).
 *
 * @param totalBytes     MemTotal
 * @param availableBytes MemAvailable: roughly what the page cache could still grow into
 * @param cachedBytes    Cached: the page cache now
 */
public record MemoryInfo(long totalBytes, long availableBytes, long cachedBytes) {

    public static final MemoryInfo UNKNOWN = new MemoryInfo(-1, -1, -1);

    /** Reads {@code /proc/meminfo}; {@link #UNKNOWN} when it cannot. */
    public static MemoryInfo read() {
        try {
            return parse(Files.readAllLines(Path.of("/proc/meminfo")));
        } catch (IOException | RuntimeException e) {
            return UNKNOWN;
        }
    }

    /** Parses the lines of {@code /proc/meminfo} ("MemTotal:  24684000 kB"). */
    public static MemoryInfo parse(List<String> lines) {
        long total = -1;
        long available = -1;
        long cached = -1;
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon);
            String[] value = line.substring(colon + 1).trim().split("\\s+");
            long bytes;
            try {
                bytes = Long.parseLong(value[0]) * (value.length > 1 && value[1].equalsIgnoreCase("kB") ? 1024 : 1);
            } catch (NumberFormatException e) {
                continue;
            }
            switch (key) {
                case "MemTotal" -> total = bytes;
                case "MemAvailable" -> available = bytes;
                case "Cached" -> cached = bytes;
                default -> {
                }
            }
        }
        return new MemoryInfo(total, available, cached);
    }

    public boolean known() {
        return totalBytes > 0;
    }
}
