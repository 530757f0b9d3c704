package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandError;
import io.cinnabar.util.Glob;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The options of SCAN, SSCAN, HSCAN and ZSCAN as Redis's scanGenericCommand reads them (COUNT at
 * least 1, MATCH, and TYPE for SCAN only; anything else is a syntax error), and the reply they
 * share: the next cursor and the items found.
 */
final class ScanOptions {
    private static final byte[] CURSOR_ZERO = {'0'};

    long count = 10;
    /** Null when the pattern matches everything. */
    byte[] pattern;
    /** Lowercase type name for SCAN's TYPE, null for any type. */
    byte[] typeName;

    /** Reads the options from argument {@code from} on; TYPE only when {@code allowType}. */
    static ScanOptions parse(CommandContext ctx, int from, boolean allowType) {
        ScanOptions o = new ScanOptions();
        for (int i = from; i < ctx.argc(); i += 2) {
            boolean hasValue = i + 1 < ctx.argc();
            if (ctx.argIs(i, "count") && hasValue) {
                o.count = ctx.argLong(i + 1);
                if (o.count < 1) {
                    throw CommandError.syntax();
                }
            } else if (ctx.argIs(i, "match") && hasValue) {
                byte[] p = ctx.arg(i + 1);
                o.pattern = Glob.matchesAll(p) ? null : p;
            } else if (allowType && ctx.argIs(i, "type") && hasValue) {
                o.typeName = lowerAscii(ctx.arg(i + 1));
            } else {
                throw CommandError.syntax();
            }
        }
        return o;
    }

    private static byte[] lowerAscii(byte[] b) {
        byte[] out = b.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] >= 'A' && out[i] <= 'Z') {
                out[i] += 32;
            }
        }
        return out;
    }

    /** COUNT is a hint: a call walks buckets until about COUNT items were seen, at most 10*COUNT buckets. */
    long maxIterations() {
        return count > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : count * 10;
    }

    boolean matches(byte[] item) {
        return pattern == null || Glob.match(pattern, item);
    }

    /** The SCAN reply: the next cursor (unsigned decimal) and the items. */
    static void reply(CommandContext ctx, long cursor, List<byte[]> items) {
        ctx.reply.array(2);
        if (cursor == 0) {
            ctx.reply.bulk(CURSOR_ZERO);
        } else {
            ctx.reply.bulk(Long.toUnsignedString(cursor).getBytes(StandardCharsets.US_ASCII));
        }
        ctx.reply.array(items.size());
        for (int i = 0; i < items.size(); i++) {
            ctx.reply.bulk(items.get(i));
        }
    }
}
