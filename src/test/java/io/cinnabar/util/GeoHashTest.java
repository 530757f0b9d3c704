package io.cinnabar.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Geohash arithmetic against values read from Redis 7.0.15 (GEOADD scores, GEOPOS, GEOHASH). */
@Timeout(30)
class GeoHashTest {
    @Test
    void interleaveRoundTrips() {
        Random r = new Random(7);
        for (int i = 0; i < 10000; i++) {
            long x = r.nextInt() & 0xFFFFFFFFL;
            long y = r.nextInt() & 0xFFFFFFFFL;
            long separated = GeoHash.deinterleave(GeoHash.interleave(x, y));
            assertEquals(x, separated & 0xFFFFFFFFL);
            assertEquals(y, separated >>> 32);
        }
    }

    @Test
    void scoresMatchRedis() {
        assertEquals(3479099956230698L, GeoHash.encodeWGS84(13.361389, 38.115556));
        assertEquals(3377699720527872L, GeoHash.encodeWGS84(0, 0));
        assertEquals(0L, GeoHash.encodeWGS84(-180, -85.05112878));
        // the upper limits overflow the 26-bit cell index, as in Redis
        assertEquals(13510798882111488L, GeoHash.encodeWGS84(180, 85.05112878));
    }

    @Test
    void decodesToTheCellCenterClamped() {
        double[] xy = new double[2];
        GeoHash.decodeScore(3479099956230698.0, xy);
        assertEquals(13.361389338970184, xy[0]);
        assertEquals(38.1155563954963, xy[1]);
        GeoHash.decodeScore(13510798882111488.0, xy);
        assertEquals(180.0, xy[0]);
        assertEquals(85.05112878, xy[1]);
        GeoHash.decodeScore(-5, xy); // (uint64_t)-5: every bit set, clamped
        assertEquals(180.0, xy[0]);
        GeoHash.decodeScore(2e19, xy); // beyond 2^64: x86 converts it to 0
        assertEquals(-179.99999731779099, xy[0]);
    }

    @Test
    void standardHashMatchesRedis() {
        double[] xy = new double[2];
        byte[] out = new byte[11];
        GeoHash.decodeScore(3479099956230698.0, xy);
        GeoHash.standardHash(xy[0], xy[1], out);
        assertEquals("sqc8b49rny0", new String(out, StandardCharsets.US_ASCII));
        GeoHash.decodeScore(13510798882111488.0, xy);
        GeoHash.standardHash(xy[0], xy[1], out);
        assertEquals("bp05b5048p0", new String(out, StandardCharsets.US_ASCII));
    }

    @Test
    void distancesAndSteps() {
        double[] a = new double[2];
        double[] b = new double[2];
        GeoHash.decodeScore(GeoHash.encodeWGS84(13.361389, 38.115556), a);
        GeoHash.decodeScore(GeoHash.encodeWGS84(15.087269, 37.502669), b);
        assertEquals("166274.1516", String.format(java.util.Locale.ROOT, "%.4f", GeoHash.distance(a[0], a[1], b[0], b[1])));
        assertEquals(26, GeoHash.estimateStepsByRadius(0, 0));
        assertEquals(1, GeoHash.estimateStepsByRadius(5e7, 0));
        assertEquals(GeoHash.estimateStepsByRadius(1000, 0) - 2, GeoHash.estimateStepsByRadius(1000, 81));
    }
}
