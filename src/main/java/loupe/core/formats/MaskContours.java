package loupe.core.formats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import loupe.core.model.BoundingBox;
import loupe.core.model.Polygon;

/**
 * Turns a mask into polygons by tracing the outer contour of each 4-connected region along the pixel edges
 * (a crack-following tracer, the marching-squares walk with the saddle case resolved towards 4-connectivity).
 * Vertices are pixel corners in image pixels, so a polygon covers exactly its region's pixels when the region
 * has no hole: its shoelace area equals the region's pixel count. Straight runs of edges become one segment.
 *
 * <p>Holes are not traced: a region with a hole gets its outer contour only and {@link Result#holes()} counts
 * the holes (background regions, 8-connected, enclosed by the mask) so the caller can report them.
 *
 * <p>Memory: only the mask's bounding box is expanded, one byte per pixel.
 */
public final class MaskContours {

    /** The polygons (largest first) and the number of holes that were left out. */
    public record Result(List<Polygon> polygons, int holes) {
    }

    private static final int[] DX = {1, 0, -1, 0};
    private static final int[] DY = {0, 1, 0, -1};
    /** Right turn first, then straight on, then left: diagonal neighbours stay apart (4-connectivity). */
    private static final int[] TURNS = {1, 0, 3};

    private MaskContours() {
    }

    public static Result trace(CocoRle rle) {
        BoundingBox box = rle.bounds();
        int bw = (int) box.width(), bh = (int) box.height();
        if (bw == 0 || bh == 0) {
            return new Result(List.of(), 0);
        }
        return tracePadded(rle.decode(box, 1), bw, bh, box.x(), box.y());
    }

    /**
     * Traces a row-major mask of {@code width x height} (non-zero = set) whose top-left pixel is at
     * {@code (offsetX, offsetY)} in the image.
     */
    public static Result trace(byte[] mask, int width, int height, double offsetX, double offsetY) {
        // Padded by one pixel on every side so the walk never needs bounds checks.
        int pw = width + 2;
        byte[] m = new byte[pw * (height + 2)];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (mask[y * width + x] != 0) {
                    m[(y + 1) * pw + x + 1] = 1;
                }
            }
        }
        return tracePadded(m, width, height, offsetX, offsetY);
    }

    /** Traces a mask already padded by one unset pixel on every side, values 0 and 1; it is overwritten. */
    private static Result tracePadded(byte[] m, int width, int height, double offsetX, double offsetY) {
        int pw = width + 2, ph = height + 2;
        List<Polygon> polygons = new ArrayList<>();
        List<Double> areas = new ArrayList<>();
        int[] stack = new int[64];
        for (int i = 0; i < m.length; i++) {
            if (m[i] != 1) {
                continue;
            }
            // The first pixel of a region in raster order has background above it: start on its top edge.
            double[] points = outline(m, pw, i % pw, i / pw, offsetX - 1, offsetY - 1);
            polygons.add(new Polygon(points));
            areas.add(CocoWriter.shoelace(points));
            stack = fill(m, pw, i, (byte) 1, (byte) 2, false, stack);
        }
        int holes = countHoles(m, pw, ph, stack);
        Integer[] order = new Integer[polygons.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(areas.get(b), areas.get(a)));
        List<Polygon> sorted = new ArrayList<>(order.length);
        for (int i : order) {
            sorted.add(polygons.get(i));
        }
        return new Result(sorted, holes);
    }

    /**
     * Walks the boundary from the top-left corner of pixel (sx, sy), heading east with the region on the
     * right (y grows downwards), turning right whenever possible so diagonal neighbours stay apart.
     */
    private static double[] outline(byte[] m, int pw, int sx, int sy, double ox, double oy) {
        DoubleBuffer points = new DoubleBuffer();
        int vx = sx, vy = sy, d = 3; // arriving from below, as the walk will at the end
        while (true) {
            int next = -1;
            for (int turn : TURNS) {
                int nd = (d + turn) & 3;
                if (edge(m, pw, vx, vy, nd)) {
                    next = nd;
                    break;
                }
            }
            if (next < 0 || (next == 0 && vx == sx && vy == sy && points.size > 0)) {
                // Back on the first edge: closed. (No edge at all cannot happen on a region's boundary.)
                break;
            }
            if (next != d) {
                points.add(vx + ox);
                points.add(vy + oy);
            }
            d = next;
            vx += DX[d];
            vy += DY[d];
        }
        return Arrays.copyOf(points.values, points.size);
    }

    /** Whether the edge leaving corner (vx, vy) in direction d has the region on its right and not on its left. */
    private static boolean edge(byte[] m, int pw, int vx, int vy, int d) {
        int rx, ry, lx, ly;
        switch (d) {
            case 0 -> { rx = vx; ry = vy; lx = vx; ly = vy - 1; }
            case 1 -> { rx = vx - 1; ry = vy; lx = vx; ly = vy; }
            case 2 -> { rx = vx - 1; ry = vy - 1; lx = vx - 1; ly = vy; }
            default -> { rx = vx; ry = vy - 1; lx = vx - 1; ly = vy - 1; }
        }
        return set(m, pw, rx, ry) && !set(m, pw, lx, ly);
    }

    private static boolean set(byte[] m, int pw, int x, int y) {
        if (x < 0 || y < 0 || x >= pw) {
            return false;
        }
        int i = y * pw + x;
        return i < m.length && m[i] != 0;
    }

    /** Flood-fills the region of {@code from} values around {@code start} with {@code to}; returns the stack. */
    private static int[] fill(byte[] m, int pw, int start, byte from, byte to, boolean eight, int[] stack) {
        int top = 0;
        stack[top++] = start;
        m[start] = to;
        int[] steps = eight ? new int[] {1, -1, pw, -pw, pw + 1, pw - 1, -pw + 1, -pw - 1}
                : new int[] {1, -1, pw, -pw};
        while (top > 0) {
            int i = stack[--top];
            int x = i % pw;
            for (int s : steps) {
                int j = i + s;
                int jx = j % pw;
                if (j < 0 || j >= m.length || Math.abs(jx - x) > 1 || m[j] != from) {
                    continue;
                }
                m[j] = to;
                if (top == stack.length) {
                    stack = Arrays.copyOf(stack, stack.length * 2);
                }
                stack[top++] = j;
            }
        }
        return stack;
    }

    /** Background regions (8-connected) other than the one around the padded border. */
    private static int countHoles(byte[] m, int pw, int ph, int[] stack) {
        stack = fill(m, pw, 0, (byte) 0, (byte) 3, true, stack);
        int holes = 0;
        for (int i = 0; i < m.length; i++) {
            if (m[i] == 0) {
                holes++;
                stack = fill(m, pw, i, (byte) 0, (byte) 3, true, stack);
            }
        }
        return holes;
    }
}
