package io.cinnabar.persistence.rdb;

import io.cinnabar.types.ByteDict;
import io.cinnabar.types.HashValue;
import io.cinnabar.types.IntSet;
import io.cinnabar.types.ListValue;
import io.cinnabar.types.Listpack;
import io.cinnabar.types.SetValue;
import io.cinnabar.types.StreamGroup;
import io.cinnabar.types.StreamId;
import io.cinnabar.types.StreamValue;
import io.cinnabar.types.StringValue;
import io.cinnabar.types.Strtod;
import io.cinnabar.types.ZSetValue;
import io.cinnabar.util.Lzf;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Loads one value as Redis 7.0's rdbLoadObjectType + rdbLoadObject do, from every type an RDB
 * up to version 10 can hold, converting encodings on the way exactly as Redis does (ziplists
 * and zipmaps become listpacks, collections over the configured thresholds become hash tables
 * or skip lists).
 *
 * <p>Input is untrusted (RESTORE payloads, files): every length is checked against the bytes
 * left, and every listpack, ziplist and intset is deep-checked before it is adopted, whatever
 * sanitize-dump-payload says, because a bad blob in memory would fail later in some command.
 * Any inconsistency throws {@link RdbFormatException}.
 */
public final class RdbValueReader {
    /** The encoding thresholds and list settings in force, as a load applies them. */
    public record Limits(long hashMaxEntries, long hashMaxValue, long zsetMaxEntries, long zsetMaxValue,
                         long setMaxIntsetEntries, int listFill, int listCompressDepth) {
    }

    /** The most a liblzf stream can expand: a 3-byte back reference stands for up to 264 bytes. */
    private static final long LZF_MAX_RATIO = 88;
    private static final int ZSET_SCORE_NAN = 253;
    private static final int ZSET_SCORE_POS_INF = 254;
    private static final int ZSET_SCORE_NEG_INF = 255;

    private final byte[] in;
    private final int end;
    private final Limits limits;
    private int pos;

    public RdbValueReader(byte[] in, int from, int end, Limits limits) {
        this.in = in;
        this.pos = from;
        this.end = end;
        this.limits = limits;
    }

    public int position() {
        return pos;
    }

    /** A type byte and the value after it. */
    public Object readValue() {
        return readValue(readByte());
    }

    /** The value of a type whose byte has been read (an RDB file reads it as an opcode first). */
    public Object readValue(int type) {
        switch (type) {
            case Rdb.TYPE_STRING: return StringValue.of(readString());
            case Rdb.TYPE_LIST: return readPlainList();
            case Rdb.TYPE_LIST_ZIPLIST: return readZiplistList();
            case Rdb.TYPE_LIST_QUICKLIST: return readQuicklist(false);
            case Rdb.TYPE_LIST_QUICKLIST_2: return readQuicklist(true);
            case Rdb.TYPE_SET: return readPlainSet();
            case Rdb.TYPE_SET_INTSET: return readIntset();
            case Rdb.TYPE_ZSET: return readPlainZSet(false);
            case Rdb.TYPE_ZSET_2: return readPlainZSet(true);
            case Rdb.TYPE_ZSET_LISTPACK: return zsetFromListpack(checkedPairs(readListpackBlob(), true));
            case Rdb.TYPE_ZSET_ZIPLIST: return zsetFromListpack(checkedPairs(listpackOf(Ziplist.entries(readString())), true));
            case Rdb.TYPE_HASH: return readPlainHash();
            case Rdb.TYPE_HASH_LISTPACK: return hashFromListpack(checkedPairs(readListpackBlob(), false), false);
            case Rdb.TYPE_HASH_ZIPLIST: return hashFromListpack(checkedPairs(listpackOf(Ziplist.entries(readString())), false), false);
            case Rdb.TYPE_HASH_ZIPMAP: return readZipmapHash();
            case Rdb.TYPE_STREAM_LISTPACKS: return readStream(false);
            case Rdb.TYPE_STREAM_LISTPACKS_2: return readStream(true);
            default: throw new RdbFormatException("unknown or unsupported value type " + type);
        }
    }

