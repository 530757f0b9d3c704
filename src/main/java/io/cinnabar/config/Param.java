package io.cinnabar.config;

import java.util.Locale;
import java.util.function.Consumer;

/** One configuration parameter: its name, current value as text, and how a new value is checked. */
public abstract class Param {
    public final String name;
    public final String[] aliases;
    public final boolean mutable;
    private Consumer<Param> onChange;
    /** The value at registration (Redis's default), for CONFIG REWRITE and startup warnings. */
    String defaultValue;
    /** Only settable at run time when enable-protected-configs allows it (dir, dbfilename). */
    boolean protectedConfig;
    /** Registered from {@link CompatParams}; a module's own parameter of the same name replaces it. */
    boolean placeholder;

    protected Param(String name, boolean mutable, String... aliases) {
        this.name = name;
        this.mutable = mutable;
        this.aliases = aliases;
    }

    /** The value as CONFIG GET prints it. */
    public abstract String get();

    /** Parses, validates and stores a new value (text as in redis.conf or CONFIG SET). */
    protected abstract void parseAndStore(String[] args) throws ConfigException;

    /** The value as it would be written into a config file (quoted where needed). */
    public String toConfigValue() {
        return get();
    }

    public final void set(String... args) throws ConfigException {
        String before = get();
        parseAndStore(args);
        if (applier != null) {
            try {
                applier.apply(this);
            } catch (ConfigException e) {
                parseAndStore(new String[] {before});
                throw e;
            }
        }
        if (onChange != null) {
            onChange.accept(this);
        }
    }

    /** Puts a new value into effect at runtime; a failure puts the old value back. */
    @FunctionalInterface
    public interface Applier {
        void apply(Param p) throws ConfigException;
    }

    private Applier applier;

    /**
     * Sets what makes a runtime change take effect when that can fail (rebinding a port): if it
     * throws, the parameter keeps its previous value and CONFIG SET reports the error.
     */
    public Param onApply(Applier applier) {
        this.applier = applier;
        return this;
    }

    /** True while the value is still Redis's default. */
    public boolean isDefault() {
        return get().equals(defaultValue);
    }

    public String defaultValue() {
        return defaultValue;
    }

    public boolean isProtected() {
        return protectedConfig;
    }

    /** Marks this parameter as protected (CONFIG SET needs enable-protected-configs). */
    public Param protect() {
        protectedConfig = true;
        return this;
    }

    /** Number of words a config-file line may give (1 for most; Words and Special take several). */
    public boolean acceptsArgCount(int n) {
        return n == 1;
    }

    public Param onChange(Consumer<Param> listener) {
        Consumer<Param> prev = onChange;
        onChange = prev == null ? listener : prev.andThen(listener);
        return this;
    }

    // ---------------------------------------------------------------- kinds

    public static final class Bool extends Param {
        private boolean value;

        public Bool(String name, boolean def, boolean mutable, String... aliases) {
            super(name, mutable, aliases);
            value = def;
        }

        public boolean value() {
            return value;
        }

        @Override
        public String get() {
            return value ? "yes" : "no";
        }

        @Override
        protected void parseAndStore(String[] args) throws ConfigException {
            String v = args[0].toLowerCase(Locale.ROOT);
            if (v.equals("yes")) {
                value = true;
            } else if (v.equals("no")) {
                value = false;
            } else {
                throw new ConfigException("argument must be 'yes' or 'no'");
            }
        }
    }

    /** An integer, optionally with a memory unit suffix (1k, 1kb, 1mb, 1gb). */
    public static final class Num extends Param {
        private long value;
        private final long min;
        private final long max;
        private final boolean memory;
        private boolean octal;
        private long clampLo = Long.MIN_VALUE;
        private long clampHi = Long.MAX_VALUE;

        public Num(String name, long def, long min, long max, boolean memory, boolean mutable, String... aliases) {
            super(name, mutable, aliases);
            this.value = def;
            this.min = min;
            this.max = max;
            this.memory = memory;
        }

        public long value() {
            return value;
        }

        public int intValue() {
            return (int) value;
        }

        /** True for sizes that take units (1mb, 2gb). */
        public boolean isMemory() {
            return memory;
        }

        @Override
        public String get() {
            return octal ? Long.toOctalString(value) : Long.toString(value);
        }

        /** Read and printed in base 8, like Redis's unixsocketperm ("700" is rwx------). */
        public Num octal() {
            octal = true;
            return this;
        }

        @Override
        protected void parseAndStore(String[] args) throws ConfigException {
            long v;
            if (octal) {
                try {
                    v = Long.parseLong(args[0], 8);
                } catch (NumberFormatException e) {
                    throw new ConfigException("argument couldn't be parsed as an octal number");
                }
            } else if (memory) {
                v = parseMemory(args[0]);
            } else {
                try {
                    v = Long.parseLong(args[0]);
                } catch (NumberFormatException e) {
                    throw new ConfigException("argument couldn't be parsed into an integer");
                }
            }
            if (v < min || v > max) {
                throw new ConfigException("argument must be between " + min + " and " + max + " inclusive");
            }
            value = Math.max(clampLo, Math.min(clampHi, v));
        }

