package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.server.Server;
import java.util.concurrent.ThreadLocalRandom;

/**
 * LOLWUT [VERSION v] [args...]: Redis 7.0 answers its version line, except for versions 5 and 6,
 * which a VERSION argument selects as Redis selects them. Version 5 draws Georg Nees's Schotter
 * in Braille characters with Redis's geometry; its squares below the second row are turned and
 * shifted at random, so only the first two rows come out as Redis's do. Version 6 draws a random
 * skyline in the terminal's four grays, with Redis's rules for skyscrapers and windows.
 */
final class Lolwut {
    private static final String SCHOTTER_CREDIT = "\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. ";
    private static final String SKYLINE_CREDIT = "\nDedicated to the 8 bit game developers of past and present.\n"
            + "Original 8 bit image from Plaguemon by hikikomori. Redis ver. ";
    /** Terminal colors (foreground and background) of black, two grays and white. */
    private static final String[] GRAYS = {"0;30;40m", "0;90;100m", "0;37;47m", "0;97;107m"};
    private static final int WHITE = 3;

    private Lolwut() {}

    static void install(Server server) {
        server.commandTable().bind("lolwut", Lolwut::lolwut);
    }

    static void lolwut(CommandContext ctx) {
        int firstArg = 1;
        String version = Server.REDIS_VERSION;
        if (ctx.argc() >= 3 && ctx.argIs(1, "version")) {
            // Redis prints the number as a C unsigned int, so -1 reads 4294967295.0.0
            version = Integer.toUnsignedString((int) ctx.argLong(2)) + ".0.0";
            firstArg = 3;
        }
        if (version.startsWith("5.") && !version.startsWith("5.9") || version.startsWith("4.9")) {
            schotter(ctx, firstArg);
        } else if (version.startsWith("6.") && !version.startsWith("6.9") || version.startsWith("5.9")) {
            skyline(ctx, firstArg);
        } else {
            ctx.reply.verbatim("Redis ver. " + Server.REDIS_VERSION + "\n", "txt");
        }
    }

    /** Up to {@code defaults.length} integer arguments from {@code firstArg}, the rest defaulted. */
    private static long[] options(CommandContext ctx, int firstArg, long... defaults) {
        for (int i = 0; i < defaults.length && firstArg + i < ctx.argc(); i++) {
            defaults[i] = ctx.argLong(firstArg + i);
        }
        return defaults;
    }

    /** LOLWUT VERSION 6 [columns [rows]]. */
    private static void skyline(CommandContext ctx, int firstArg) {
        long[] options = options(ctx, firstArg, 80, 20);
        Canvas canvas = new Canvas((int) Math.max(1, Math.min(1000, options[0])),
                (int) Math.max(1, Math.min(1000, options[1])), WHITE);
        drawSkyline(canvas, ThreadLocalRandom.current());
        StringBuilder text = new StringBuilder();
        for (int y = 0; y < canvas.height; y++) {
            for (int x = 0; x < canvas.width; x++) {
                text.append("\033[").append(GRAYS[canvas.get(x, y)]).append(" \033[0m");
            }
            if (y != canvas.height - 1) {
                text.append('\n');
            }
        }
        ctx.reply.verbatim(text + SKYLINE_CREDIT + Server.REDIS_VERSION + "\n", "txt");
    }

    /**
     * Redis's generateSkyline: two passes of windowless skyscrapers in the grays, the lighter
     * behind, then black ones in front with lit windows.
     */
    static void drawSkyline(Canvas canvas, java.util.Random random) {
        for (int color = 2; color >= 1; color--) {
            for (int offset = -10; offset < canvas.width;) {
                offset += random.nextInt(8);
                int width = 10 + random.nextInt(9);
                int height = canvas.height / 2 + random.nextInt(canvas.height) / (color == 2 ? 2 : 3);
                drawSkyscraper(canvas, offset, width, height, color, false, random);
                offset += color == 2 ? width / 2 : width + 1;
            }
        }
        for (int offset = -10; offset < canvas.width;) {
            offset += random.nextInt(8);
            int width = 5 + random.nextInt(14);
            if (width % 4 != 0) {
                width += width % 3;
            }
            int height = canvas.height / 3 + random.nextInt(canvas.height) / 2;
            drawSkyscraper(canvas, offset, width, height, 0, true, random);
            offset += width + 5;
        }
    }

    /** One skyscraper standing on the bottom row, its roof two pixels narrower on each side. */
    private static void drawSkyscraper(Canvas canvas, int left, int width, int height, int color, boolean windows,
            java.util.Random random) {
        int bottom = canvas.height - 1;
        int top = bottom - height + 1;
        for (int y = bottom; y >= top; y--) {
            for (int x = left; x < left + width; x++) {
                if (y == top && (x <= left + 1 || x >= left + width - 2)) {
                    continue;
                }
                int pixel = color;
                if (windows && x > left + 1 && x < left + width - 2 && y > top + 1 && y < bottom - 1) {
                    int relX = x - (left + 1);
                    int relY = y - (top + 1);
                    // windows two pixels wide and one tall, as terminal cells are twice as tall as wide
                    if (relX / 2 % 2 != 0 && relY % 2 != 0) {
                        do {
                            pixel = 1 + random.nextInt(2);
                        } while (pixel == color);
                        if (relX % 2 != 0) {
                            pixel = canvas.get(x - 1, y);
                        }
                    }
                }
                canvas.set(x, y, pixel);
            }
        }
    }

