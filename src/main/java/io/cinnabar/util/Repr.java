package io.cinnabar.util;

import java.nio.charset.StandardCharsets;

/** Redis's sdscatrepr quoting, shared by MONITOR lines and CONFIG REWRITE. */
public final class Repr {
    private Repr() {}

    /** Redis's sdscatrepr: a quoted string with \n \r \t \a \b, \" \\ and \xHH escapes. */
    public static void append(StringBuilder b, byte[] s) {
        b.append('"');
        for (byte x : s) {
            int c = x & 0xff;
            switch (c) {
                case '\\': b.append("\\\\"); break;
                case '"': b.append("\\\""); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                case 7: b.append("\\a"); break;
                case 8: b.append("\\b"); break;
                default:
                    if (c >= 0x20 && c < 0x7f) {
                        b.append((char) c);
                    } else {
                        b.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
                    }
            }
        }
        b.append('"');
    }

    /** The text in double quotes with Redis's escapes. */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder();
        append(b, s.getBytes(StandardCharsets.UTF_8));
        return b.toString();
    }
}
