package io.cinnabar.command;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Finds the key arguments of a request from its command's key specs, the way Redis 7.0's
 * COMMAND GETKEYS does, and falls back to a per-command rule where the specs cannot say.
 *
 * <p>How a request is read:
 * <ol>
 *   <li>If the command has at least one key spec that is not {@code not_key} and none marked
 *       {@code variable_flags}, each spec is applied in order: its begin_search ({@code index}: a
 *       fixed position; {@code keyword}: the first matching keyword, searched forward from
 *       {@code startfrom} up to the second-to-last argument, or backward from
 *       {@code argc+startfrom} down to argument 2 when startfrom is negative; a keyword not found
 *       contributes no keys) and then its find_keys ({@code range}: lastkey/keystep/limit;
 *       {@code keynum}: a key count argument, which must be a strict non-negative integer).
 *       A spec whose keys fall outside the arguments, whose count is not an integer, whose type
 *       is {@code unknown}, or that is marked {@code incomplete} makes the whole lookup invalid.</li>
 *   <li>When the specs are invalid (or skipped because of {@code variable_flags}), the
 *       command's own rule decides, as Redis's getkeys functions do:
 *       <ul>
 *         <li>numkeys commands (ZUNIONSTORE, ZINTER, EVAL, FCALL, LMPOP, BZMPOP, SINTERCARD, ...):
 *             the count is read leniently like C's atoi (" 2" and "2abc" are 2); keys come back
 *             without flags, and a destination key, if any, comes last;</li>
 *         <li>SORT: the key, and the last STORE destination, skipping LIMIT's two and BY/GET's one
 *             argument; SORT_RO: the key only;</li>
 *         <li>MIGRATE: the keys after KEYS (skipping AUTH's one and AUTH2's two arguments) when
 *             the key argument is empty, none when it is not, else the key argument;</li>
 *         <li>SET: flags OW+update, or RW+access+update when a GET argument is present;</li>
 *         <li>BITFIELD: RO+access when only GET/OVERFLOW subcommands are well formed, else
 *             RW+access+update.</li>
 *       </ul>
 *       GEORADIUS[BYMEMBER], XREAD and XREADGROUP also have such rules in Redis, but their specs
 *       never turn invalid in a case where the rule would find keys, so the specs alone give
 *       Redis's answer for them.</li>
 * </ol>
 *
 * <p>Allocation: the specs are compiled once per command into arrays ({@link Plan}); a lookup
 * writes positions and flags into a caller-owned, reusable {@link Keys} and allocates nothing
 * once its arrays are large enough. Positions are relative to {@code base} in argv, so a caller
 * can look inside a larger request (COMMAND GETKEYS cmd ...) without copying.
 */
public final class KeyExtractor {
    // Key spec flags. Bit order is the order in which Redis prints them.
    public static final int RW = 1;
    public static final int RO = 1 << 1;
    public static final int OW = 1 << 2;
    public static final int RM = 1 << 3;
    public static final int ACCESS = 1 << 4;
    public static final int UPDATE = 1 << 5;
    public static final int INSERT = 1 << 6;
    public static final int DELETE = 1 << 7;
    public static final int NOT_KEY = 1 << 8;
    public static final int INCOMPLETE = 1 << 9;
    public static final int VARIABLE_FLAGS = 1 << 10;

    private static final String[] FLAG_NAMES = {
        "RW", "RO", "OW", "RM", "access", "update", "insert", "delete", "not_key", "incomplete", "variable_flags",
    };

    /** Search option: also return arguments of {@code not_key} specs (e.g. shard channels). */
    public static final int INCLUDE_NOT_KEYS = 1;
    /** Search option: skip an invalid spec and keep what the others find, instead of failing. */
    public static final int RETURN_PARTIAL = 2;

    private KeyExtractor() {}

    /** A reusable result: {@code count} key positions (relative to the base) and their flags. */
    public static final class Keys {
        public int[] positions;
        public int[] flags;
        public int count;

        public Keys() {
            this(8);
        }

