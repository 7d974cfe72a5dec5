// Header reads per second of loupe.core.imaging.ImageHeaders over every image under a folder, warm page cache,
// best of ROUNDS passes. Used to check that reading channels, bit depth and EXIF orientation (issue 4) does not
// slow the header phase: run it with the classes of two commits and compare (bench/hashes.sh does).
//   java -cp CLASSES bench/HeadersBench.java DIR [ROUNDS]
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import loupe.core.imaging.ImageHeaders;

public class HeadersBench {
    public static void main(String[] args) throws Exception {
        List<Path> files = new ArrayList<>();
        try (var s = Files.walk(Path.of(args[0]))) {
            s.filter(p -> p.toString().matches("(?i).*\\.(jpe?g|png)$")).forEach(files::add);
        }
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        double best = Double.MAX_VALUE;
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            for (Path p : files) {
                try {
                    ImageHeaders.read(p);
                } catch (java.io.IOException e) {
                    // corrupt files count like the others
                }
            }
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        System.out.printf("%,d headers: best of %d %.3f s, %,.0f headers/s%n", files.size(), rounds, best,
                files.size() / best);
    }
}
