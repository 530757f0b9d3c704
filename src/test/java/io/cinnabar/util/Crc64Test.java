package io.cinnabar.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The check values of Redis's crc64.c test (crc64Test) and chaining over pieces. */
@Timeout(10)
class Crc64Test {
    private static long crc(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return Crc64.update(0, b, 0, b.length);
    }

    @Test
    void matchesRedisCheckValues() {
        assertEquals(0xe9c6d914c4b8d9caL, crc("123456789"));
        assertEquals(0L, crc(""));
    }

    @Test
    void continuesOverPieces() {
        byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
        long first = Crc64.update(0, b, 0, 4);
        assertEquals(0xe9c6d914c4b8d9caL, Crc64.update(first, b, 4, 5));
    }
}
