package loupe.core.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DHashTest {

    @TempDir
    Path dir;

    @Test
    void aResizedReEncodedCopyIsNear() throws IOException {
        BufferedImage picture = Pictures.picture(7, 640, 480);
        long original = DHash.of(Pictures.write(picture, dir.resolve("a.png")));
        long copy = DHash.of(Pictures.write(Pictures.resized(picture, 320, 240), dir.resolve("b.jpg")));
        assertTrue(DHash.distance(original, copy) <= 4, "distance " + DHash.distance(original, copy));
    }

    @Test
    void differentPicturesAreFar() throws IOException {
        long a = DHash.of(Pictures.write(Pictures.picture(1, 400, 300), dir.resolve("a.jpg")));
        long b = DHash.of(Pictures.write(Pictures.picture(2, 400, 300), dir.resolve("b.jpg")));
        assertTrue(DHash.distance(a, b) > 12, "distance " + DHash.distance(a, b));
    }

    @Test
    void subsampledDecodeOfABigImageMatchesTheInMemoryHash() throws IOException {
        BufferedImage picture = Pictures.picture(3, 2000, 1500);
        long fromFile = DHash.of(Pictures.write(picture, dir.resolve("big.png")));
        assertTrue(DHash.distance(fromFile, DHash.of(picture)) <= 4);
    }

    @Test
    void hashesGreyImagesAsTheirBrightness() throws IOException {
        // The same picture stored as grey (8-bit, values set directly) and as RGB with equal channels.
        BufferedImage grey = new BufferedImage(300, 200, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage rgb = new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(4);
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 300; x++) {
                int v = (int) (127 + 100 * Math.sin(x / 23.0 + random.nextDouble() * 0.1) * Math.cos(y / 31.0));
                grey.getRaster().setSample(x, y, 0, v);
                rgb.setRGB(x, y, (v << 16) | (v << 8) | v);
            }
        }
        long g = DHash.of(Pictures.write(grey, dir.resolve("g.png")));
        long c = DHash.of(Pictures.write(rgb, dir.resolve("c.png")));
        assertTrue(DHash.distance(g, c) <= 4, "distance " + DHash.distance(g, c));
    }

    @Test
    void unreadableFileIsAnIoException() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.jpg"), "not an image");
        assertThrows(IOException.class, () -> DHash.of(bad));
    }

    @Test
    void distanceCountsDifferingBits() {
        assertEquals(0, DHash.distance(5, 5));
        assertEquals(64, DHash.distance(0, -1));
        assertEquals(2, DHash.distance(0b1010, 0b0000));
    }
}
