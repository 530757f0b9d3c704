package io.cinnabar.persistence.rdb;

import io.cinnabar.types.ByteDict;
import io.cinnabar.types.HashValue;
import io.cinnabar.types.IntSet;
import io.cinnabar.types.ListValue;
import io.cinnabar.types.Listpack;
import io.cinnabar.types.Numbers;
import io.cinnabar.types.SetValue;
import io.cinnabar.types.StreamGroup;
import io.cinnabar.types.StreamId;
import io.cinnabar.types.StreamValue;
import io.cinnabar.types.StringValue;
import io.cinnabar.types.ZSetValue;
import io.cinnabar.types.ZSkipList;
import io.cinnabar.util.Lzf;
import java.util.Arrays;
import java.util.Map;

/**
 * Serializes values as Redis 7.0's rdbSaveObjectType + rdbSaveObject do (RDB version 10), into a
 * growing byte array. The type byte and layout follow the value's current encoding, and every
 * string goes through rdbSaveRawString's choices (integer encoding, LZF when
 * {@code compress}), so the bytes equal Redis's wherever its own order is deterministic.
 */
public final class RdbValueWriter {
    /** Under this length LZF cannot shrink a string, so Redis does not try. */
    private static final int LZF_MIN_LENGTH = 21;
    private static final int INT_ENCODING_MAX_LENGTH = 11;
    private static final int MAX_LZF_HEADER = 1 + 5 + 5;

    private final boolean compress;
    private byte[] buf = new byte[64];
    private int size;

    /** {@code compress}: rdbcompression, LZF for strings longer than 20 bytes when it pays. */
    public RdbValueWriter(boolean compress) {
        this.compress = compress;
    }

    public int size() {
        return size;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    // ---------------------------------------------------------------- values

    /** rdbSaveObjectType followed by rdbSaveObject. */
    public void writeValue(Object value) {
        if (value instanceof ListValue) {
            writeList((ListValue) value);
        } else if (value instanceof SetValue) {
            writeSet((SetValue) value);
        } else if (value instanceof ZSetValue) {
            writeZSet((ZSetValue) value);
        } else if (value instanceof HashValue) {
            writeHash((HashValue) value);
        } else if (value instanceof StreamValue) {
            writeStream((StreamValue) value);
        } else if (value instanceof Long) {
            writeByte(Rdb.TYPE_STRING);
            writeLongAsString((Long) value);
        } else {
            writeByte(Rdb.TYPE_STRING);
            byte[] bytes = StringValue.bytes(value);
            writeString(bytes, 0, StringValue.length(value));
        }
    }

    private void writeList(ListValue list) {
        writeByte(Rdb.TYPE_LIST_QUICKLIST_2);
        writeLength(list.nodeCount());
        list.forEachNode((plain, compressed, data, length, rawSize) -> {
            writeLength(plain ? Rdb.QUICKLIST_NODE_PLAIN : Rdb.QUICKLIST_NODE_PACKED);
            if (compressed) {
                writeLzfBlob(data, length, rawSize);
            } else {
                writeString(data, 0, length);
            }
        });
    }

    private void writeSet(SetValue set) {
        if (set.isIntset()) {
            writeByte(Rdb.TYPE_SET_INTSET);
            IntSet ints = set.intset();
            writeString(ints.array(), 0, ints.byteLength());
            return;
        }
        writeByte(Rdb.TYPE_SET);
        writeLength(set.size());
        for (int p = set.firstPosition(); p >= 0; p = set.nextPosition(p)) {
            byte[] member = set.memberAt(p);
            writeString(member, 0, member.length);
        }
    }

    private void writeZSet(ZSetValue zset) {
        if (zset.isListpack()) {
            writeByte(Rdb.TYPE_ZSET_LISTPACK);
            writeListpack(zset.listpack());
            return;
        }
        writeByte(Rdb.TYPE_ZSET_2);
        writeLength(zset.size());
        // Tail to head, as Redis does so that loading inserts each member at the skip list's head.
        ZSetValue.Cursor c = new ZSetValue.Cursor(zset);
        zset.seekRank(c, 0, true);
        for (; c.valid(); c.prev()) {
            byte[] member = c.member();
            writeString(member, 0, member.length);
            writeLittleEndian(Double.doubleToRawLongBits(c.score()), 8);
        }
    }

    private void writeHash(HashValue hash) {
        if (hash.isListpack()) {
            writeByte(Rdb.TYPE_HASH_LISTPACK);
            writeListpack(hash.listpack());
            return;
        }
        writeByte(Rdb.TYPE_HASH);
        ByteDict dict = hash.dict();
        writeLength(dict.size());
        for (int slot = dict.firstSlot(); slot >= 0; slot = dict.nextSlot(slot)) {
            byte[] field = dict.keyAt(slot);
            byte[] value = (byte[]) dict.valueAt(slot);
            writeString(field, 0, field.length);
            writeString(value, 0, value.length);
        }
    }

    private void writeStream(StreamValue stream) {
        writeByte(Rdb.TYPE_STREAM_LISTPACKS_2);
        writeLength(stream.blockCount());
        for (Map.Entry<StreamId, Listpack> block : stream.blocks().entrySet()) {
            byte[] key = streamIdKey(block.getKey());
            writeString(key, 0, key.length);
            writeListpack(block.getValue());
        }
        writeLength(stream.length());
        writeStreamId(stream.lastId());
        writeStreamId(stream.firstId());
        writeStreamId(stream.maxDeletedId());
        writeLength(stream.entriesAdded());
        writeLength(stream.groups().size());
        for (Map.Entry<byte[], StreamGroup> e : stream.groups().entrySet()) {
            StreamGroup group = e.getValue();
            writeString(e.getKey(), 0, e.getKey().length);
            writeStreamId(group.lastId);
            writeLength(group.entriesRead);
            writeLength(group.pending.size());
            for (Map.Entry<StreamId, StreamGroup.Pending> p : group.pending.entrySet()) {
                writeRaw(streamIdKey(p.getKey()));
                writeLittleEndian(p.getValue().deliveryTime, 8);
                writeLength(p.getValue().deliveryCount);
            }
            writeLength(group.consumers.size());
            for (StreamGroup.Consumer consumer : group.consumers.values()) {
                writeString(consumer.name, 0, consumer.name.length);
                writeLittleEndian(consumer.seenTime, 8);
                writeLength(consumer.pending.size());
                for (StreamId id : consumer.pending.keySet()) {
                    writeRaw(streamIdKey(id));
                }
            }
        }
    }

    private void writeStreamId(StreamId id) {
        writeLength(id.ms());
        writeLength(id.seq());
    }

    static byte[] streamIdKey(StreamId id) {
        byte[] key = new byte[Rdb.STREAM_ID_BYTES];
        for (int i = 0; i < 8; i++) {
            key[i] = (byte) (id.ms() >>> (56 - 8 * i));
            key[8 + i] = (byte) (id.seq() >>> (56 - 8 * i));
        }
        return key;
    }

    private void writeListpack(Listpack lp) {
        writeString(lp.array(), 0, lp.bytes());
    }

    // ---------------------------------------------------------------- primitives

    /** rdbSaveLen: 6 or 14 bits in the top bits' byte(s), else a 32- or 64-bit big-endian length. */
    public void writeLength(long length) {
        if (length >= 0 && length < 1 << 6) {
            writeByte((int) length);
        } else if (length >= 0 && length < 1 << 14) {
            writeByte(0x40 | (int) (length >> 8));
            writeByte((int) length & 0xFF);
        } else if (length >= 0 && length <= 0xFFFFFFFFL) {
            writeByte(Rdb.LEN_32BIT);
            writeBigEndian(length, 4);
        } else {
            writeByte(Rdb.LEN_64BIT);
            writeBigEndian(length, 8);
        }
    }

    /**
     * rdbSaveRawString: an integer encoding for a short canonical integer, else LZF when enabled,
     * longer than 20 bytes and at least 5 bytes shorter, else the bytes with their length.
     */
    public void writeString(byte[] s, int off, int len) {
        if (len <= INT_ENCODING_MAX_LENGTH && len > 0) {
            long v = Numbers.parseLongStrict(s, off, off + len);
            if (v != Numbers.NOT_A_LONG && writeIntegerEncoding(v)) {
                return;
            }
        }
        if (compress && len >= LZF_MIN_LENGTH && writeCompressed(s, off, len)) {
            return;
        }
        writeLength(len);
        writeRaw(s, off, len);
    }

    /** rdbSaveLongLongAsStringObject: an integer encoding if it fits 32 bits, else the decimal text. */
    private void writeLongAsString(long v) {
        if (!writeIntegerEncoding(v)) {
            byte[] text = Long.toString(v).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            writeLength(text.length);
            writeRaw(text, 0, text.length);
        }
    }

    /** rdbEncodeInteger: false when the value needs more than 32 bits. */
    private boolean writeIntegerEncoding(long v) {
        if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            writeByte(Rdb.ENCVAL << 6 | Rdb.ENC_INT8);
            writeLittleEndian(v, 1);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            writeByte(Rdb.ENCVAL << 6 | Rdb.ENC_INT16);
            writeLittleEndian(v, 2);
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            writeByte(Rdb.ENCVAL << 6 | Rdb.ENC_INT32);
            writeLittleEndian(v, 4);
        } else {
            return false;
        }
        return true;
    }

