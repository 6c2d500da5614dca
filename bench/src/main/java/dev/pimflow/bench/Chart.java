package dev.pimflow.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/** PNG charts drawn with java.awt (headless): stacked panels of line series, log-scale grouped bars, and scatter plots. */
final class Chart {
    static final Color[] PALETTE = {
        new Color(0x1f77b4),
        new Color(0xd62728),
        new Color(0x2ca02c),
        new Color(0xff7f0e),
        new Color(0x9467bd),
        new Color(0x8c564b),
        new Color(0x17becf),
        new Color(0x7f7f7f)
    };
    private static final int W = 1400;
    private static final int H = 420;
    private static final int L = 90;
    private static final int R = 260;
    private static final int T = 40;
    private static final int B = 50;

    record Series(String name, double[] x, double[] y, Color color, boolean dashed, boolean points) {}

    interface Panel {
        void draw(Graphics2D g, int top);
    }

    private final List<Panel> panels = new ArrayList<>();
    private final String title;

    Chart(String title) {
        this.title = title;
    }

    Chart lines(String panelTitle, String xLabel, String yLabel, List<Series> series, boolean logY) {
        panels.add((g, top) -> xy(g, top, panelTitle, xLabel, yLabel, series, logY));
        return this;
    }

    /** groups (e.g. systems) x categories (e.g. stage p99) values in ms, log scale. */
    Chart bars(String panelTitle, String yLabel, List<String> categories, Map<String, double[]> groups) {
        panels.add((g, top) -> bars(g, top, panelTitle, yLabel, categories, groups));
        return this;
    }