    /** LOLWUT VERSION 5 [columns [squares-per-row [squares-per-column]]]. */
    private static void schotter(CommandContext ctx, int firstArg) {
        long[] options = options(ctx, firstArg, 66, 8, 12);
        int columns = (int) Math.max(1, Math.min(1000, options[0]));
        int perRow = (int) Math.max(1, Math.min(200, options[1]));
        int perColumn = (int) Math.max(1, Math.min(200, options[2]));
        Canvas canvas = drawSchotter(columns, perRow, perColumn);
        ctx.reply.verbatim(canvas.render() + SCHOTTER_CREDIT + Server.REDIS_VERSION + "\n", "txt");
    }

    /** Redis's lwDrawSchotter, in C's float arithmetic. */
    static Canvas drawSchotter(int columns, int perRow, int perColumn) {
        int width = columns * 2;
        int padding = width > 4 ? 2 : 0;
        float side = (float) (width - padding * 2) / perRow;
        Canvas canvas = new Canvas(width, (int) (side * perColumn + padding * 2), 0);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int y = 0; y < perColumn; y++) {
            for (int x = 0; x < perRow; x++) {
                int sx = (int) (x * side + side / 2 + padding);
                int sy = (int) (y * side + side / 2 + padding);
                float angle = 0;
                if (y > 1) {
                    // the deeper the row, the more the square turns and strays
                    float r1 = random.nextFloat() / perColumn * y;
                    float r2 = random.nextFloat() / perColumn * y;
                    float r3 = random.nextFloat() / perColumn * y;
                    angle = random.nextBoolean() ? -r1 : r1;
                    sx = (int) (sx + (random.nextBoolean() ? -r2 : r2) * side / 3);
                    sy = (int) (sy + (random.nextBoolean() ? -r3 : r3) * side / 3);
                }
                canvas.drawSquare(sx, sy, side, angle);
            }
        }
        return canvas;
    }

    /** A grid of pixels of colors 0 to 3; Schotter draws 1 on 0 and renders 2x4 Braille cells. */
    static final class Canvas {
        final int width;
        final int height;
        private final byte[] pixels;

        Canvas(int width, int height, int background) {
            this.width = width;
            this.height = height;
            this.pixels = new byte[width * height];
            java.util.Arrays.fill(pixels, (byte) background);
        }

        /** Pixels outside the canvas are ignored, as Redis lets drawings run over its edges. */
        void set(int x, int y, int color) {
            if (x >= 0 && x < width && y >= 0 && y < height) {
                pixels[x + y * width] = (byte) color;
            }
        }

        int get(int x, int y) {
            return x >= 0 && x < width && y >= 0 && y < height ? pixels[x + y * width] : 0;
        }

        private boolean on(int x, int y) {
            return get(x, y) != 0;
        }

        /** Bresenham's line, as Redis draws it. */
        void drawLine(int x1, int y1, int x2, int y2) {
            int dx = Math.abs(x2 - x1);
            int dy = Math.abs(y2 - y1);
            int stepX = x1 < x2 ? 1 : -1;
            int stepY = y1 < y2 ? 1 : -1;
            int err = dx - dy;
            while (true) {
                set(x1, y1, 1);
                if (x1 == x2 && y1 == y2) {
                    return;
                }
                int e2 = err * 2;
                if (e2 > -dy) {
                    err -= dy;
                    x1 += stepX;
                }
                if (e2 < dx) {
                    err += dx;
                    y1 += stepY;
                }
            }
        }

        /** A square centred on x,y: its corners on a circle, the first at 45 degrees plus the angle. */
        void drawSquare(int x, int y, float side, float angle) {
            // C divides the float by a double into a float, then rounds that half away from zero
            float radius = (float) roundHalfAway((float) (side / 1.4142135623));
            int[] px = new int[4];
            int[] py = new int[4];
            float k = (float) (Math.PI / 4 + angle);
            for (int j = 0; j < 4; j++) {
                px[j] = (int) roundHalfAway(Math.sin(k) * radius + x);
                py[j] = (int) roundHalfAway(Math.cos(k) * radius + y);
                k = (float) (k + Math.PI / 2);
            }
            for (int j = 0; j < 4; j++) {
                drawLine(px[j], py[j], px[(j + 1) % 4], py[(j + 1) % 4]);
            }
        }

        /** C's round(): halves away from zero. */
        private static double roundHalfAway(double v) {
            return v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5);
        }

        /** Rows of Braille characters; Redis's bit order within a 2x4 cell. */
        String render() {
            StringBuilder text = new StringBuilder();
            for (int y = 0; y < height; y += 4) {
                for (int x = 0; x < width; x += 2) {
                    int bits = (on(x, y) ? 1 : 0) | (on(x, y + 1) ? 1 << 1 : 0) | (on(x, y + 2) ? 1 << 2 : 0)
                            | (on(x + 1, y) ? 1 << 3 : 0) | (on(x + 1, y + 1) ? 1 << 4 : 0)
                            | (on(x + 1, y + 2) ? 1 << 5 : 0) | (on(x, y + 3) ? 1 << 6 : 0)
                            | (on(x + 1, y + 3) ? 1 << 7 : 0);
                    text.append((char) (0x2800 + bits));
                }
                if (y != height - 1) {
                    text.append('\n');
                }
            }
            return text.toString();
        }
    }
}