        public Keys(int capacity) {
            positions = new int[Math.max(1, capacity)];
            flags = new int[positions.length];
        }

        public void clear() {
            count = 0;
        }

        void add(int position, int keyFlags) {
            if (count == positions.length) {
                int n = positions.length * 2;
                positions = java.util.Arrays.copyOf(positions, n);
                flags = java.util.Arrays.copyOf(flags, n);
            }
            positions[count] = position;
            flags[count] = keyFlags;
            count++;
        }
    }

    /** How many flag names a key flags value prints as. */
    public static int flagCount(int keyFlags) {
        return Integer.bitCount(keyFlags & ((1 << FLAG_NAMES.length) - 1));
    }

    /** Name of flag bit i (0..10) as Redis prints it. */
    public static String flagName(int bitIndex) {
        return FLAG_NAMES[bitIndex];
    }

    public static int flagBits() {
        return FLAG_NAMES.length;
    }

    /** Parses a key spec flag name as printed by COMMAND INFO; 0 if unknown. */
    public static int flagByName(String name) {
        for (int i = 0; i < FLAG_NAMES.length; i++) {
            if (FLAG_NAMES[i].equalsIgnoreCase(name)) {
                return 1 << i;
            }
        }
        return 0;
    }

    /**
     * True if the command takes key arguments at all: a custom key rule, or a key spec that is
     * not {@code not_key}. COMMAND GETKEYS answers "The command has no key arguments" otherwise.
     */
    public static boolean hasKeys(CommandSpec spec) {
        Plan p = plan(spec);
        return p.custom != C_NONE || p.hasRealSpec;
    }

    /**
     * Finds the keys of the request {@code argv[base..]} (argv[base] is the command name) for
     * {@code spec}, which must be the resolved command (the subcommand for a container). Fills
     * {@code out} and returns the number of keys; 0 also when the arguments cannot be read.
     * The caller has checked the arity.
     */
    public static int find(CommandSpec spec, byte[][] argv, int base, int options, Keys out) {
        out.count = 0;
        Plan p = plan(spec);
        int argc = argv.length - base;
        boolean specsUsable = (options & INCLUDE_NOT_KEYS) != 0 ? p.specCount > 0 : p.hasRealSpec;
        if (specsUsable && !p.variableFlags) {
            if (fromSpecs(p, argv, base, argc, options, out) >= 0) {
                return out.count;
            }
        }
        out.count = 0;
        switch (p.custom) {
            case C_GENERIC:
                generic(p, argv, base, argc, out);
                break;
            case C_SORT:
                sort(argv, base, argc, out);
                break;
            case C_SORT_RO:
                out.add(1, RO | ACCESS);
                break;
            case C_MIGRATE:
                migrate(argv, base, argc, out);
                break;
            case C_SET:
                set(argv, base, argc, out);
                break;
            case C_BITFIELD:
                bitfield(argv, base, argc, out);
                break;
            default:
                break;
        }
        return out.count;
    }

