package loupe.core.imaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        assertEquals(new ImageHeader(400, 300, "jpeg", 3, 8, 0), e.header(), "the size read before the damage is kept");
    }

    /** An image of random pixels: it compresses badly, so its file is as large as wanted. */
    private Path writeNoise(String format, int side) throws IOException {
        Path file = dir.resolve("noise-" + side + "." + format);
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(side);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                image.setRGB(x, y, random.nextInt());
            }
        }
        assertTrue(ImageIO.write(image, format, file.toFile()), "no writer for " + format);
        return file;
    }

    @ParameterizedTest
    @ValueSource(strings = {"jpg", "png"})
    void checksTheEndOfSmallFilesReadWholeAndOfLargeFiles(String format) throws IOException {
        // 8 px of noise is a file of a few hundred bytes (read whole by the first read); 200 px is tens of KB.
        for (int side : new int[] {8, 200}) {
            Path file = writeNoise(format, side);
            byte[] bytes = Files.readAllBytes(file);
            assertTrue(side == 8 ? bytes.length < 4096 : bytes.length > 20_000, bytes.length + " bytes");
            assertEquals(side, ImageHeaders.read(file).width(), "intact " + side + " px");

            Files.write(file, Arrays.copyOf(bytes, bytes.length + 20));
            assertEquals(side, ImageHeaders.read(file).width(), "padded after the end marker, " + side + " px");

            // JPEG: the FFD9 marker; PNG: the IEND chunk's CRC and half its type.
            int cut = format.equals("jpg") ? 2 : 6;
            Files.write(file, Arrays.copyOf(bytes, bytes.length - cut));
            CorruptImageException e = assertThrows(CorruptImageException.class, () -> ImageHeaders.read(file),
                    "end cut off, " + side + " px");
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
            assertEquals(side, e.header().width());
        }
    }

    @Test
    void rejectsJpegCutInsideItsFrameHeaderAfterReadingALargerFile() throws IOException {
        // The first read goes into a buffer each thread reuses: bytes of the larger file read before must not
        // stand in for the frame header the cut file lacks.
        Path large = writeNoise("jpg", 200);
        assertEquals(200, ImageHeaders.read(large).width());
        byte[] bytes = Files.readAllBytes(large);
        int frame = 2;
        while (!((bytes[frame] & 0xff) == 0xFF && (bytes[frame + 1] & 0xff) == 0xC0)) {
            frame += 2 + (((bytes[frame + 2] & 0xff) << 8) | (bytes[frame + 3] & 0xff));
        }
        Path cut = dir.resolve("cut.jpg");
        Files.write(cut, Arrays.copyOf(bytes, frame + 7));  // marker, length, precision, height: no width
        CorruptImageException e = assertThrows(CorruptImageException.class, () -> ImageHeaders.read(cut));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
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

    // ------------------------------------------------------------------ channels, bit depth, orientation

    private Path writeImage(String name, BufferedImage image) throws IOException {
        Path file = dir.resolve(name);
        String format = name.substring(name.lastIndexOf('.') + 1);
        assertTrue(ImageIO.write(image, format.equals("jpg") ? "jpeg" : format, file.toFile()), "no writer for " + format);
        return file;
    }

    @Test
    void readsChannelsAndBitDepthOfColourAndGreyImages() throws IOException {
        BufferedImage rgb = new BufferedImage(20, 10, BufferedImage.TYPE_INT_RGB);
        BufferedImage grey = new BufferedImage(20, 10, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage argb = new BufferedImage(20, 10, BufferedImage.TYPE_INT_ARGB);
        BufferedImage grey16 = new BufferedImage(20, 10, BufferedImage.TYPE_USHORT_GRAY);
        assertChannels(3, 8, ImageHeaders.read(writeImage("rgb.jpg", rgb)));
        assertChannels(1, 8, ImageHeaders.read(writeImage("grey.jpg", grey)));
        assertChannels(3, 8, ImageHeaders.read(writeImage("rgb.png", rgb)));
        assertChannels(1, 8, ImageHeaders.read(writeImage("grey.png", grey)));
        assertChannels(4, 8, ImageHeaders.read(writeImage("argb.png", argb)));
        assertChannels(1, 16, ImageHeaders.read(writeImage("grey16.png", grey16)));
        assertChannels(3, 8, ImageHeaders.read(writeImage("rgb.bmp", rgb)));
        assertChannels(3, 8, ImageHeaders.read(writeImage("rgb.tiff", rgb)));
        assertChannels(1, 8, ImageHeaders.read(writeImage("grey.tiff", grey)));
        assertEquals(3, ImageHeaders.read(writeImage("rgb.gif", rgb)).channels(), "GIF: a palette of RGB");
    }

    private static void assertChannels(int channels, int bitDepth, ImageHeader header) {
        assertEquals(channels, header.channels(), header.toString());
        assertEquals(bitDepth, header.bitDepth(), header.toString());
    }

    @Test
    void imagesWithoutExifHaveNoOrientation() throws IOException {
        assertEquals(0, ImageHeaders.read(write("jpg", 30, 20)).orientation());
        assertEquals(0, ImageHeaders.read(write("png", 30, 20)).orientation());
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void readsExifOrientationOfJpegInBothByteOrders(boolean littleEndian) throws IOException {
        Path file = write("jpg", 40, 30);
        Files.write(file, withExifApp1(Files.readAllBytes(file), exif(littleEndian, 6)));
        ImageHeader header = ImageHeaders.read(file);
        assertEquals(6, header.orientation());
        assertTrue(header.isReoriented());
        assertEquals(40, header.width(), "the stored size, not the displayed one");
        assertEquals(30, header.height());
        assertEquals(3, header.channels());
    }

    @Test
    void readsNormalExifOrientationAsOne() throws IOException {
        Path file = write("jpg", 40, 30);
        Files.write(file, withExifApp1(Files.readAllBytes(file), exif(false, 1)));
        ImageHeader header = ImageHeaders.read(file);
        assertEquals(1, header.orientation());
        assertFalse(header.isReoriented());
    }

    @Test
    void readsExifOrientationAfterOtherTagsAndBeyondTheFirstRead() throws IOException {
        // A big APP1 (thumbnail-sized padding after IFD0) pushes the frame header past the first 4 KB.
        Path file = write("jpg", 40, 30);
        byte[] exif = exif(true, 8);
        byte[] padded = Arrays.copyOf(exif, exif.length + 20_000);
        Files.write(file, withExifApp1(Files.readAllBytes(file), padded));
        ImageHeader header = ImageHeaders.read(file);
        assertEquals(8, header.orientation());
        assertEquals(40, header.width());
    }

    @Test
    void readsOrientationOfPngExifChunk() throws IOException {
        Path file = write("png", 40, 30);
        byte[] png = Files.readAllBytes(file);
        byte[] exif = Arrays.copyOfRange(exif(false, 3), 6, exif(false, 3).length);   // eXIf holds no "Exif" id
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(png, 0, 33);                                    // signature + IHDR
        byte[] type = "eXIf".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.write(java.nio.ByteBuffer.allocate(4).putInt(exif.length).array());
        out.write(type);
        out.write(exif);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(type);
        crc.update(exif);
        out.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        out.write(png, 33, png.length - 33);
        Files.write(file, out.toByteArray());
        assertEquals(3, ImageHeaders.read(file).orientation());
    }

    @Test
    void ignoresNonExifApp1Segment() throws IOException {
        Path file = write("jpg", 40, 30);
        byte[] xmp = "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Files.write(file, loupe.testing.ExifJpegs.withApp1(Files.readAllBytes(file), xmp));
        ImageHeader header = ImageHeaders.read(file);
        assertEquals(0, header.orientation());
        assertEquals(40, header.width());
    }

    /** An APP1 body: "Exif\0\0", a TIFF header and IFD0 with a width tag, the orientation tag and a string tag. */
    static byte[] exif(boolean littleEndian, int orientation) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(6 + 8 + 2 + 3 * 12 + 4 + 8)
                .order(littleEndian ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN);
        b.put(new byte[] {'E', 'x', 'i', 'f', 0, 0});
        b.put(littleEndian ? (byte) 'I' : (byte) 'M').put(littleEndian ? (byte) 'I' : (byte) 'M');
        b.putShort((short) 42).putInt(8);
        b.putShort((short) 3);
        b.putShort((short) 0x0100).putShort((short) 4).putInt(1).putInt(40);            // ImageWidth LONG
        b.putShort((short) 0x010F).putShort((short) 2).putInt(8).putInt(2 + 3 * 12 + 4 + 8); // Make ASCII, at offset
        b.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        b.putInt(0);
        b.put("Camera\0\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return b.array();
    }

    static byte[] withExifApp1(byte[] jpeg, byte[] exif) {
        return loupe.testing.ExifJpegs.withApp1(jpeg, exif);
    }
}