    // ---------------------------------------------------------------- lists

    private ListValue newList() {
        return new ListValue(limits.listFill(), limits.listCompressDepth());
    }

    private ListValue readPlainList() {
        long n = readCount();
        ListValue list = newList();
        for (long i = 0; i < n; i++) {
            list.push(readString(), false);
        }
        return nonEmpty(list, list.size());
    }

    /** Redis pushes a ziplist list's entries one by one, so nodes follow the current fill. */
    private ListValue readZiplistList() {
        List<byte[]> entries = Ziplist.entries(readString());
        if (entries == null) {
            throw new RdbFormatException("ziplist integrity check failed");
        }
        ListValue list = newList();
        for (byte[] e : entries) {
            list.push(e, false);
        }
        return nonEmpty(list, list.size());
    }

    /** Nodes are adopted as saved (a version 1 node converted from its ziplist); empty ones are skipped. */
    private ListValue readQuicklist(boolean withContainers) {
        long nodes = readCount();
        ListValue list = newList();
        for (long i = 0; i < nodes; i++) {
            int container = Rdb.QUICKLIST_NODE_PACKED;
            if (withContainers) {
                long c = readLength();
                if (c != Rdb.QUICKLIST_NODE_PACKED && c != Rdb.QUICKLIST_NODE_PLAIN) {
                    throw new RdbFormatException("quicklist integrity check failed");
                }
                container = (int) c;
            }
            byte[] blob = readString();
            if (container == Rdb.QUICKLIST_NODE_PLAIN) {
                list.appendPlainNode(blob);
                continue;
            }
            Listpack lp = withContainers ? checkedListpack(blob) : listpackOf(Ziplist.entries(blob));
            if (lp.size() > 0) {
                list.appendListpackNode(lp);
            }
        }
        return nonEmpty(list, list.size());
    }

    // ---------------------------------------------------------------- sets

    private SetValue readPlainSet() {
        long n = readCount();
        SetValue set = n > limits.setMaxIntsetEntries() ? SetValue.emptyHashtable((int) n) : SetValue.emptyIntset();
        for (long i = 0; i < n; i++) {
            if (!set.add(readString(), limits.setMaxIntsetEntries())) {
                throw new RdbFormatException("duplicate set members detected");
            }
        }
        return nonEmpty(set, set.size());
    }

    private SetValue readIntset() {
        IntSet ints = IntSet.fromBlob(readString());
        if (ints == null) {
            throw new RdbFormatException("intset integrity check failed");
        }
        SetValue set = nonEmpty(SetValue.ofIntset(ints), ints.size());
        if (ints.size() > limits.setMaxIntsetEntries()) {
            SetValue table = SetValue.emptyHashtable(ints.size());
            for (int i = 0; i < ints.size(); i++) {
                table.addInt(ints.get(i), 0);
            }
            return table;
        }
        return set;
    }

    // ---------------------------------------------------------------- sorted sets

    private ZSetValue readPlainZSet(boolean binaryScores) {
        long n = readCount();
        ZSetValue zset = ZSetValue.newSkiplist((int) Math.min(n, end - pos));
        for (long i = 0; i < n; i++) {
            byte[] member = readString();
            double score = binaryScores ? Double.longBitsToDouble(readLittleEndian(8)) : readTextScore();
            if (Double.isNaN(score)) {
                throw new RdbFormatException("zset with NaN score detected");
            }
            if (!Double.isNaN(zset.score(member))) {
                throw new RdbFormatException("duplicate zset fields detected");
            }
            zset.insertNew(member, score);
        }
        nonEmpty(zset, zset.size());
        zset.convertToListpackIfFits(limits.zsetMaxEntries(), limits.zsetMaxValue());
        return zset;
    }

