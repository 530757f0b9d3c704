package io.cinnabar.util;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The hash of byte strings for every hash table of the server (the keyspace and large hash, set
 * and zset values): MurmurHash3 x86_32 with a seed drawn once per process, so that colliding keys
 * cannot be precomputed by a client.
 */
public final class ByteHash {
    private static final int SEED = ThreadLocalRandom.current().nextInt() | 1;

    private ByteHash() {}

    public static int hash(byte[] key) {
        int h = SEED;
        int i = 0;
        int n = key.length;
        for (; i + 4 <= n; i += 4) {
            int k = (key[i] & 0xff) | (key[i + 1] & 0xff) << 8 | (key[i + 2] & 0xff) << 16 | key[i + 3] << 24;
            k *= 0xcc9e2d51;
            k = Integer.rotateLeft(k, 15);
            k *= 0x1b873593;
            h ^= k;
            h = Integer.rotateLeft(h, 13);
            h = h * 5 + 0xe6546b64;
        }
        int k = 0;
        switch (n & 3) {
            case 3: k ^= (key[i + 2] & 0xff) << 16; // fall through
            case 2: k ^= (key[i + 1] & 0xff) << 8;  // fall through
            case 1:
                k ^= key[i] & 0xff;
                k *= 0xcc9e2d51;
                k = Integer.rotateLeft(k, 15);
                k *= 0x1b873593;
                h ^= k;
                break;
            default:
                break;
        }
        h ^= n;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
