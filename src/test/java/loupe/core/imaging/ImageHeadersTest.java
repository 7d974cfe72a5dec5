package loupe.core.imaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageHeadersTest {

    @TempDir
    Path dir;

    private Path write(String format, int w, int h) throws IOException {
        Path file = dir.resolve("img." + format);
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        image.getGraphics().fillRect(3, 3, w / 2, h / 2);
        assertTrue(ImageIO.write(image, format, file.toFile()), "no writer for " + format);
        return file;
    }

    @ParameterizedTest
    @ValueSource(strings = {"jpg", "png", "gif", "bmp", "tiff"})
    void readsSizeFromHeaderOfEachFormat(String format) throws IOException {
        Path file = write(format, 321, 123);
        ImageHeader header = ImageHeaders.read(file);
        assertEquals(321, header.width());
        assertEquals(123, header.height());
    }

    @Test
    void reportsJpegFormatName() throws IOException {
        assertEquals("jpeg", ImageHeaders.read(write("jpg", 10, 20)).format());
    }

    @Test
    void rejectsTruncatedJpeg() throws IOException {
        Path file = write("jpg", 400, 300);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
        CorruptImageException e = assertThrows(CorruptImageException.class, () -> ImageHeaders.read(file));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertEquals(new ImageHeader(400, 300, "jpeg"), e.header(), "the size read before the damage is kept");
    }

    @Test
    void rejectsJpegCutBeforeItsFrameHeader() throws IOException {
        Path file = write("jpg", 400, 300);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, 40));
        assertThrows(CorruptImageException.class, () -> ImageHeaders.read(file));
    }

    @Test
    void rejectsTruncatedPng() throws IOException {
        Path file = write("png", 400, 300);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 20));
        assertThrows(CorruptImageException.class, () -> ImageHeaders.read(file));
    }

    @Test
    void rejectsFileThatIsNotAnImage() throws IOException {
        Path file = dir.resolve("fake.jpg");
        Files.writeString(file, "this is text pretending to be a JPEG");
        CorruptImageException e = assertThrows(CorruptImageException.class, () -> ImageHeaders.read(file));
        assertTrue(e.getMessage().startsWith("not a JPEG"), e.getMessage());
    }

    @Test
    void rejectsEmptyFile() throws IOException {
        Path file = Files.createFile(dir.resolve("empty.png"));
        assertThrows(CorruptImageException.class, () -> ImageHeaders.read(file));
    }

    @Test
    void readsHugeDeclaredSizeWithoutAllocating() throws IOException {
        // A PNG header that claims 100000 x 60000 px: only the header is read, nothing is allocated.
        Path file = write("png", 8, 8);
        byte[] bytes = Files.readAllBytes(file);
        java.nio.ByteBuffer.wrap(bytes).putInt(16, 100_000).putInt(20, 60_000);
        Files.write(file, bytes);
        ImageHeader header = ImageHeaders.read(file);
        assertEquals(100_000, header.width());
        assertEquals(60_000, header.height());
    }

    @Test
    void missingFileIsAnIoErrorNotACorruptImage() {
        IOException e = assertThrows(IOException.class, () -> ImageHeaders.read(dir.resolve("nope.jpg")));
        assertTrue(e instanceof NoSuchFileException, e.toString());
    }
}
