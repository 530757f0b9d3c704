package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandError;
import io.cinnabar.command.CommandTable;
import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.KeyEvents;
import io.cinnabar.keyspace.KeyTable;
import io.cinnabar.server.Server;
import io.cinnabar.types.MutableString;
import io.cinnabar.types.Numbers;
import io.cinnabar.types.StringValue;
import io.cinnabar.types.Values;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The bitmap group, laid out like Redis's bitops.c: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP,
 * BITFIELD and BITFIELD_RO over plain strings, bit 0 being the most significant bit of the first
 * byte.
 *
 * <p>A write turns the stored string into a growable raw one the way Redis's
 * lookupStringForBitCommand does (an int or embstr value becomes "raw"), zero-padding it in one
 * allocation to the highest byte written. Scans (BITCOUNT, BITPOS, BITOP) go eight bytes at a
 * time through a long view of the array.
 */
public final class BitmapCommands {
    private BitmapCommands() {}

    static final String OFFSET_ERROR = "ERR bit offset is not an integer or out of range";
    static final String BIT_ERROR = "ERR bit is not an integer or out of range";
    static final String TYPE_ERROR =
            "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
    private static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";

    /** Eight bytes of a byte[] as one long, first byte most significant (so bit order is string order). */
    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    static void install(Server server) {
        CommandTable t = server.commandTable();
        t.bind("setbit", BitmapCommands::setbit);
        t.bind("getbit", BitmapCommands::getbit);
        t.bind("bitcount", BitmapCommands::bitcount);
        t.bind("bitpos", BitmapCommands::bitpos);
        t.bind("bitop", BitmapCommands::bitop);
        t.bind("bitfield", ctx -> bitfield(ctx, false));
        t.bind("bitfield_ro", ctx -> bitfield(ctx, true));
    }

    // ---------------------------------------------------------------- shared helpers

    /** The bytes of a stored string (an int's decimal text); only the first {@link #length} count. */
    static byte[] contents(Object v) {
        if (v instanceof MutableString) {
            return ((MutableString) v).array();
        }
        return StringValue.bytes(v);
    }

    static int length(Object v) {
        return StringValue.length(v);
    }

    /**
     * A bit offset argument as Redis's getBitOffsetFromArgument reads it: with {@code hashBits} > 0
     * a leading '#' multiplies it by the field width; negative offsets and offsets whose byte lies
     * at or past proto-max-bulk-len are rejected.
     */
    static long bitOffset(CommandContext ctx, byte[] arg, int hashBits) {
        int from = hashBits > 0 && arg.length > 0 && arg[0] == '#' ? 1 : 0;
        long offset = Numbers.parseLongStrict(arg, from, arg.length);
        if (offset == Numbers.NOT_A_LONG && !isMinLong(arg, from)) {
            throw new CommandError(OFFSET_ERROR);
        }
        if (from == 1) {
            offset *= hashBits; // wraps as the C multiplication does
        }
        if (offset < 0 || (offset >>> 3) >= ctx.server.config().protoMaxBulkLen.value()) {
            throw new CommandError(OFFSET_ERROR);
        }
        return offset;
    }

    private static boolean isMinLong(byte[] arg, int from) {
        return arg.length - from == 20 && java.util.Arrays.equals(arg, from, arg.length, MIN_LONG, 0, 20);
    }

