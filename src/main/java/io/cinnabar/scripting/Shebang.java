package io.cinnabar.scripting;

import io.cinnabar.command.CommandError;
import io.cinnabar.protocol.InlineSplitter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A script's "#!lua flags=..." first line, as Redis 7.0's evalExtractShebangFlags reads it. A
 * script without one runs in compatibility mode (it may write whatever EVAL_RO says).
 */
final class Shebang {
    static final int NO_WRITES = 1;
    static final int ALLOW_OOM = 2;
    static final int ALLOW_STALE = 4;
    static final int NO_CLUSTER = 8;
    static final int ALLOW_CROSS_SLOT_KEYS = 16;

    private static final String[] FLAG_NAMES = {"no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"};

    /** True when the script has no shebang (Redis's SCRIPT_FLAG_EVAL_COMPAT_MODE). */
    final boolean compatMode;
    final int flags;
    /** Bytes of the shebang line before its newline; compiling starts there to keep line numbers. */
    final int length;

    private Shebang(boolean compatMode, int flags, int length) {
        this.compatMode = compatMode;
        this.flags = flags;
        this.length = length;
    }

    /** A function's flags from redis.register_function: never compatibility mode. */
    static Shebang ofFlags(int flags) {
        return new Shebang(false, flags, 0);
    }

    /** The bit of a flag name (case-insensitive, as register_function reads it), or 0. */
    static int flagBit(String name) {
        for (int i = 0; i < FLAG_NAMES.length; i++) {
            if (FLAG_NAMES[i].equalsIgnoreCase(name)) {
                return 1 << i;
            }
        }
        return 0;
    }

    static String flagName(int bit) {
        return FLAG_NAMES[Integer.numberOfTrailingZeros(bit)];
    }

    static int flagCount() {
        return FLAG_NAMES.length;
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    static Shebang parse(byte[] body) {
        if (body.length < 2 || body[0] != '#' || body[1] != '!') {
            return new Shebang(true, 0, 0);
        }
        int newline = 0;
        while (newline < body.length && body[newline] != '\n') {
            newline++;
        }
        if (newline == body.length) {
            throw new CommandError("ERR Invalid script shebang");
        }
        byte[][] parts = InlineSplitter.split(Arrays.copyOf(body, newline));
        if (parts == null || parts.length == 0) {
            throw new CommandError("ERR Invalid engine in script shebang");
        }
        String engine = text(parts[0]);
        if (!engine.equals("#!lua")) {
            throw new CommandError("ERR Unexpected engine in script shebang: " + engine);
        }
        int flags = 0;
        for (int i = 1; i < parts.length; i++) {
            String option = text(parts[i]);
            if (!option.startsWith("flags=")) {
                throw new CommandError("ERR Unknown lua shebang option: " + option);
            }
            String list = option.substring(6);
            if (list.isEmpty()) {
                continue;
            }
            for (String flag : list.split(",", -1)) {
                int bit = Arrays.asList(FLAG_NAMES).indexOf(flag);
                if (bit < 0) {
                    throw new CommandError("ERR Unexpected flag in script shebang: " + flag);
                }
                flags |= 1 << bit;
            }
        }
        return new Shebang(false, flags, newline);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
