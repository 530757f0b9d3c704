package io.cinnabar.config;

import java.util.Locale;
import java.util.function.Consumer;

/** One configuration parameter: its name, current value as text, and how a new value is checked. */
public abstract class Param {
    public final String name;
    public final String[] aliases;
    public final boolean mutable;
    private Consumer<Param> onChange;

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
        parseAndStore(args);
        if (onChange != null) {
            onChange.accept(this);
        }
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

        @Override
        public String get() {
            return Long.toString(value);
        }

        @Override
        protected void parseAndStore(String[] args) throws ConfigException {
            long v;
            if (memory) {
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
            value = v;
        }

        public static long parseMemory(String s) throws ConfigException {
            String t = s.toLowerCase(Locale.ROOT);
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

    /** File permission bits written in octal, like unixsocketperm 700. */
    public static final class Octal extends Param {
        private int value;

        public Octal(String name, int def, boolean mutable) {
            super(name, mutable);
            value = def;
        }

        public int value() {
            return value;
        }

        @Override
        public String get() {
            return Integer.toOctalString(value);
        }

        @Override
        protected void parseAndStore(String[] args) throws ConfigException {
            try {
                int v = Integer.parseInt(args[0], 8);
                if (v < 0 || v > 0777) {
                    throw new NumberFormatException();
                }
                value = v;
            } catch (NumberFormatException e) {
                throw new ConfigException("Invalid socket file permissions");
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
            super(name, mutable);
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
}
