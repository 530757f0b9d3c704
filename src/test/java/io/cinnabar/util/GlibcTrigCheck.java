package io.cinnabar.util;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/**
 * Compares {@link GlibcTrig} with the C library on the records src/test/c/glibc_trig_vectors.c
 * writes, read from stdin, and prints the mismatch count per function and path:
 * <pre>
 * gcc -O2 -o /tmp/gtv src/test/c/glibc_trig_vectors.c -lm
 * /tmp/gtv 30000000 1 | java -cp target/classes:target/test-classes io.cinnabar.util.GlibcTrigCheck
 * </pre>
 * With {@code --write FILE SEED} (SEED the one given to glibc_trig_vectors) it also checks that
 * {@link GlibcTrigArguments} reproduces the C program's arguments and writes the test vectors
 * GlibcTrigTest reads: a header "glibc-trig-vectors SEED N", then "index difference" for every
 * argument where glibc's result is not StrictMath's, the difference of their bit patterns; gzip'd.
 */
public final class GlibcTrigCheck {
    private GlibcTrigCheck() {}

    private static final String[] NAMES = {"sin", "cos", "asin", "asin, glibc's evaluation throughout"};

    public static void main(String[] args) throws IOException {
        long[][] total = new long[4][8];
        long[][] wrong = new long[4][8];
        int shown = 0;
        byte[] record = new byte[18];
        ByteBuffer buffer = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
        boolean writing = args.length == 3 && args[0].equals("--write");
        long seed = writing ? Long.parseUnsignedLong(args[2]) : 0;
        GlibcTrigArguments replica = new GlibcTrigArguments(seed);
        StringBuilder differences = new StringBuilder();
        long index = 0;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(System.in, 1 << 16))) {
            for (;; index++) {
                try {
                    in.readFully(record);
                } catch (EOFException end) {
                    break;
                }
                int function = record[0];
                int path = record[1];
                double x = buffer.getDouble(2);
                double expected = buffer.getDouble(10);
                if (writing) {
                    double replicated = replica.next();
                    if (Double.doubleToRawLongBits(replicated) != Double.doubleToRawLongBits(x) || replica.function != function || replica.path != path) {
                        throw new IllegalStateException("GlibcTrigArguments departs from the C program at record " + index);
                    }
                    long difference = Double.doubleToRawLongBits(expected) - Double.doubleToRawLongBits(replica.strictValue(x));
                    if (difference != 0) {
                        differences.append(index).append(' ').append(difference).append('\n');
                    }
                }
                double actual = function == 0 ? GlibcTrig.sin(x) : function == 1 ? GlibcTrig.cos(x) : GlibcTrig.asin(x);
                total[function][path]++;
                if (function == 2) {
                    total[3][path]++;
                    if (Double.doubleToRawLongBits(GlibcTrig.asinGlibcEvaluation(x)) != Double.doubleToRawLongBits(expected)) {
                        wrong[3][path]++;
                    }
                }
                if (Double.doubleToRawLongBits(actual) != Double.doubleToRawLongBits(expected)) {
                    wrong[function][path]++;
                    if (shown++ < 20) {
                        System.out.printf("%s path %d: %s -> glibc %s, ours %s%n", NAMES[function], path, Double.toHexString(x),
                                Double.toHexString(expected), Double.toHexString(actual));
                    }
                }
            }
        }
        if (writing) {
            try (Writer out = new OutputStreamWriter(new GZIPOutputStream(new FileOutputStream(args[1])), StandardCharsets.US_ASCII)) {
                out.write("glibc-trig-vectors " + Long.toUnsignedString(seed) + " " + index + "\n");
                out.write(differences.toString());
            }
        }
        for (int function = 0; function < NAMES.length; function++) {
            StringBuilder line = new StringBuilder(NAMES[function]);
            for (int path = 0; path < 8; path++) {
                if (total[function][path] > 0) {
                    line.append(String.format("  path %d: %d/%d", path, wrong[function][path], total[function][path]));
                }
            }
            System.out.println(line);
        }
    }
}