    /** Applies the key specs; returns the key count, or -1 if they cannot read this request. */
    private static int fromSpecs(Plan p, byte[][] argv, int base, int argc, int options, Keys out) {
        for (int s = 0; s < p.specCount; s++) {
            int specFlags = p.flags[s];
            if ((specFlags & NOT_KEY) != 0 && (options & INCLUDE_NOT_KEYS) == 0) {
                continue;
            }
            int first;
            if (p.bsType[s] == BS_INDEX) {
                first = p.bsIndex[s];
            } else if (p.bsType[s] == BS_KEYWORD) {
                first = findKeyword(p.keywords[s], p.bsIndex[s], argv, base, argc);
                if (first == 0) {
                    continue; // keyword absent: this spec has no keys here
                }
            } else {
                if ((options & RETURN_PARTIAL) != 0) {
                    continue;
                }
                return -1;
            }
            int last;
            int step;
            boolean valid = true;
            if (p.fkType[s] == FK_RANGE) {
                step = p.fkStep[s];
                int lastkey = p.fkA[s];
                int limit = p.fkB[s];
                if (lastkey >= 0) {
                    last = first + lastkey;
                } else if (limit == 0) {
                    last = argc + lastkey;
                } else {
                    last = first + ((argc - first) / limit + lastkey);
                }
            } else if (p.fkType[s] == FK_KEYNUM) {
                step = p.fkStep[s];
                int numIndex = first + p.fkA[s];
                long numkeys = numIndex < argc && numIndex >= 0 ? strictLong(argv[base + numIndex]) : -1;
                if (numkeys < 0) {
                    valid = false;
                    last = 0;
                } else {
                    first += p.fkB[s];
                    long l = first + numkeys - 1;
                    last = l > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) l;
                }
            } else {
                valid = false;
                step = 1;
                last = 0;
            }
            if (!valid || last >= argc || last < first || first >= argc || first < 1) {
                if ((options & RETURN_PARTIAL) != 0) {
                    continue;
                }
                out.count = 0;
                return -1;
            }
            for (int i = first; i <= last; i += step) {
                out.add(i, specFlags);
            }
            if ((specFlags & INCOMPLETE) != 0) {
                if ((options & RETURN_PARTIAL) != 0) {
                    continue;
                }
                out.count = 0;
                return -1;
            }
        }
        return out.count;
    }

    /** Position after the keyword, or 0 if the keyword is not found where the spec looks. */
    private static int findKeyword(byte[] keyword, int startfrom, byte[][] argv, int base, int argc) {
        if (startfrom > 0) {
            // forward; the last argument cannot be a keyword (nothing would follow it)
            for (int i = startfrom; i < argc - 1; i++) {
                if (CommandTable.equalsIgnoreCase(keyword, argv[base + i])) {
                    return i + 1;
                }
            }
        } else {
            for (int i = argc + startfrom; i > 1; i--) {
                if (i < argc && CommandTable.equalsIgnoreCase(keyword, argv[base + i])) {
                    return i + 1;
                }
            }
        }
        return 0;
    }

    /** A strict decimal integer (no spaces, no '+', no leading zeros), or -1 if not one. */
    private static long strictLong(byte[] b) {
        long v = io.cinnabar.types.Numbers.parseLongStrict(b);
        if (v == io.cinnabar.types.Numbers.NOT_A_LONG) {
            return -1;
        }
        return v;
    }

    /** C atoi: optional spaces, optional sign, digits up to the first non-digit; 0 if none. */
    private static long atoi(byte[] b) {
        int i = 0;
        int n = b.length;
        while (i < n && (b[i] == ' ' || (b[i] >= '\t' && b[i] <= '\r'))) {
            i++;
        }
        boolean negative = false;
        if (i < n && (b[i] == '+' || b[i] == '-')) {
            negative = b[i] == '-';
            i++;
        }
        long v = 0;
        while (i < n && b[i] >= '0' && b[i] <= '9') {
            if (v < 10_000_000_000L) {
                v = v * 10 + (b[i] - '0');
            }
            i++;
        }
        return negative ? -v : v;
    }

    private static void generic(Plan p, byte[][] argv, int base, int argc, Keys out) {
        int storeAt = p.gStore;
        int countAt = p.gCount;
        int firstAt = p.gFirst;
        int step = p.gStep;
        if (countAt >= argc) {
            return;
        }
        long num = atoi(argv[base + countAt]);
        if (num < 1 || num > (argc - firstAt) / step) {
            return;
        }
        for (int i = 0; i < num; i++) {
            out.add(firstAt + i * step, 0);
        }
        if (storeAt > 0) {
            out.add(storeAt, 0);
        }
    }

    private static void sort(byte[][] argv, int base, int argc, Keys out) {
        out.add(1, RO | ACCESS);
        int store = -1;
        for (int i = 2; i < argc; i++) {
            byte[] a = argv[base + i];
            if (CommandContext.equalsIgnoreCase(a, "limit")) {
                i += 2;
            } else if (CommandContext.equalsIgnoreCase(a, "get") || CommandContext.equalsIgnoreCase(a, "by")) {
                i += 1;
            } else if (CommandContext.equalsIgnoreCase(a, "store") && i + 1 < argc) {
                store = i + 1; // the last STORE wins, as in SORT itself; its argument is not skipped
            }
        }
        if (store > 0) {
            out.add(store, OW | UPDATE);
        }
    }

    private static void migrate(byte[][] argv, int base, int argc, Keys out) {
        int first = 3;
        int num = 1;
        for (int i = 6; i < argc; i++) {
            byte[] a = argv[base + i];
            if (CommandContext.equalsIgnoreCase(a, "auth")) {
                i += 1;
            } else if (CommandContext.equalsIgnoreCase(a, "auth2")) {
                i += 2;
            } else if (CommandContext.equalsIgnoreCase(a, "keys")) {
                if (argv[base + 3].length != 0) {
                    return; // a key and KEYS together: MIGRATE replies with a syntax error
                }
                first = i + 1;
                num = argc - first;
                break;
            }
        }
        for (int i = 0; i < num; i++) {
            out.add(first + i, RW | ACCESS | DELETE);
        }
    }

    private static void set(byte[][] argv, int base, int argc, Keys out) {
        for (int i = 3; i < argc; i++) {
            if (CommandContext.equalsIgnoreCase(argv[base + i], "get")) {
                out.add(1, RW | ACCESS | UPDATE);
                return;
            }
        }
        out.add(1, OW | UPDATE);
    }

    private static void bitfield(byte[][] argv, int base, int argc, Keys out) {
        boolean readOnly = true;
        for (int i = 2; i < argc; i++) {
            int remaining = argc - i - 1;
            byte[] a = argv[base + i];
            if (CommandContext.equalsIgnoreCase(a, "get") && remaining >= 2) {
                i += 2;
            } else if ((CommandContext.equalsIgnoreCase(a, "set") || CommandContext.equalsIgnoreCase(a, "incrby"))
                    && remaining >= 3) {
                readOnly = false;
                break;
            } else if (CommandContext.equalsIgnoreCase(a, "overflow") && remaining >= 1) {
                i += 1;
            } else {
                readOnly = false; // malformed: assume it writes
                break;
            }
        }
        out.add(1, readOnly ? RO | ACCESS : RW | ACCESS | UPDATE);
    }

    // ------------------------------------------------------------------ compiled specs

    private static final int BS_UNKNOWN = 0;
    private static final int BS_INDEX = 1;
    private static final int BS_KEYWORD = 2;
    private static final int FK_UNKNOWN = 0;
    private static final int FK_RANGE = 1;
    private static final int FK_KEYNUM = 2;

    private static final int C_NONE = 0;
    private static final int C_GENERIC = 1;
    private static final int C_SORT = 2;
    private static final int C_SORT_RO = 3;
    private static final int C_MIGRATE = 4;
    private static final int C_SET = 5;
    private static final int C_BITFIELD = 6;

    /** One command's key specs as flat arrays, built once. Immutable after construction. */
    static final class Plan {
        final int specCount;
        final int[] flags;
        final int[] bsType;
        final int[] bsIndex;      // index, or keyword startfrom
        final byte[][] keywords;  // lowercase keyword bytes
        final int[] fkType;
        final int[] fkA;          // range: lastkey; keynum: keynumidx
        final int[] fkB;          // range: limit; keynum: firstkey
        final int[] fkStep;
        final boolean hasRealSpec;
        final boolean variableFlags;
        final int custom;
        final int gStore;
        final int gCount;
        final int gFirst;
        final int gStep;

        @SuppressWarnings("unchecked")
        Plan(CommandSpec spec) {
            List<Object> specs = spec.keySpecs;
            specCount = specs.size();
            flags = new int[specCount];
            bsType = new int[specCount];
            bsIndex = new int[specCount];
            keywords = new byte[specCount][];
            fkType = new int[specCount];
            fkA = new int[specCount];
            fkB = new int[specCount];
            fkStep = new int[specCount];
            boolean real = false;
            boolean varFlags = false;
            for (int s = 0; s < specCount; s++) {
                Map<String, Object> ks = (Map<String, Object>) specs.get(s);
                int f = 0;
                for (Object name : (List<Object>) ks.getOrDefault("flags", List.of())) {
                    f |= flagByName((String) name);
                }
                flags[s] = f;
                real |= (f & NOT_KEY) == 0;
                varFlags |= (f & VARIABLE_FLAGS) != 0;
                Map<String, Object> bs = (Map<String, Object>) ks.get("begin_search");
                Map<String, Object> bsSpec = bs == null ? Map.of() : (Map<String, Object>) bs.get("spec");
                String bsKind = bs == null ? "unknown" : (String) bs.get("type");
                if ("index".equals(bsKind)) {
                    bsType[s] = BS_INDEX;
                    bsIndex[s] = intOf(bsSpec.get("index"));
                } else if ("keyword".equals(bsKind)) {
                    bsType[s] = BS_KEYWORD;
                    bsIndex[s] = intOf(bsSpec.get("startfrom"));
                    keywords[s] = ((String) bsSpec.get("keyword")).toLowerCase(java.util.Locale.ROOT)
                            .getBytes(StandardCharsets.US_ASCII);
                } else {
                    bsType[s] = BS_UNKNOWN;
                }
                Map<String, Object> fk = (Map<String, Object>) ks.get("find_keys");
                Map<String, Object> fkSpec = fk == null ? Map.of() : (Map<String, Object>) fk.get("spec");
                String fkKind = fk == null ? "unknown" : (String) fk.get("type");
                if ("range".equals(fkKind)) {
                    fkType[s] = FK_RANGE;
                    fkA[s] = intOf(fkSpec.get("lastkey"));
                    fkB[s] = intOf(fkSpec.get("limit"));
                    fkStep[s] = Math.max(1, intOf(fkSpec.get("keystep")));
                } else if ("keynum".equals(fkKind)) {
                    fkType[s] = FK_KEYNUM;
                    fkA[s] = intOf(fkSpec.get("keynumidx"));
                    fkB[s] = intOf(fkSpec.get("firstkey"));
                    fkStep[s] = Math.max(1, intOf(fkSpec.get("keystep")));
                } else {
                    fkType[s] = FK_UNKNOWN;
                }
            }
            hasRealSpec = real;
            variableFlags = varFlags;
            int c = C_NONE;
            int store = 0;
            int count = 0;
            int first = 0;
            switch (spec.name) {
                case "zunionstore": case "zinterstore": case "zdiffstore":
                    c = C_GENERIC; store = 1; count = 2; first = 3;
                    break;
                case "zunion": case "zinter": case "zdiff": case "zintercard": case "sintercard":
                case "lmpop": case "zmpop":
                    c = C_GENERIC; count = 1; first = 2;
                    break;
                case "eval": case "evalsha": case "eval_ro": case "evalsha_ro": case "fcall": case "fcall_ro":
                case "blmpop": case "bzmpop":
                    c = C_GENERIC; count = 2; first = 3;
                    break;
                case "sort":
                    c = C_SORT;
                    break;
                case "sort_ro":
                    c = C_SORT_RO;
                    break;
                case "migrate":
                    c = C_MIGRATE;
                    break;
                case "set":
                    c = C_SET;
                    break;
                case "bitfield":
                    c = C_BITFIELD;
                    break;
                default:
                    break;
            }
            custom = c;
            gStore = store;
            gCount = count;
            gFirst = first;
            gStep = 1;
        }

        private static int intOf(Object o) {
            return o == null ? 0 : ((Number) o).intValue();
        }
    }

    static Plan plan(CommandSpec spec) {
        Plan p = spec.keyPlan;
        if (p == null) {
            p = new Plan(spec);
            spec.keyPlan = p; // idempotent; Plan's fields are final, so a racing reader sees it whole
        }
        return p;
    }
}
