package loupe.core.formats;

import java.util.Arrays;

/**
 * The minimum-area rotated rectangle around a set of points, for writing oriented boxes (YOLO OBB): the convex
 * hull (Andrew's monotone chain), then every hull edge as a candidate side (rotating calipers: the smallest
 * enclosing rectangle has a side on a hull edge). Points are {@code x0, y0, x1, y1, ...}.
 */
public final class RotatedRects {

    private RotatedRects() {
    }

    /**
     * The four corners {@code x0, y0, ..., x3, y3} of the smallest rectangle holding every point, in order
     * around it; null when there are no points. Degenerate inputs (one point, collinear points) give a
     * rectangle of zero width or height.
     */
    public static double[] minAreaRect(double[] points) {
        int n = points.length / 2;
        if (n == 0) {
            return null;
        }
        double[] hull = convexHull(points);
        int h = hull.length / 2;
        if (h == 1) {
            return new double[] {hull[0], hull[1], hull[0], hull[1], hull[0], hull[1], hull[0], hull[1]};
        }
        double bestArea = Double.POSITIVE_INFINITY;
        double[] best = null;
        for (int i = 0; i < h; i++) {
            int j = (i + 1) % h;
            double ex = hull[2 * j] - hull[2 * i], ey = hull[2 * j + 1] - hull[2 * i + 1];
            double len = Math.hypot(ex, ey);
            if (len == 0) {
                continue;
            }
            double ux = ex / len, uy = ey / len; // along the edge
            double vx = -uy, vy = ux;            // perpendicular
            double minU = Double.POSITIVE_INFINITY, maxU = Double.NEGATIVE_INFINITY;
            double minV = Double.POSITIVE_INFINITY, maxV = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < h; k++) {
                double px = hull[2 * k] - hull[2 * i], py = hull[2 * k + 1] - hull[2 * i + 1];
                double u = px * ux + py * uy, v = px * vx + py * vy;
                minU = Math.min(minU, u);
                maxU = Math.max(maxU, u);
                minV = Math.min(minV, v);
                maxV = Math.max(maxV, v);
            }
            double area = (maxU - minU) * (maxV - minV);
            if (area < bestArea - 1e-12) {
                bestArea = area;
                double ox = hull[2 * i], oy = hull[2 * i + 1];
                best = new double[] {
                        ox + minU * ux + minV * vx, oy + minU * uy + minV * vy,
                        ox + maxU * ux + minV * vx, oy + maxU * uy + minV * vy,
                        ox + maxU * ux + maxV * vx, oy + maxU * uy + maxV * vy,
                        ox + minU * ux + maxV * vx, oy + minU * uy + maxV * vy};
            }
        }
        return best;
    }

    /** The convex hull's vertices in order (collinear points dropped); duplicates give one vertex. */
    static double[] convexHull(double[] points) {
        int n = points.length / 2;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> points[2 * a] != points[2 * b]
                ? Double.compare(points[2 * a], points[2 * b]) : Double.compare(points[2 * a + 1], points[2 * b + 1]));
        if (n == 1) {
            return points.clone();
        }
        int[] hull = new int[2 * n];
        int k = 0;
        for (int step = 0; step < n; step++) { // lower chain
            int i = order[step];
            while (k >= 2 && cross(points, hull[k - 2], hull[k - 1], i) <= 0) {
                k--;
            }
            hull[k++] = i;
        }
        for (int step = n - 2, lower = k + 1; step >= 0; step--) { // upper chain
            int i = order[step];
            while (k >= lower && cross(points, hull[k - 2], hull[k - 1], i) <= 0) {
                k--;
            }
            hull[k++] = i;
        }
        k--; // the last vertex is the first again
        double[] result = new double[2 * k];
        for (int i = 0; i < k; i++) {
            result[2 * i] = points[2 * hull[i]];
            result[2 * i + 1] = points[2 * hull[i] + 1];
        }
        return dedupe(result);
    }

    private static double cross(double[] p, int o, int a, int b) {
        return (p[2 * a] - p[2 * o]) * (p[2 * b + 1] - p[2 * o + 1])
                - (p[2 * a + 1] - p[2 * o + 1]) * (p[2 * b] - p[2 * o]);
    }

    /** Drops consecutive repeated vertices (all points equal gives one). */
    private static double[] dedupe(double[] hull) {
        int n = hull.length / 2;
        double[] out = new double[hull.length];
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (m > 0 && out[2 * m - 2] == hull[2 * i] && out[2 * m - 1] == hull[2 * i + 1]) {
                continue;
            }
            out[2 * m] = hull[2 * i];
            out[2 * m + 1] = hull[2 * i + 1];
            m++;
        }
        while (m > 1 && out[0] == out[2 * m - 2] && out[1] == out[2 * m - 1]) {
            m--;
        }
        return Arrays.copyOf(out, 2 * m);
    }
}
