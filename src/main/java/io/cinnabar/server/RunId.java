package io.cinnabar.server;

import java.security.SecureRandom;

/** The 40-hex-character run id of this server process (replication uses it). */
public final class RunId {
    private String value = random();

    private static String random() {
        byte[] b = new byte[20];
        new SecureRandom().nextBytes(b);
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return s.toString();
    }

    public String value() {
        return value;
    }

    public void regenerate() {
        value = random();
    }
}
