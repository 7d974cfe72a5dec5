package loupe.core.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes a whole image with ImageIO to find damage the header check cannot see: corrupt entropy-coded data,
 * bad PNG chunk CRCs, a truncated file whose end marker happens to be present. Decoder warnings count as
 * damage too: ImageIO's JPEG reader only warns ("Premature end of JPEG file") where libjpeg-based tools
 * warn as well, and silently fills the missing rows with grey. Thread-safe (no state).
 */
public final class FullDecode {

    private FullDecode() {
    }

    /**
     * Decodes the image.
     *
     * @return null when it decodes cleanly, otherwise the decoder's message (error or first warning)
     * @throws IOException when the file cannot be read at all (missing, permission denied)
     */
    public static String check(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new IOException("cannot open " + file);
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return "no image decoder recognises this file";
            }
            ImageReader reader = readers.next();
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener(new IIOReadWarningListener() {
                @Override
                public void warningOccurred(ImageReader source, String warning) {
                    warnings.add(warning);
                }
            });
            try {
                reader.setInput(in, true, true);
                try {
                    reader.read(0);
                } catch (javax.imageio.IIOException e) {
                    // CMYK and other colour spaces ImageIO cannot convert: the raster still proves the data decodes.
                    if (!reader.canReadRaster() || !String.valueOf(e.getMessage()).contains("Unsupported Image Type")) {
                        throw e;
                    }
                    reader.readRaster(0, null);
                }
                return warnings.isEmpty() ? null : "decoder warning: " + warnings.get(0);
            } catch (IOException | RuntimeException e) {
                return "full decode failed: " + (e.getMessage() == null ? e.toString() : e.getMessage());
            } catch (OutOfMemoryError e) {
                return "full decode failed: not enough memory to decode this image";
            } finally {
                reader.dispose();
            }
        }
    }
}