    void write(Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(W, 30 + H * panels.size(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, L, 22);
        for (int i = 0; i < panels.size(); i++) {
            panels.get(i).draw(g, 30 + i * H);
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static double tr(double v, boolean log) {
        return log ? Math.log10(Math.max(v, 0.1)) : v;
    }

    /** The value ranges a panel of line series is drawn over (log10 values on the y axis when logY). */
    private record Bounds(double minX, double maxX, double minY, double maxY, boolean logY) {
        int x(double v) {
            return L + (int) ((W - L - R) * (v - minX) / (maxX - minX));
        }

        int y(int y0, double v) {
            int ph = H - T - B;
            return y0 + ph - (int) (ph * (tr(v, logY) - minY) / (maxY - minY));
        }
    }

    private static void xy(Graphics2D g, int top, String t, String xl, String yl, List<Series> series, boolean logY) {
        Bounds b = bounds(series, logY);
        int y0 = top + T;
        frame(g, top, t, xl, yl);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        ticks(g, y0, b);
        for (int i = 0; i < series.size(); i++) {
            drawSeries(g, y0, b, series.get(i));
            legendEntry(g, y0, i, series.get(i));
        }
    }

    /** The data's ranges, with a zero-based "nice" maximum on a linear y axis and whole decades on a log one. */
    private static Bounds bounds(List<Series> series, boolean logY) {
        double minX = Double.MAX_VALUE,
                maxX = -Double.MAX_VALUE,
                minY = logY ? Double.MAX_VALUE : 0,
                maxY = -Double.MAX_VALUE;
        for (Series s : series) {
            for (int i = 0; i < s.x.length; i++) {
                minX = Math.min(minX, s.x[i]);
                maxX = Math.max(maxX, s.x[i]);
                minY = Math.min(minY, tr(s.y[i], logY));
                maxY = Math.max(maxY, tr(s.y[i], logY));
            }
        }
        if (minX == Double.MAX_VALUE) {
            minX = 0;
            maxX = 1;
            minY = 0;
            maxY = 1;
        }
        if (logY) {
            minY = Math.floor(minY);
            maxY = Math.ceil(maxY);
        } else {
            maxY = niceMax(maxY);
        }
        if (maxX <= minX) {
            maxX = minX + 1;
        }
        if (maxY <= minY) {
            maxY = minY + 1;
        }
        return new Bounds(minX, maxX, minY, maxY, logY);
    }

    /** Horizontal grid lines with the y labels (one per decade on a log axis, else 5 steps), and 5 x labels. */
    private static void ticks(Graphics2D g, int y0, Bounds b) {
        int pw = W - L - R, ph = H - T - B;
        int yTicks = b.logY ? (int) (b.maxY - b.minY) : 5;
        for (int i = 0; i <= yTicks; i++) {
            double v = b.minY + (b.maxY - b.minY) * i / yTicks;
            int y = y0 + ph - (int) (ph * i / (double) yTicks);
            g.setColor(new Color(0xeeeeee));
            g.drawLine(L, y, L + pw, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(label(b.logY ? Math.pow(10, v) : v), 10, y + 4);
        }
        for (int i = 0; i <= 5; i++) {
            double xv = b.minX + (b.maxX - b.minX) * i / 5;
            int x = L + (int) (pw * i / 5.0);
            g.drawString(label(xv), x - 10, y0 + ph + 16);
        }
    }

    /** The series as a line (solid or dashed) or as points; leaves its color and stroke set for the legend. */
    private static void drawSeries(Graphics2D g, int y0, Bounds b, Series s) {
        g.setColor(s.color);
        g.setStroke(
                s.dashed
                        ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0)
                        : new BasicStroke(1.8f));
        int px = -1, py = -1;
        for (int i = 0; i < s.x.length; i++) {
            int x = b.x(s.x[i]);
            int y = b.y(y0, s.y[i]);
            if (s.points) {
                g.fillRect(x - 1, y - 1, 3, 3);
            } else if (px >= 0) {
                g.drawLine(px, py, x, y);
            }
            px = x;
            py = y;
        }
    }

    /** The series' entry in the legend at the right of the panel: its mark in the series' stroke, then its name. */
    private static void legendEntry(Graphics2D g, int y0, int legend, Series s) {
        if (s.points) {
            g.fillRect(W - R + 15, y0 + 8 + legend * 18, 12, 4);
        } else {
            g.drawLine(W - R + 12, y0 + 10 + legend * 18, W - R + 28, y0 + 10 + legend * 18);
        }
        g.setStroke(new BasicStroke(1));
        g.setColor(Color.BLACK);
        g.drawString(s.name, W - R + 32, y0 + 14 + legend * 18);
    }

    private static void bars(
            Graphics2D g, int top, String t, String yl, List<String> categories, Map<String, double[]> groups) {
        double max = 1;
        for (double[] v : groups.values()) {
            for (double d : v) {
                max = Math.max(max, d);
            }
        }
        double minL = -1, maxL = Math.ceil(Math.log10(max));
        int pw = W - L - R, ph = H - T - B, y0 = top + T;
        frame(g, top, t, "", yl);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (double e = minL; e <= maxL; e++) {
            int y = y0 + ph - (int) (ph * (e - minL) / (maxL - minL));
            g.setColor(new Color(0xeeeeee));
            g.drawLine(L, y, L + pw, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(label(Math.pow(10, e)), 10, y + 4);
        }
        int nc = categories.size(), ng = groups.size();
        double slot = (double) pw / nc;
        double bw = slot * 0.8 / Math.max(1, ng);
        int gi = 0;
        for (var e : groups.entrySet()) {
            Color c = PALETTE[gi % PALETTE.length];
            for (int ci = 0; ci < nc; ci++) {
                double v = e.getValue()[ci];
                if (!(v > 0)) {
                    continue;
                }
                int h = (int) (ph * (Math.log10(Math.max(v, 0.1)) - minL) / (maxL - minL));
                int x = L + (int) (slot * ci + slot * 0.1 + bw * gi);
                g.setColor(c);
                g.fillRect(x, y0 + ph - h, (int) Math.max(1, bw - 2), h);
                g.setColor(Color.BLACK);
                if (bw > 22) {
                    g.drawString(label(v), x, y0 + ph - h - 3);
                }
            }
            g.setColor(c);
            g.fillRect(W - R + 15, y0 + 8 + gi * 18, 12, 8);
            g.setColor(Color.BLACK);
            g.drawString(e.getKey(), W - R + 32, y0 + 16 + gi * 18);
            gi++;
        }
        g.setColor(Color.DARK_GRAY);
        for (int ci = 0; ci < nc; ci++) {
            g.drawString(categories.get(ci), L + (int) (slot * ci + 4), y0 + ph + 16);
        }
    }

    private static void frame(Graphics2D g, int top, String t, String xl, String yl) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(t, L, top + 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawRect(L, top + T, W - L - R, H - T - B);
        g.drawString(xl, L + (W - L - R) / 2 - 30, top + H - 12);
        g.drawString(yl, 10, top + T - 6);
    }

    private static double niceMax(double v) {
        if (v <= 0) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    static String label(double v) {
        if (Math.abs(v) >= 1000) {
            return String.format("%.0f", v);
        }
        if (Math.abs(v) >= 10 || v == Math.rint(v)) {
            return String.format("%.0f", v);
        }
        return String.format("%.1f", v);
    }

    static Map<String, double[]> map() {
        return new LinkedHashMap<>();
    }
}