    private static final byte[] MIN_LONG = "-9223372036854775808".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * The stored string's array when bits up to byte {@code bytes - 1} can be written into it as it
     * is: a raw string (growable, or fixed and longer than embstr) already long enough. Null when
     * the write must first create, convert or grow it ({@link #writableBytes}).
     */
    private static byte[] writableInPlace(Object v, long bytes) {
        if (v instanceof MutableString) {
            MutableString m = (MutableString) v;
            return m.length() >= bytes ? m.array() : null;
        }
        if (v instanceof byte[]) {
            byte[] b = (byte[]) v;
            return b.length > StringValue.EMBSTR_LIMIT && b.length >= bytes ? b : null;
        }
        return null;
    }

    /**
     * Redis's lookupStringForBitCommand: makes the string at key raw and at least {@code bytes}
     * long (zero-padded, one allocation however far it grows), creating it if absent. Creating or
     * growing announces the write, and the caller then ends with {@code db.modified(key)}; making
     * an int or embstr raw at its length only re-encodes it, stored quietly as Redis's
     * dbUnshareStringValue does, so a caller that then changes a bit announces that itself.
     * Returns the array to write into.
     */
    private static byte[] writableBytes(CommandContext ctx, Database db, byte[] key, Object v, long bytes) {
        if (bytes > Integer.MAX_VALUE - 16) {
            // within proto-max-bulk-len (configured above 2 GB) but beyond what one array holds
            throw new CommandError(OOM);
        }
        int needed = (int) bytes;
        try {
            byte[] inPlace = writableInPlace(v, needed);
            if (inPlace != null) {
                db.lookupWrite(key);
                return inPlace;
            }
            if (v instanceof MutableString) {
                MutableString m = (MutableString) db.lookupWrite(key);
                m.setLength(needed);
                return m.array();
            }
            MutableString m;
            if (v == null) {
                m = MutableString.wrap(new byte[needed], needed);
            } else {
                byte[] old = StringValue.bytes(v);
                m = new MutableString(old, Math.max(0, needed - old.length));
                m.setLength(Math.max(needed, old.length));
                if (old.length >= needed) {
                    db.replaceQuietly(key, m);
                    return m.array();
                }
            }
            db.set(key, m, v == null ? KeyTable.NO_EXPIRE : Database.KEEP_TTL);
            db.lookupWrite(key);
            db.countChanges(-1); // one write with the caller's modified, counted there
            return m.array();
        } catch (OutOfMemoryError e) {
            throw new CommandError(OOM);
        }
    }

    // ---------------------------------------------------------------- SETBIT, GETBIT

    static void setbit(CommandContext ctx) {
        long offset = bitOffset(ctx, ctx.arg(2), 0);
        long on = ctx.argLong(3, BIT_ERROR);
        if ((on & ~1L) != 0) {
            throw new CommandError(BIT_ERROR);
        }
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        Object v = StringCommands.getStringForWrite(db, key);
        int index = (int) (offset >>> 3);
        int mask = 0x80 >>> (int) (offset & 7);
        byte[] bytes = writableInPlace(v, (long) index + 1);
        if (bytes != null) {
            int old = bytes[index] & mask;
            if ((old != 0) != (on == 1)) {
                // only a change is a write, as in Redis (no WATCH touched, no dirty count)
                db.lookupWrite(key);
                bytes[index] ^= (byte) mask;
                db.modified(key);
                db.notify(KeyEvents.STRING, "setbit", key);
            }
            ctx.reply.integer(old != 0 ? 1 : 0);
            return;
        }
        // Redis announces a created or grown string, or a changed bit; not a mere re-encoding.
        boolean grows = v == null || length(v) < index + 1;
        bytes = writableBytes(ctx, db, key, v, (long) index + 1);
        int old = bytes[index] & mask;
        boolean flips = (old != 0) != (on == 1);
        if (flips && !grows) {
            db.lookupWrite(key);
        }
        if (on == 1) {
            bytes[index] |= (byte) mask;
        } else {
            bytes[index] &= (byte) ~mask;
        }
        if (grows || flips) {
            db.modified(key);
            db.notify(KeyEvents.STRING, "setbit", key);
        }
        ctx.reply.integer(old != 0 ? 1 : 0);
    }

    static void getbit(CommandContext ctx) {
        long offset = bitOffset(ctx, ctx.arg(2), 0);
        Object v = StringCommands.getString(ctx.db(), ctx.arg(1));
        long index = offset >>> 3;
        if (v == null || index >= length(v)) {
            ctx.reply.integer(0);
            return;
        }
        int bit = (contents(v)[(int) index] >> (7 - (int) (offset & 7))) & 1;
        ctx.reply.integer(bit);
    }

    // ---------------------------------------------------------------- BITCOUNT

    /**
     * BITCOUNT key [start end [BYTE|BIT]], as Redis 7.0 orders its checks: an absent key answers 0
     * before the range is even parsed, and a range with both ends negative and start past end
     * answers 0 before the unit is checked.
     */
    static void bitcount(CommandContext ctx) {
        Object v = StringCommands.getString(ctx.db(), ctx.arg(1));
        if (v == null) {
            ctx.reply.integer(0);
            return;
        }
        byte[] p = contents(v);
        int argc = ctx.argc();
        Range range = new Range();
        if (argc == 4 || argc == 5) {
            long start = ctx.argLong(2);
            long end = ctx.argLong(3);
            if (start < 0 && end < 0 && start > end) {
                ctx.reply.integer(0);
                return;
            }
            range.resolve(start, end, argc == 5 && unitIsBit(ctx, 4), length(v));
        } else if (argc == 2) {
            range.end = length(v) - 1;
        } else {
            throw CommandError.syntax();
        }
        if (range.start > range.end) {
            ctx.reply.integer(0);
            return;
        }
        int start = (int) range.start;
        int end = (int) range.end;
        long count = popcount(p, start, end - start + 1);
        count -= Integer.bitCount(p[start] & range.firstMask) + Integer.bitCount(p[end] & range.lastMask);
        ctx.reply.integer(count);
    }

    /**
     * A BITCOUNT/BITPOS range resolved to bytes: negative ends counted from the end, clamped to the
     * string; in BIT units, the bits of the first and last byte outside the range as masks.
     */
    static final class Range {
        long start;
        long end;
        int firstMask;
        int lastMask;

        void resolve(long from, long to, boolean isBit, long byteLength) {
            long total = isBit ? byteLength << 3 : byteLength;
            start = from < 0 ? Math.max(0, total + from) : from;
            end = to < 0 ? Math.max(0, total + to) : to;
            if (end >= total) {
                end = total - 1;
            }
            if (isBit && start <= end) {
                firstMask = ~((1 << (8 - (start & 7))) - 1) & 0xFF;
                lastMask = (1 << (7 - (end & 7))) - 1;
                start >>= 3;
                end >>= 3;
            }
        }
    }

    /** The optional BYTE|BIT unit argument: true for BIT, false for BYTE, a syntax error otherwise. */
    private static boolean unitIsBit(CommandContext ctx, int arg) {
        if (ctx.argIs(arg, "bit")) {
            return true;
        }
        if (ctx.argIs(arg, "byte")) {
            return false;
        }
        throw CommandError.syntax();
    }

    /** Set bits in {@code count} bytes from {@code from}: four independent sums of 64-bit popcounts. */
    static long popcount(byte[] a, int from, int count) {
        long c0 = 0;
        long c1 = 0;
        long c2 = 0;
        long c3 = 0;
        int i = from;
        int end = from + count;
        for (int stop = end - 31; i < stop; i += 32) {
            c0 += Long.bitCount((long) WORDS.get(a, i));
            c1 += Long.bitCount((long) WORDS.get(a, i + 8));
            c2 += Long.bitCount((long) WORDS.get(a, i + 16));
            c3 += Long.bitCount((long) WORDS.get(a, i + 24));
        }
        for (int stop = end - 7; i < stop; i += 8) {
            c0 += Long.bitCount((long) WORDS.get(a, i));
        }
        for (; i < end; i++) {
            c1 += Integer.bitCount(a[i] & 0xFF);
        }
        return c0 + c1 + c2 + c3;
    }

    // ---------------------------------------------------------------- BITPOS

    /**
     * BITPOS key bit [start [end [BYTE|BIT]]]. Redis's rules: clear bits are looked for past the
     * end of the string (the right is zero-padded) unless an end was given, in which case none
     * found is -1; an absent key is all clear bits.
     */
    static void bitpos(CommandContext ctx) {
        long bit = ctx.argLong(2);
        if (bit != 0 && bit != 1) {
            throw new CommandError("ERR The bit argument must be 1 or 0.");
        }
        Object v = StringCommands.getString(ctx.db(), ctx.arg(1));
        if (v == null) {
            ctx.reply.integer(bit == 1 ? -1 : 0);
            return;
        }
        byte[] p = contents(v);
        int argc = ctx.argc();
        Range range = new Range();
        boolean endGiven = argc >= 5;
        if (argc >= 4 && argc <= 6) {
            long start = ctx.argLong(3);
            boolean isBit = argc == 6 && unitIsBit(ctx, 5);
            long totlen = length(v);
            long end = endGiven ? ctx.argLong(4) : isBit ? (totlen << 3) + 7 : totlen - 1;
            range.resolve(start, end, isBit, totlen);
        } else if (argc == 3) {
            range.end = length(v) - 1;
        } else {
            throw CommandError.syntax();
        }
        if (range.start > range.end) {
            ctx.reply.integer(-1);
            return;
        }
        ctx.reply.integer(bitposInRange(p, (int) range.start, (int) range.end, (int) bit, range.firstMask, range.lastMask, endGiven));
    }

    /**
     * The search over bytes start..end, the first and last byte masked to the BIT range: first
     * byte, middle bytes, last byte, each stopping early once a bit is found inside the range.
     */
    private static long bitposInRange(byte[] p, int start, int end, int bit, int firstMask, int lastMask, boolean endGiven) {
        long bytes = (long) end - start + 1;
        long pos;
        search:
        {
            if (firstMask != 0) {
                int one = bit == 1 ? (p[start] & 0xFF) & ~firstMask : (p[start] & 0xFF) | firstMask;
                if (lastMask != 0 && bytes == 1) {
                    one = bit == 1 ? one & ~lastMask : one | lastMask;
                }
                pos = firstBitInByte(one, bit);
                if (bytes == 1 || (pos != -1 && pos != 8)) {
                    break search;
                }
                start++;
                bytes--;
            }
            long middle = bytes - (lastMask != 0 ? 1 : 0);
            if (middle > 0) {
                pos = firstBit(p, start, (int) middle, bit);
                if (bytes == middle || (pos != -1 && pos != middle << 3)) {
                    break search;
                }
                start += (int) middle;
                bytes -= middle;
            }
            int last = bit == 1 ? (p[end] & 0xFF) & ~lastMask : (p[end] & 0xFF) | lastMask;
            pos = firstBitInByte(last, bit);
        }
        if (endGiven && bit == 0 && pos == bytes << 3) {
            return -1;
        }
        if (pos != -1) {
            pos += (long) start << 3;
        }
        return pos;
    }

    private static long firstBitInByte(int b, int bit) {
        int x = bit == 1 ? b : ~b & 0xFF;
        return x == 0 ? (bit == 1 ? -1 : 8) : Integer.numberOfLeadingZeros(x) - 24;
    }

    /**
     * Redis's redisBitpos over {@code count} bytes from {@code from}: the position of the first bit
     * equal to {@code bit}; when looking for a clear bit and none is there, count * 8 (the string
     * is taken as zero-padded on the right); when looking for a set bit and none is there, -1.
     */
    static long firstBit(byte[] a, int from, int count, int bit) {
        long skip = bit == 1 ? 0 : -1L;
        int i = from;
        int end = from + count;
        for (int stop = end - 7; i < stop; i += 8) {
            long w = (long) WORDS.get(a, i);
            if (w != skip) {
                long x = bit == 1 ? w : ~w;
                return ((long) (i - from) << 3) + Long.numberOfLeadingZeros(x);
            }
        }
        for (; i < end; i++) {
            int x = bit == 1 ? a[i] & 0xFF : ~a[i] & 0xFF;
            if (x != 0) {
                return ((long) (i - from) << 3) + Integer.numberOfLeadingZeros(x) - 24;
            }
        }
        return bit == 1 ? -1 : (long) count << 3;
    }

    // ---------------------------------------------------------------- BITOP

    static final int AND = 0;
    static final int OR = 1;
    static final int XOR = 2;
    static final int NOT = 3;

    /**
     * BITOP AND|OR|XOR|NOT destkey key [key ...]: missing keys and the part of shorter strings past
     * their end count as zero bytes; the result is as long as the longest input and stored raw
     * without a TTL, or the destination is deleted when every input is empty.
     */
    static void bitop(CommandContext ctx) {
        int op;
        if (ctx.argIs(1, "and")) {
            op = AND;
        } else if (ctx.argIs(1, "or")) {
            op = OR;
        } else if (ctx.argIs(1, "xor")) {
            op = XOR;
        } else if (ctx.argIs(1, "not")) {
            op = NOT;
        } else {
            throw CommandError.syntax();
        }
        int argc = ctx.argc();
        if (op == NOT && argc != 4) {
            throw new CommandError("ERR BITOP NOT must be called with a single source key.");
        }
        Database db = ctx.db();
        int sources = argc - 3;
        Object[] values = new Object[sources];
        long maxLength = 0;
        for (int j = 0; j < sources; j++) {
            Object v = db.get(ctx.arg(j + 3));
            if (v != null && !Values.isString(v)) {
                throw CommandError.wrongType();
            }
            values[j] = v;
            if (v != null) {
                maxLength = Math.max(maxLength, length(v));
            }
        }
        byte[] target = ctx.arg(2);
        if (maxLength == 0) {
            if (db.delete(target)) {
                db.notify(KeyEvents.GENERIC, "del", target);
            }
            ctx.reply.integer(0);
            return;
        }
        byte[] result;
        try {
            result = new byte[(int) maxLength];
        } catch (OutOfMemoryError e) {
            throw new CommandError(OOM);
        }
        combine(op, values, result);
        db.set(target, MutableString.wrap(result, result.length), KeyTable.NO_EXPIRE);
        db.notify(KeyEvents.STRING, "set", target);
        ctx.reply.integer(maxLength);
    }

    /** Fills {@code result} (zeroed, as long as the longest input) with the operation over the inputs. */
    private static void combine(int op, Object[] values, byte[] result) {
        int n = result.length;
        Object first = values[0];
        int firstLength = first == null ? 0 : length(first);
        if (first != null) {
            System.arraycopy(contents(first), 0, result, 0, firstLength);
        }
        if (op == NOT) {
            int i = 0;
            for (; i + 8 <= n; i += 8) {
                WORDS.set(result, i, ~(long) WORDS.get(result, i));
            }
            for (; i < n; i++) {
                result[i] = (byte) ~result[i];
            }
            return;
        }
        int covered = firstLength; // AND: bytes past the shortest input stay zero
        for (int j = 1; j < values.length; j++) {
            Object v = values[j];
            int len = v == null ? 0 : length(v);
            byte[] src = v == null ? null : contents(v);
            if (op == AND) {
                int upto = Math.min(covered, len);
                andInto(result, src, upto);
                java.util.Arrays.fill(result, upto, covered, (byte) 0);
                covered = upto;
            } else if (len > 0) {
                orXorInto(op, result, src, len);
            }
        }
    }

    private static void andInto(byte[] result, byte[] src, int n) {
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            WORDS.set(result, i, (long) WORDS.get(result, i) & (long) WORDS.get(src, i));
        }
        for (; i < n; i++) {
            result[i] &= src[i];
        }
    }

    private static void orXorInto(int op, byte[] result, byte[] src, int n) {
        int i = 0;
        if (op == OR) {
            for (; i + 8 <= n; i += 8) {
                WORDS.set(result, i, (long) WORDS.get(result, i) | (long) WORDS.get(src, i));
            }
            for (; i < n; i++) {
                result[i] |= src[i];
            }
        } else {
            for (; i + 8 <= n; i += 8) {
                WORDS.set(result, i, (long) WORDS.get(result, i) ^ (long) WORDS.get(src, i));
            }
            for (; i < n; i++) {
                result[i] ^= src[i];
            }
        }
    }

    // ---------------------------------------------------------------- BITFIELD

    private static final int GET = 0;
    private static final int SET = 1;
    private static final int INCRBY = 2;
    private static final int WRAP = 0;
    private static final int SAT = 1;
    private static final int FAIL = 2;

    /**
     * BITFIELD key [GET type offset | SET type offset value | INCRBY type offset increment |
     * OVERFLOW WRAP|SAT|FAIL]... and BITFIELD_RO (GET only). Every operation is parsed before any
     * runs; a write first grows the string to the highest bit any write touches (even one that
     * then fails under OVERFLOW FAIL, as in Redis). One reply per GET/SET/INCRBY: the value read,
     * the old value for SET, the new one for INCRBY, nil where FAIL refused the write.
     */
    static void bitfield(CommandContext ctx, boolean readOnlyCommand) {
        int argc = ctx.argc();
        // Each operation packs into three longs: offset, value, and opcode|overflow|bits|sign.
        long[] ops = new long[((argc - 2) / 3 + 1) * 3];
        int count = 0;
        int overflowMode = WRAP;
        boolean readOnly = true;
        long highestWrite = 0;
        for (int j = 2; j < argc; j++) {
            int remaining = argc - j - 1;
            int opcode;
            if (ctx.argIs(j, "get") && remaining >= 2) {
                opcode = GET;
            } else if (ctx.argIs(j, "set") && remaining >= 3) {
                opcode = SET;
            } else if (ctx.argIs(j, "incrby") && remaining >= 3) {
                opcode = INCRBY;
            } else if (ctx.argIs(j, "overflow") && remaining >= 1) {
                j++;
                if (ctx.argIs(j, "wrap")) {
                    overflowMode = WRAP;
                } else if (ctx.argIs(j, "sat")) {
                    overflowMode = SAT;
                } else if (ctx.argIs(j, "fail")) {
                    overflowMode = FAIL;
                } else {
                    throw new CommandError("ERR Invalid OVERFLOW type specified");
                }
                continue;
            } else {
                throw CommandError.syntax();
            }
            int type = fieldType(ctx.arg(j + 1));
            int bits = type >> 1;
            long offset = bitOffset(ctx, ctx.arg(j + 2), bits);
            long value = 0;
            if (opcode != GET) {
                readOnly = false;
                highestWrite = Math.max(highestWrite, offset + bits - 1);
                value = ctx.argLong(j + 3);
            }
            ops[count * 3] = offset;
            ops[count * 3 + 1] = value;
            ops[count * 3 + 2] = opcode | overflowMode << 2 | type << 4;
            count++;
            j += opcode == GET ? 2 : 3;
        }
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        byte[] bytes;
        int length;
        boolean announced = false;
        boolean grew = false;
        int changes = 0; // as Redis 7.0 counts them: a SET or INCRBY that grew the string or changed its field
        if (readOnly) {
            Object v = StringCommands.getString(db, key);
            bytes = v == null ? null : contents(v);
            length = v == null ? 0 : length(v);
        } else {
            if (readOnlyCommand) {
                throw new CommandError("ERR BITFIELD_RO only supports the GET subcommand");
            }
            Object v = StringCommands.getStringForWrite(db, key);
            long needed = (highestWrite >>> 3) + 1;
            bytes = writableInPlace(v, needed);
            if (bytes == null) {
                grew = v == null || length(v) < needed; // before writableBytes lengthens v in place
                bytes = writableBytes(ctx, db, key, v, needed);
                announced = grew;
            }
            length = (int) Math.max(needed, v == null ? 0 : length(v));
        }
        ctx.reply.array(count);
        for (int k = 0; k < count; k++) {
            long offset = ops[k * 3];
            long value = ops[k * 3 + 1];
            int packed = (int) ops[k * 3 + 2];
            int opcode = packed & 3;
            int mode = (packed >> 2) & 3;
            int bits = packed >> 5;
            boolean signed = ((packed >> 4) & 1) != 0;
            long raw = readField(bytes, length, offset, bits);
            long old = signed ? signExtend(raw, bits) : raw;
            if (opcode == GET) {
                ctx.reply.integer(old);
                continue;
            }
            long base = opcode == INCRBY ? old : value;
            long increment = opcode == INCRBY ? value : 0;
            int overflow = overflow(base, increment, bits, signed);
            long stored = base + increment;
            if (overflow != 0) {
                if (mode == FAIL) {
                    ctx.reply.nullBulk();
                    continue;
                }
                if (mode == SAT) {
                    stored = overflow > 0 ? maxOf(bits, signed) : signed ? -maxOf(bits, true) - 1 : 0;
                } else {
                    stored = wrap(stored, bits, signed);
                }
            }
            ctx.reply.integer(opcode == INCRBY ? stored : old);
            if (grew || stored != old) {
                changes++;
            }
            if (stored != old) {
                if (!announced) {
                    db.lookupWrite(key);
                    announced = true;
                }
                writeField(bytes, offset, bits, stored);
            }
        }
        if (announced) {
            db.modified(key);
            db.countChanges(changes - 1);
        }
        if (changes > 0) {
            db.notify(KeyEvents.STRING, "setbit", key);
        }
    }

    /**
     * A field type ("i1".."i64", "u1".."u63") as {@code bits << 1 | signed}. The width is read as
     * C's strlen would, up to a NUL byte.
     */
    static int fieldType(byte[] arg) {
        int signed;
        if (arg.length > 0 && arg[0] == 'i') {
            signed = 1;
        } else if (arg.length > 0 && arg[0] == 'u') {
            signed = 0;
        } else {
            throw new CommandError(TYPE_ERROR);
        }
        int end = 1;
        while (end < arg.length && arg[end] != 0) {
            end++;
        }
        long bits = Numbers.parseLongStrict(arg, 1, end);
        if (bits == Numbers.NOT_A_LONG || bits < 1 || (signed == 1 && bits > 64) || (signed == 0 && bits > 63)) {
            throw new CommandError(TYPE_ERROR);
        }
        return (int) bits << 1 | signed;
    }

    /**
     * Whether {@code value + increment} fits a field: 0 if it does, 1 above the maximum, -1 below
     * the minimum, judged exactly as Redis's checkSignedBitfieldOverflow and
     * checkUnsignedBitfieldOverflow do (for unsigned fields the value is taken as unsigned, so a
     * negative SET value overflows upwards).
     */
    static int overflow(long value, long increment, int bits, boolean signed) {
        if (signed) {
            long max = maxOf(bits, true);
            long min = -max - 1;
            long maxIncr = max - value;
            long minIncr = min - value;
            if (value > max || (bits != 64 && increment > maxIncr) || (value >= 0 && increment > 0 && increment > maxIncr)) {
                return 1;
            }
            if (value < min || (bits != 64 && increment < minIncr) || (value < 0 && increment < 0 && increment < minIncr)) {
                return -1;
            }
            return 0;
        }
        long max = maxOf(bits, false);
        if (Long.compareUnsigned(value, max) > 0 || (increment > 0 && increment > max - value)) {
            return 1;
        }
        return increment < 0 && increment < -value ? -1 : 0;
    }

    private static long maxOf(int bits, boolean signed) {
        if (signed) {
            return bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
        }
        return (1L << bits) - 1;
    }

    /** {@code sum} cut to a field's width: two's complement for signed fields, modulo 2^bits for unsigned. */
    static long wrap(long sum, int bits, boolean signed) {
        if (bits == 64) {
            return sum;
        }
        return signed ? sum << (64 - bits) >> (64 - bits) : sum & ~(-1L << bits);
    }

    /** The unsigned {@code bits}-wide field at bit {@code offset}, bytes past {@code length} reading as zero. */
    static long readField(byte[] a, int length, long offset, int bits) {
        long first = offset >>> 3;
        int shift = (int) (offset & 7);
        long window = 0;
        for (int i = 0; i < 8; i++) {
            long at = first + i;
            window = window << 8 | (at < length ? a[(int) at] & 0xFF : 0);
        }
        if (shift != 0) {
            long at = first + 8;
            int ninth = at < length ? a[(int) at] & 0xFF : 0;
            window = window << shift | ninth >>> (8 - shift);
        }
        return bits == 64 ? window : window >>> (64 - bits);
    }

    static long signExtend(long raw, int bits) {
        return bits == 64 ? raw : raw << (64 - bits) >> (64 - bits);
    }

    /** Writes the low {@code bits} bits of {@code value} at bit {@code offset}, most significant first. */
    static void writeField(byte[] a, long offset, int bits, long value) {
        long end = offset + bits;
        long pos = offset;
        while (pos < end) {
            int index = (int) (pos >>> 3);
            int inByte = (int) (pos & 7);
            int take = (int) Math.min(8 - inByte, end - pos);
            int chunk = (int) (value >>> (end - pos - take)) & ((1 << take) - 1);
            int shift = 8 - inByte - take;
            int mask = ((1 << take) - 1) << shift;
            a[index] = (byte) ((a[index] & ~mask) | chunk << shift);
            pos += take;
        }
    }
}