        /** Accepted values outside [lo, hi] are stored clamped (hz: 1..500), as Redis does. */
        public Num clamp(long lo, long hi) {
            clampLo = lo;
            clampHi = hi;
            if (value < lo || value > hi) {
                value = Math.max(lo, Math.min(hi, value));
            }
            return this;
        }

        public static long parseMemory(String s) throws ConfigException {
            String t = s.toLowerCase(Locale.ROOT);
            if (t.startsWith("-") || t.startsWith("+")) {
                throw new ConfigException("argument must be a memory value");
            }
            long mul = 1;
            String digits = t;
            String[][] units = {
                {"kb", "1024"}, {"mb", "1048576"}, {"gb", "1073741824"},
                {"k", "1000"}, {"m", "1000000"}, {"g", "1000000000"}, {"b", "1"},
            };
            for (String[] u : units) {
                if (t.endsWith(u[0])) {
                    mul = Long.parseLong(u[1]);
                    digits = t.substring(0, t.length() - u[0].length());
                    break;
                }
            }
            try {
                return Math.multiplyExact(Long.parseLong(digits), mul);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new ConfigException("argument must be a memory value");
            }
        }
    }

    public static final class Text extends Param {
        private String value;

        public Text(String name, String def, boolean mutable, String... aliases) {
            super(name, mutable, aliases);
            value = def;
        }

        public String value() {
            return value;
        }

        @Override
        public String get() {
            return value;
        }

        @Override
        protected void parseAndStore(String[] args) throws ConfigException {
            value = args[0];
        }
    }

    /** One of a fixed set of words. */
    public static final class Choice extends Param {
        private final String[] choices;
        private String value;

        public Choice(String name, String def, boolean mutable, String... choices) {
            this(name, def, mutable, choices, new String[0]);
        }

        public Choice(String name, String def, boolean mutable, String[] choices, String[] aliases) {
            super(name, mutable, aliases);
            this.choices = choices;
            this.value = def;
        }

        public String value() {
            return value;
        }

        @Override
        public String get() {
            return value;
        }

        @Override
        protected void parseAndStore(String[] args) throws ConfigException {
            String v = args[0].toLowerCase(Locale.ROOT);
            for (String c : choices) {
                if (c.equals(v)) {
                    value = c;
                    return;
                }
            }
            throw new ConfigException("argument(s) must be one of the following: " + String.join(", ", choices));
        }
    }

    /** Space-separated words (bind, save); stored joined by single spaces. */
    public static final class Words extends Param {
        private String value;

        public Words(String name, String def, boolean mutable) {
            super(name, mutable);
            value = def;
        }

        @Override
        public boolean acceptsArgCount(int n) {
            return n >= 1;
        }

        public String value() {
            return value;
        }

        public String[] words() {
            return value.isEmpty() ? new String[0] : value.split(" ");
        }

        @Override
        public String get() {
            return value;
        }

        @Override
        protected void parseAndStore(String[] args) throws ConfigException {
            if (args.length == 1) {
                value = args[0].trim().replaceAll("\\s+", " ");
            } else {
                value = String.join(" ", args);
            }
        }
    }

    /**
     * A value with its own syntax (save, client-output-buffer-limit, ...): a parser that checks
     * the words and returns the canonical text CONFIG GET shows.
     */
    public static final class Special extends Param {
        /** Turns the given words into the canonical stored text, given the current one. */
        public interface Parser {
            String parse(String[] args, String current) throws ConfigException;
        }

        private final Parser parser;
        private String value;
        private boolean appendsInFile;
        private boolean seenInFile;

        public Special(String name, String def, boolean mutable, Parser parser, String... aliases) {
            super(name, mutable, aliases);
            this.parser = parser;
            this.value = def;
        }

        public String value() {
            return value;
        }

        @Override
        public String get() {
            return value;
        }

        @Override
        public boolean acceptsArgCount(int n) {
            return n >= 1;
        }

        @Override
        protected void parseAndStore(String[] args) throws ConfigException {
            value = parser.parse(args, value);
        }

        /** Repeated config-file lines add to the value (save) instead of replacing it. */
        public Special appendsInFile() {
            appendsInFile = true;
            return this;
        }

        /** Applies one config-file line: the first replaces the default, later ones append. */
        public void loadLine(String[] args) throws ConfigException {
            if (appendsInFile && seenInFile && !value.isEmpty() && !(args.length == 1 && args[0].isEmpty())) {
                String[] all = new String[args.length + 1];
                all[0] = value;
                System.arraycopy(args, 0, all, 1, args.length);
                set(all);
            } else {
                set(args);
            }
            seenInFile = true;
        }
    }
}
