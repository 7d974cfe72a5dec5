package loupe.core.audit;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import javax.imageio.ImageIO;

/** Distinct test pictures: random coloured shapes from a seed, so different seeds look different. */
public final class Pictures {

    private Pictures() {
    }

    public static BufferedImage picture(long seed, int width, int height) {
        Random r = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        // A gradient background, like light falling across a scene: flat areas would make dHash bits noise.
        g.setPaint(new java.awt.GradientPaint(0, 0, new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)),
                width * r.nextFloat(), height, new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256))));
        g.fillRect(0, 0, width, height);
        for (int i = 0; i < 12; i++) {
            g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
            int x = r.nextInt(width), y = r.nextInt(height);
            g.fillOval(x - width / 6, y - height / 6, width / 3 + r.nextInt(width / 4 + 1),
                    height / 3 + r.nextInt(height / 4 + 1));
        }
        // Shading over everything, as in a photo: shapes of one flat colour make ties between dHash cells.
        g.setComposite(java.awt.AlphaComposite.getInstance(java.awt.AlphaComposite.SRC_OVER, 0.5f));
        g.setPaint(new java.awt.GradientPaint(width * r.nextFloat(), 0, Color.BLACK, width, height * r.nextFloat(),
                Color.WHITE));
        g.fillRect(0, 0, width, height);
        g.dispose();
        return image;
    }

    /** The same picture at another size (bilinear), as a re-encoded, resized copy would be. */
    public static BufferedImage resized(BufferedImage image, int width, int height) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, width, height, null);
        g.dispose();
        return out;
    }

    public static Path write(BufferedImage image, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        String name = file.getFileName().toString();
        String format = name.substring(name.lastIndexOf('.') + 1).toLowerCase();
        if (!ImageIO.write(image, format.equals("jpg") ? "jpeg" : format, file.toFile())) {
            throw new IOException("no writer for " + format);
        }
        return file;
    }
}