    /** rdbLoadDoubleValue: a length byte (or NaN/inf markers), then the score as text. */
    private double readTextScore() {
        int len = readByte();
        switch (len) {
            case ZSET_SCORE_NAN: return Double.NaN;
            case ZSET_SCORE_POS_INF: return Double.POSITIVE_INFINITY;
            case ZSET_SCORE_NEG_INF: return Double.NEGATIVE_INFINITY;
            default: {
                need(len);
                double v = scanDouble(in, pos, len);
                pos += len;
                return v;
            }
        }
    }

    /**
     * What Redis's sscanf("%lg") takes from the score text: the longest leading number (after
     * blanks, up to a NUL byte); NaN when there is none, so an empty score is an error as there.
     */
    private static double scanDouble(byte[] b, int off, int len) {
        int textLength = 0;
        while (textLength < len && b[off + textLength] != 0) {
            textLength++;
        }
        for (int n = textLength; n > 0; n--) {
            double v = Strtod.lenient(b, off, n);
            if (!Double.isNaN(v)) {
                return v;
            }
        }
        return Double.NaN;
    }

    private ZSetValue zsetFromListpack(Listpack lp) {
        ZSetValue zset = nonEmpty(ZSetValue.fromListpack(lp), lp.size());
        if (zset.size() > limits.zsetMaxEntries()) {
            zset.convertToSkiplist();
        }
        return zset;
    }

    // ---------------------------------------------------------------- hashes

    /** As Redis: a listpack while within the thresholds, else a hash table from the first field over them. */
    private HashValue readPlainHash() {
        long n = readCount();
        HashValue hash = new HashValue();
        if (n > limits.hashMaxEntries()) {
            hash.convertToDict();
        }
        for (long i = 0; i < n; i++) {
            byte[] field = readString();
            byte[] value = readString();
            if (!hash.set(field, value, limits.hashMaxEntries(), limits.hashMaxValue())) {
                throw new RdbFormatException("duplicate hash fields detected");
            }
        }
        return nonEmpty(hash, hash.size());
    }

    /** Redis 7.0 converts a listpack or ziplist hash on load by its field count alone. */
    private HashValue hashFromListpack(Listpack lp, boolean tooLong) {
        HashValue hash = nonEmpty(HashValue.ofListpack(lp), lp.size());
        if (hash.size() > limits.hashMaxEntries() || tooLong) {
            hash.convertToDict();
        }
        return hash;
    }

    /** A zipmap hash also becomes a hash table when a field or value, as the zipmap stored it, is too long. */
    private HashValue readZipmapHash() {
        List<byte[]> entries = Ziplist.zipmapEntries(readString());
        Listpack lp = checkedPairs(listpackOf(entries), false);
        boolean tooLong = false;
        for (byte[] e : entries) {
            tooLong |= e.length > limits.hashMaxValue();
        }
        return hashFromListpack(lp, tooLong);
    }

    // ---------------------------------------------------------------- streams

    private StreamValue readStream(boolean version2) {
        StreamValue stream = new StreamValue();
        long blocks = readCount();
        long live = 0;
        for (long i = 0; i < blocks; i++) {
            byte[] key = readString();
            if (key.length != Rdb.STREAM_ID_BYTES) {
                throw new RdbFormatException("stream node key entry is not the size of a stream ID");
            }
            Listpack lp = checkedListpack(readString());
            live += StreamBlocks.check(lp);
            if (!stream.adoptBlock(streamId(key, 0), lp)) {
                throw new RdbFormatException("duplicate stream node key");
            }
        }
        long length = readLength();
        StreamId lastId = readStreamId();
        StreamId firstId = null;
        StreamId maxDeletedId = StreamId.MIN;
        long entriesAdded = length;
        if (version2) {
            firstId = readStreamId();
            maxDeletedId = readStreamId();
            entriesAdded = readLength();
        }
        if (length != live) {
            throw new RdbFormatException("stream length does not match its entries");
        }
        stream.restoreState(length, lastId, firstId, maxDeletedId, entriesAdded);
        long groups = readCount();
        for (long g = 0; g < groups; g++) {
            readGroup(stream, version2);
        }
        return stream;
    }