    /** rdbSaveLzfStringObject: the output may not exceed the input less 4 bytes, or nothing is written. */
    private boolean writeCompressed(byte[] s, int off, int len) {
        int limit = len - 4;
        // compressed into our buffer past the room the marker and two lengths can take
        ensure(MAX_LZF_HEADER + limit);
        int dataAt = size + MAX_LZF_HEADER;
        int n = Lzf.compress(s, off, len, buf, dataAt, limit);
        if (n == 0) {
            return false;
        }
        writeLzfHeader(n, len);
        // the header took no more than the room left for it: slide the data down to meet it
        System.arraycopy(buf, dataAt, buf, size, n);
        size += n;
        return true;
    }

    /** rdbSaveLzfBlob: the LZF marker, compressed and original lengths, then the compressed bytes. */
    private void writeLzfBlob(byte[] data, int length, int rawSize) {
        writeLzfHeader(length, rawSize);
        writeRaw(data, 0, length);
    }

    private void writeLzfHeader(int length, int rawSize) {
        writeByte(Rdb.ENCVAL << 6 | Rdb.ENC_LZF);
        writeLength(length);
        writeLength(rawSize);
    }

    public void writeByte(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    public void writeRaw(byte[] b) {
        writeRaw(b, 0, b.length);
    }

    public void writeRaw(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    public void writeLittleEndian(long v, int bytes) {
        ensure(bytes);
        for (int i = 0; i < bytes; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
    }

    private void writeBigEndian(long v, int bytes) {
        ensure(bytes);
        for (int i = bytes - 1; i >= 0; i--) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
    }

    private void ensure(int extra) {
        long needed = (long) size + extra;
        if (needed > buf.length) {
            if (needed > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("serialized value too large");
            }
            buf = Arrays.copyOf(buf, (int) Math.max(needed, Math.min(Integer.MAX_VALUE - 16L, buf.length * 2L)));
        }
    }
}
