package io.cinnabar.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HLL codec on its own: register packing, the two encodings kept in step, counting, corruption. */
@Timeout(60)
class HyperLogLogTest {
    private static final long SPARSE_MAX = 3000;

    @Test
    void denseRegistersReadBackWithoutDisturbingNeighbours() {
        Random r = new Random(1);
        byte[] dense = new byte[HyperLogLog.DENSE_SIZE];
        int[] expected = new int[HyperLogLog.REGISTERS];
        for (int round = 0; round < 20; round++) {
            for (int reg = 0; reg < HyperLogLog.REGISTERS; reg++) {
                expected[reg] = r.nextInt(64);
                HyperLogLog.denseSet(dense, reg, expected[reg]);
            }
            for (int reg = 0; reg < HyperLogLog.REGISTERS; reg++) {
                assertEquals(expected[reg], HyperLogLog.denseGet(dense, reg), "register " + reg);
            }
        }
    }

    @Test
    void aNewHllIsOneXzeroAndCountsZero() {
        MutableString m = HyperLogLog.create();
        assertEquals(18, m.length());
        assertEquals("Z:16384", HyperLogLog.decode(m.array(), m.length()));
        assertTrue(HyperLogLog.isValid(m.array(), m.length()));
        assertEquals(0, HyperLogLog.count(m.array(), m.length()));
    }

    @Test
    void patternLengthCountsZerosAboveTheIndexPlusOne() {
        assertEquals(1, HyperLogLog.patternLength(1L << 14));
        assertEquals(3, HyperLogLog.patternLength(1L << 16 | 0x3FFF));
        assertEquals(51, HyperLogLog.patternLength(0));
        assertEquals(50, HyperLogLog.patternLength(1L << 63));
        assertEquals(0x2345, HyperLogLog.index(0xABCD_2345L));
    }

    @Test
    void sparseAndDenseAgreeRegisterForRegisterAndInCount() {
        Random r = new Random(2);
        MutableString sparse = HyperLogLog.create();
        MutableString dense = HyperLogLog.create();
        assertTrue(HyperLogLog.toDense(dense));
        for (int i = 1; i <= 5000; i++) {
            long hash = HyperLogLog.hash(("element-" + r.nextInt(1_000_000)).getBytes(StandardCharsets.UTF_8));
            int expected = HyperLogLog.wouldChange(sparse.array(), sparse.length(), hash);
            assertEquals(expected, HyperLogLog.add(sparse, hash, SPARSE_MAX));
            HyperLogLog.add(dense, hash, SPARSE_MAX);
            if (i % 250 == 0) {
                assertEquals(HyperLogLog.count(dense.array(), dense.length()), HyperLogLog.count(sparse.array(), sparse.length()));
                MutableString copy = MutableString.wrap(sparse.toByteArray(), sparse.length());
                assertTrue(HyperLogLog.toDense(copy));
                assertArrayEquals(java.util.Arrays.copyOfRange(dense.array(), 16, HyperLogLog.DENSE_SIZE),
                        java.util.Arrays.copyOfRange(copy.array(), 16, HyperLogLog.DENSE_SIZE));
            }
        }
        assertEquals(HyperLogLog.DENSE, HyperLogLog.encoding(sparse.array()), "promoted past hll-sparse-max-bytes");
    }

    @Test
    void estimatesStayWithinAFewStandardErrors() {
        MutableString m = HyperLogLog.create();
        byte[] e = new byte[8];
        for (long n = 1; n <= 200_000; n++) {
            for (int b = 0; b < 8; b++) {
                e[b] = (byte) (n >>> (8 * b));
            }
            HyperLogLog.add(m, HyperLogLog.hash(e), SPARSE_MAX);
            if (n == 10 || n == 1000 || n == 200_000) {
                long estimate = HyperLogLog.count(m.array(), m.length());
                assertTrue(Math.abs(estimate - n) <= Math.max(1, 6 * 0.0081 * n), n + " counted as " + estimate);
            }
        }
    }

    @Test
    void theCacheIsLittleEndianWithAStaleFlagInTheTopBit() {
        MutableString m = HyperLogLog.create();
        HyperLogLog.setCachedCardinality(m.array(), 0x0102030405L);
        assertTrue(HyperLogLog.cacheValid(m.array()));
        assertEquals(0x05, m.array()[8]);
        assertEquals(0x0102030405L, HyperLogLog.cachedCardinality(m.array()));
        HyperLogLog.invalidateCache(m.array());
        assertFalse(HyperLogLog.cacheValid(m.array()));
        assertEquals((byte) 0x80, m.array()[15]);
    }

    @Test
    void corruptSparseValuesAreReportedNotThrown() {
        byte[] header = HyperLogLog.create().toByteArray();
        byte[] noOpcodes = java.util.Arrays.copyOf(header, 16);
        assertEquals(-1, HyperLogLog.count(noOpcodes, noOpcodes.length));
        assertEquals(-1, HyperLogLog.add(MutableString.wrap(noOpcodes.clone(), 16), 12345, SPARSE_MAX));
        assertFalse(HyperLogLog.toDense(MutableString.wrap(noOpcodes.clone(), 16)));
        // 16384 zeros then a VAL run: the original merge accepted it, the CVE-2025-32023 fix does not
        byte[] trailingVal = java.util.Arrays.copyOf(header, 19);
        trailingVal[18] = (byte) 0x80;
        assertFalse(HyperLogLog.merge(new byte[HyperLogLog.REGISTERS], trailingVal, trailingVal.length));
        assertEquals(-1, HyperLogLog.count(trailingVal, trailingVal.length));
        byte[] wrongMagic = header.clone();
        wrongMagic[3] = 'X';
        assertFalse(HyperLogLog.isValid(wrongMagic, wrongMagic.length));
        byte[] denseTooShort = java.util.Arrays.copyOf(header, 100);
        denseTooShort[4] = HyperLogLog.DENSE;
        assertFalse(HyperLogLog.isValid(denseTooShort, denseTooShort.length));
    }
}