    private void readGroup(StreamValue stream, boolean version2) {
        byte[] name = readString();
        StreamId lastDelivered = readStreamId();
        long entriesRead = version2 ? readLength() : stream.entriesAddedUpTo(lastDelivered);
        StreamGroup group = stream.createGroup(name, lastDelivered, entriesRead);
        if (group == null) {
            throw new RdbFormatException("duplicated consumer group name");
        }
        long pending = readCount();
        for (long i = 0; i < pending; i++) {
            StreamId id = readRawStreamId();
            long deliveryTime = readLittleEndian(8);
            long deliveryCount = readLength();
            if (group.pending.containsKey(id)) {
                throw new RdbFormatException("duplicated global PEL entry loading stream consumer group");
            }
            group.createUnowned(id, deliveryTime).deliveryCount = deliveryCount;
        }
        long consumers = readCount();
        for (long c = 0; c < consumers; c++) {
            byte[] consumerName = readString();
            long seenTime = readLittleEndian(8);
            StreamGroup.Consumer consumer = group.createConsumer(consumerName, seenTime);
            if (consumer == null) {
                throw new RdbFormatException("duplicate stream consumer detected");
            }
            long owned = readCount();
            for (long i = 0; i < owned; i++) {
                StreamId id = readRawStreamId();
                StreamGroup.Pending p = group.pending.get(id);
                if (p == null || p.consumer != null) {
                    throw new RdbFormatException("consumer PEL entry not in the group PEL or owned twice");
                }
                group.transfer(id, p, consumer);
            }
        }
        for (StreamGroup.Pending p : group.pending.values()) {
            if (p.consumer == null) {
                throw new RdbFormatException("stream PEL entry without a consumer");
            }
        }
    }

    private StreamId readStreamId() {
        long ms = readLength();
        return new StreamId(ms, readLength());
    }

    private StreamId readRawStreamId() {
        need(Rdb.STREAM_ID_BYTES);
        StreamId id = streamId(in, pos);
        pos += Rdb.STREAM_ID_BYTES;
        return id;
    }

    private static StreamId streamId(byte[] b, int at) {
        long ms = 0;
        long seq = 0;
        for (int i = 0; i < 8; i++) {
            ms = ms << 8 | (b[at + i] & 0xFF);
            seq = seq << 8 | (b[at + 8 + i] & 0xFF);
        }
        return new StreamId(ms, seq);
    }

    // ---------------------------------------------------------------- blobs

    private Listpack readListpackBlob() {
        return checkedListpack(readString());
    }

    private static Listpack checkedListpack(byte[] blob) {
        if (!Listpack.isValid(blob)) {
            throw new RdbFormatException("listpack integrity check failed");
        }
        return Listpack.fromBytes(blob);
    }

    /** A listpack of converted entries (lpAppend re-encodes integers as Redis's conversion does). */
    private static Listpack listpackOf(List<byte[]> entries) {
        if (entries == null) {
            throw new RdbFormatException("ziplist or zipmap integrity check failed");
        }
        Listpack lp = new Listpack();
        for (byte[] e : entries) {
            lp.append(e);
        }
        return lp;
    }

    /**
     * A field/value (or member/score) listpack must hold pairs with unique first elements, and a
     * sorted set's scores must read as numbers: Redis's lpValidateIntegrityAndDups, applied always.
     */
    private static Listpack checkedPairs(Listpack lp, boolean scores) {
        if ((lp.size() & 1) != 0) {
            throw new RdbFormatException("listpack with an odd number of elements");
        }
        ByteDict seen = new ByteDict(lp.size() / 2);
        for (int p = lp.first(); p >= 0; p = lp.next(lp.next(p))) {
            if (!seen.add(lp.get(p))) {
                throw new RdbFormatException("listpack with duplicate elements");
            }
            int second = lp.next(p);
            if (scores && !lp.isInt(second)
                    && Double.isNaN(Strtod.strict(lp.array(), lp.strOffset(second), lp.strLength(second)))) {
                throw new RdbFormatException("sorted set listpack with a score that is not a number");
            }
        }
        return lp;
    }

