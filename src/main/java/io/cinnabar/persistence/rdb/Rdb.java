package io.cinnabar.persistence.rdb;

/** Redis 7.0's RDB constants (rdb.h): value type bytes, length and string encodings. */
public final class Rdb {
    private Rdb() {}

    /** The RDB version Redis 7.0 writes and the highest it reads. */
    public static final int VERSION = 10;

    public static final int TYPE_STRING = 0;
    public static final int TYPE_LIST = 1;
    public static final int TYPE_SET = 2;
    public static final int TYPE_ZSET = 3;
    public static final int TYPE_HASH = 4;
    public static final int TYPE_ZSET_2 = 5;
    public static final int TYPE_MODULE = 6;
    public static final int TYPE_MODULE_2 = 7;
    public static final int TYPE_HASH_ZIPMAP = 9;
    public static final int TYPE_LIST_ZIPLIST = 10;
    public static final int TYPE_SET_INTSET = 11;
    public static final int TYPE_ZSET_ZIPLIST = 12;
    public static final int TYPE_HASH_ZIPLIST = 13;
    public static final int TYPE_LIST_QUICKLIST = 14;
    public static final int TYPE_STREAM_LISTPACKS = 15;
    public static final int TYPE_HASH_LISTPACK = 16;
    public static final int TYPE_ZSET_LISTPACK = 17;
    public static final int TYPE_LIST_QUICKLIST_2 = 18;
    public static final int TYPE_STREAM_LISTPACKS_2 = 19;

    /** Quicklist node containers as RDB_TYPE_LIST_QUICKLIST_2 stores them. */
    public static final int QUICKLIST_NODE_PLAIN = 1;
    public static final int QUICKLIST_NODE_PACKED = 2;

    /** The two top bits of a length byte: 6-bit, 14-bit, 32/64-bit length, or a special string encoding. */
    static final int LEN_6BIT = 0;
    static final int LEN_14BIT = 1;
    static final int LEN_32_OR_64BIT = 2;
    static final int ENCVAL = 3;
    static final int LEN_32BIT = 0x80;
    static final int LEN_64BIT = 0x81;

    /** Special string encodings (after ENCVAL). */
    static final int ENC_INT8 = 0;
    static final int ENC_INT16 = 1;
    static final int ENC_INT32 = 2;
    static final int ENC_LZF = 3;

    /** Stream IDs are saved as 16-byte big-endian keys (ms, then seq), as Redis's rax keys them. */
    static final int STREAM_ID_BYTES = 16;
}