    private static <T> T nonEmpty(T value, long size) {
        if (size == 0) {
            throw new RdbFormatException("empty keys are not allowed");
        }
        return value;
    }

    // ---------------------------------------------------------------- primitives

    /** One byte (an RDB opcode or type), unsigned. */
    public int readByte() {
        need(1);
        return in[pos++] & 0xFF;
    }

    private void need(long n) {
        if (n < 0 || n > end - pos) {
            throw new RdbFormatException("unexpected end of payload");
        }
    }

    /** A little-endian integer of {@code bytes} bytes (millisecond times, binary doubles). */
    public long readLittleEndian(int bytes) {
        need(bytes);
        long v = 0;
        for (int i = bytes - 1; i >= 0; i--) {
            v = v << 8 | (in[pos + i] & 0xFF);
        }
        pos += bytes;
        return v;
    }

    /** rdbLoadLen of a plain length (a special string encoding here is an error). */
    public long readLength() {
        int first = readByte();
        switch (first >> 6) {
            case Rdb.LEN_6BIT:
                return first & 0x3F;
            case Rdb.LEN_14BIT:
                return (first & 0x3F) << 8 | readByte();
            case Rdb.LEN_32_OR_64BIT:
                if (first == Rdb.LEN_32BIT) {
                    return readBigEndian(4);
                }
                if (first == Rdb.LEN_64BIT) {
                    return readBigEndian(8);
                }
                throw new RdbFormatException("unknown length encoding " + first);
            default:
                throw new RdbFormatException("string encoding where a length was expected");
        }
    }

    /** A count of elements, each at least one byte long, so one larger than the bytes left is corrupt. */
    private long readCount() {
        long n = readLength();
        if (n < 0 || n > end - pos) {
            throw new RdbFormatException("element count larger than the payload");
        }
        return n;
    }

    private long readBigEndian(int bytes) {
        need(bytes);
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v = v << 8 | (in[pos++] & 0xFF);
        }
        return v;
    }

    /**
     * rdbGenericLoadStringObject: integer encodings spelled out, LZF decompressed. Blobs
     * (listpacks, intsets, ziplists) are stored as strings too.
     */
    public byte[] readString() {
        need(1);
        int first = in[pos] & 0xFF;
        if (first >> 6 != Rdb.ENCVAL) {
            long len = readLength();
            need(len);
            byte[] s = new byte[(int) len];
            System.arraycopy(in, pos, s, 0, s.length);
            pos += s.length;
            return s;
        }
        pos++;
        switch (first & 0x3F) {
            case Rdb.ENC_INT8: return decimal((byte) readLittleEndian(1));
            case Rdb.ENC_INT16: return decimal((short) readLittleEndian(2));
            case Rdb.ENC_INT32: return decimal((int) readLittleEndian(4));
            case Rdb.ENC_LZF: return readLzf();
            default: throw new RdbFormatException("unknown string encoding " + (first & 0x3F));
        }
    }

    private byte[] readLzf() {
        long compressed = readLength();
        long len = readLength();
        need(compressed);
        if (len > compressed * LZF_MAX_RATIO || len > Integer.MAX_VALUE - 16) {
            throw new RdbFormatException("invalid LZF compressed string");
        }
        byte[] out;
        try {
            out = new byte[(int) len];
        } catch (OutOfMemoryError e) {
            // one allocation that cannot be had, as Redis's ztrymalloc failing: the load fails, not the server
            throw new RdbFormatException("LZF string too large to allocate");
        }
        int n = Lzf.decompress(in, pos, (int) compressed, out, 0, out.length);
        if (n != len) {
            throw new RdbFormatException("invalid LZF compressed string");
        }
        pos += (int) compressed;
        return out;
    }

    private static byte[] decimal(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }
}
