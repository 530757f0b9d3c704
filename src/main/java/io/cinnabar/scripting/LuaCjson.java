package io.cinnabar.scripting;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The cjson library Redis ships (Lua CJSON 2.1.0): encode and decode with its number text
 * ("%.{precision}g"), escapes ("/" and DEL escaped), sparse-array rule, strtod number reading
 * (hex, leading "+", inf and nan accepted by default), error texts and the configuration functions,
 * whose settings last for the life of the Lua state as in Redis.
 */
final class LuaCjson {
    /** JSON null: a userdata every decode returns and every encode writes as null. */
    static final LuaUserdata NULL = new LuaUserdata(new Object()) {
        @Override
        public String tojstring() {
            return "userdata: (nil)";
        }
    };

    private static final String[] TOKEN_NAMES = {
        "T_OBJ_BEGIN", "T_OBJ_END", "T_ARR_BEGIN", "T_ARR_END", "T_STRING", "T_NUMBER", "T_BOOLEAN",
        "T_NULL", "T_COLON", "T_COMMA", "T_END",
    };
    private static final int T_OBJ_BEGIN = 0;
    private static final int T_OBJ_END = 1;
    private static final int T_ARR_BEGIN = 2;
    private static final int T_ARR_END = 3;
    private static final int T_STRING = 4;
    private static final int T_NUMBER = 5;
    private static final int T_BOOLEAN = 6;
    private static final int T_NULL = 7;
    private static final int T_COLON = 8;
    private static final int T_COMMA = 9;
    private static final int T_END = 10;
    private static final int T_ERROR = 11;

    // configuration, as json_create_config sets it
    private boolean sparseConvert;
    private int sparseRatio = 2;
    private int sparseSafe = 10;
    private int encodeMaxDepth = 1000;
    private int decodeMaxDepth = 1000;
    private int encodeInvalidNumbers; // 0 off, 1 on, 2 "null"
    private boolean decodeInvalidNumbers = true;
    private boolean keepBuffer = true;
    private int precision = 14;

    private LuaCjson() {}

    /** A fresh module table with its own configuration (cjson itself, and what cjson.new returns). */
    static LuaTable module() {
        LuaCjson c = new LuaCjson();
        ReadOnlyTable t = new ReadOnlyTable();
        t.rawset("encode", c.new Encode());
        t.rawset("decode", c.new Decode());
        t.rawset("encode_sparse_array", c.new SparseArray());
        t.rawset("encode_max_depth", c.new IntegerOption("encode_max_depth", 1, 0));
        t.rawset("decode_max_depth", c.new IntegerOption("decode_max_depth", 1, 1));
        t.rawset("encode_number_precision", c.new IntegerOption("encode_number_precision", 1, 2));
        t.rawset("encode_keep_buffer", c.new BooleanOption("encode_keep_buffer", 0));
        t.rawset("decode_invalid_numbers", c.new BooleanOption("decode_invalid_numbers", 1));
        t.rawset("encode_invalid_numbers", c.new InvalidNumbersOption());
        t.rawset("new", new New());
        t.rawset("null", NULL);
        t.rawset("_NAME", LuaValue.valueOf("cjson"));
        t.rawset("_VERSION", LuaValue.valueOf("2.1.0"));
        return t;
    }

    private static LuaError badArgument(int n, String function, String why) {
        return new LuaError("bad argument #" + n + " to '" + function + "' (" + why + ")");
    }

    private static void atMost(Varargs args, int max, String function) {
        if (args.narg() > max) {
            throw badArgument(max + 1, function, "found too many arguments");
        }
    }

    private static final class New extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            LuaTable t = module();
            ((ReadOnlyTable) t).seal();
            return t;
        }
    }

    // ---------------------------------------------------------------- configuration

    private final class IntegerOption extends VarArgFunction {
        private final String function;
        private final int min;
        private final int which;

        IntegerOption(String function, int min, int which) {
            this.function = function;
            this.min = min;
            this.which = which;
        }

        @Override
        public Varargs invoke(Varargs args) {
            atMost(args, 1, function);
            int max = which == 2 ? 14 : Integer.MAX_VALUE;
            if (!args.arg1().isnil()) {
                set(integerSetting(args, 1, function, min, max));
            }
            return LuaValue.valueOf(get());
        }

        private int get() {
            return which == 0 ? encodeMaxDepth : which == 1 ? decodeMaxDepth : precision;
        }

        private void set(int v) {
            if (which == 0) {
                encodeMaxDepth = v;
            } else if (which == 1) {
                decodeMaxDepth = v;
            } else {
                precision = v;
            }
        }
    }

    private static int integerSetting(Varargs args, int n, String function, int min, int max) {
        LuaValue v = args.arg(n);
        double d;
        if (v.type() == LuaValue.TNUMBER) {
            d = v.todouble();
        } else if (v.type() == LuaValue.TSTRING && !Double.isNaN(LuaNumbers.parse(v.tojstring()))) {
            d = LuaNumbers.parse(v.tojstring());
        } else {
            throw badArgument(n, function, "number expected, got " + v.typename());
        }
        long value = LuaNumbers.toLongLong(d);
        if (value < min || value > max) {
            // json_integer_option blames argument 1 whichever it checks
            throw badArgument(1, function, "expected integer between " + min + " and " + max);
        }
        return (int) value;
    }

    /** An on/off option: a boolean, or the words "off" / "on" (plus "null" for invalid numbers). */
    private static int enumSetting(Varargs args, int n, String function, String[] words) {
        LuaValue v = args.arg(n);
        if (v.isboolean()) {
            return v.toboolean() ? 1 : 0;
        }
        LuaString s = v.isstring() ? v.checkstring() : null;
        if (s == null) {
            throw badArgument(n, function, "string expected, got " + v.typename());
        }
        for (int i = 0; i < words.length; i++) {
            if (s.tojstring().equals(words[i])) {
                return i;
            }
        }
        throw badArgument(n, function, "invalid option '" + s.tojstring() + "'");
    }

    private static final String[] OFF_ON = {"off", "on"};

    private final class BooleanOption extends VarArgFunction {
        private final String function;
        private final int which;

        BooleanOption(String function, int which) {
            this.function = function;
            this.which = which;
        }

        @Override
        public Varargs invoke(Varargs args) {
            atMost(args, 1, function);
            if (!args.arg1().isnil()) {
                boolean on = enumSetting(args, 1, function, OFF_ON) == 1;
                if (which == 0) {
                    keepBuffer = on;
                } else {
                    decodeInvalidNumbers = on;
                }
            }
            return LuaValue.valueOf(which == 0 ? keepBuffer : decodeInvalidNumbers);
        }
    }

    private final class InvalidNumbersOption extends VarArgFunction {
        private final String[] words = {"off", "on", "null"};

        @Override
        public Varargs invoke(Varargs args) {
            atMost(args, 1, "encode_invalid_numbers");
            if (!args.arg1().isnil()) {
                encodeInvalidNumbers = enumSetting(args, 1, "encode_invalid_numbers", words);
            }
            return encodeInvalidNumbers == 2 ? LuaValue.valueOf("null") : LuaValue.valueOf(encodeInvalidNumbers == 1);
        }
    }

    private final class SparseArray extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            atMost(args, 3, "encode_sparse_array");
            if (!args.arg(1).isnil()) {
                sparseConvert = enumSetting(args, 1, "encode_sparse_array", OFF_ON) == 1;
            }
            if (!args.arg(2).isnil()) {
                sparseRatio = integerSetting(args, 2, "encode_sparse_array", 0, Integer.MAX_VALUE);
            }
            if (!args.arg(3).isnil()) {
                sparseSafe = integerSetting(args, 3, "encode_sparse_array", 0, Integer.MAX_VALUE);
            }
            return LuaValue.varargsOf(LuaValue.valueOf(sparseConvert), LuaValue.valueOf(sparseRatio), LuaValue.valueOf(sparseSafe));
        }
    }

    // ---------------------------------------------------------------- encoding

    private final class Encode extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            if (args.narg() != 1) {
                throw badArgument(1, "encode", "expected 1 argument");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            append(out, args.arg1(), 0);
            return LuaString.valueUsing(out.toByteArray());
        }
    }

    private static LuaError cannotSerialise(LuaValue v, String reason) {
        return new LuaError("Cannot serialise " + v.typename() + ": " + reason);
    }

    private void append(ByteArrayOutputStream out, LuaValue v, int depth) {
        switch (v.type()) {
            case LuaValue.TSTRING:
                appendString(out, v.checkstring());
                break;
            case LuaValue.TNUMBER:
                appendNumber(out, v);
                break;
            case LuaValue.TBOOLEAN:
                ascii(out, v.toboolean() ? "true" : "false");
                break;
            case LuaValue.TNIL:
                ascii(out, "null");
                break;
            case LuaValue.TTABLE: {
                depth++;
                if (depth > encodeMaxDepth) {
                    throw new LuaError("Cannot serialise, excessive nesting (" + depth + ")");
                }
                LuaTable t = (LuaTable) v;
                int length = arrayLength(t);
                if (length > 0) {
                    out.write('[');
                    for (int i = 1; i <= length; i++) {
                        if (i > 1) {
                            out.write(',');
                        }
                        append(out, t.rawget(i), depth);
                    }
                    out.write(']');
                } else {
                    appendObject(out, t, depth);
                }
                break;
            }
            default:
                if (v == NULL) {
                    ascii(out, "null");
                    break;
                }
                throw cannotSerialise(v, "type not supported");
        }
    }

    private void appendObject(ByteArrayOutputStream out, LuaTable t, int depth) {
        out.write('{');
        boolean first = true;
        for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
            if (!first) {
                out.write(',');
            }
            first = false;
            LuaValue key = e.arg1();
            if (key.type() == LuaValue.TNUMBER) {
                out.write('"');
                appendNumber(out, key);
                out.write('"');
                out.write(':');
            } else if (key.type() == LuaValue.TSTRING) {
                appendString(out, key.checkstring());
                out.write(':');
            } else {
                throw cannotSerialise(key, "table key must be a number or string");
            }
            append(out, e.arg(2), depth);
        }
        out.write('}');
    }

    /** The array length when every key is a positive integer and the array is not too sparse, else -1. */
    private int arrayLength(LuaTable t) {
        // the largest key is kept in a C int: a key past INT_MAX wraps it negative, and the
        // table then encodes as an object, as in Redis
        int max = 0;
        int items = 0;
        for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
            LuaValue key = e.arg1();
            double k = key.type() == LuaValue.TNUMBER ? key.todouble() : 0;
            if (k == 0 || Math.floor(k) != k || k < 1) {
                return -1;
            }
            if (k > max) {
                max = LuaNumbers.toInt(k);
            }
            items++;
        }
        if (sparseRatio > 0 && max > items * sparseRatio && max > sparseSafe) {
            if (!sparseConvert) {
                throw new LuaError("Cannot serialise table: excessively sparse array");
            }
            return -1;
        }
        return max;
    }

    private void appendNumber(ByteArrayOutputStream out, LuaValue v) {
        double d = v.todouble();
        if (encodeInvalidNumbers == 0 && !Double.isFinite(d)) {
            throw cannotSerialise(v, "must not be NaN or Inf");
        }
        if (encodeInvalidNumbers == 1 && Double.isNaN(d)) {
            ascii(out, "nan");
            return;
        }
        if (encodeInvalidNumbers == 2 && !Double.isFinite(d)) {
            ascii(out, "null");
            return;
        }
        ascii(out, LuaNumbers.formatG(d, precision, false, false));
    }

    private static void appendString(ByteArrayOutputStream out, LuaString s) {
        out.write('"');
        for (int i = 0; i < s.m_length; i++) {
            int b = s.m_bytes[s.m_offset + i] & 0xFF;
            switch (b) {
                case '"': ascii(out, "\\\""); break;
                case '\\': ascii(out, "\\\\"); break;
                case '/': ascii(out, "\\/"); break;
                case '\b': ascii(out, "\\b"); break;
                case '\t': ascii(out, "\\t"); break;
                case '\n': ascii(out, "\\n"); break;
                case '\f': ascii(out, "\\f"); break;
                case '\r': ascii(out, "\\r"); break;
                default:
                    if (b < 0x20 || b == 0x7F) {
                        ascii(out, String.format("\\u%04x", b));
                    } else {
                        out.write(b);
                    }
            }
        }
        out.write('"');
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        out.write(b, 0, b.length);
    }

    // ---------------------------------------------------------------- decoding

    private final class Decode extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            if (args.narg() != 1) {
                throw badArgument(1, "decode", "expected 1 argument");
            }
            LuaValue v = args.arg1();
            if (!v.isstring()) {
                throw badArgument(1, "decode", "string expected, got " + (v.isnil() ? "nil" : v.typename()));
            }
            LuaString text = LuaFormat.textOf(v).checkstring();
            byte[] data = new byte[text.m_length];
            System.arraycopy(text.m_bytes, text.m_offset, data, 0, data.length);
            if (data.length >= 2 && (data[0] == 0 || data[1] == 0)) {
                throw new LuaError("JSON parser does not support UTF-16 or UTF-32");
            }
            Parser p = new Parser(data);
            p.next();
            LuaValue result = p.value();
            p.next();
            if (p.type != T_END) {
                throw p.error("the end");
            }
            return result;
        }
    }

    /** json_next_token and the recursive descent over it; the text ends at its first NUL, as in C. */
    private final class Parser {
        final byte[] data;
        int pos;
        int depth;
        int type;
        int index;
        String errorText;
        LuaValue value;

        Parser(byte[] data) {
            this.data = data;
        }

        private int at(int i) {
            return i < data.length ? data[i] & 0xFF : 0;
        }

        LuaError error(String expected) {
            String found = type == T_ERROR ? errorText : TOKEN_NAMES[type];
            return new LuaError("Expected " + expected + " but found " + found + " at character " + (index + 1));
        }

        private void tokenError(String text) {
            type = T_ERROR;
            index = pos;
            errorText = text;
        }

        void next() {
            int c = at(pos);
            while (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                c = at(++pos);
            }
            index = pos;
            switch (c) {
                case '{': type = T_OBJ_BEGIN; pos++; return;
                case '}': type = T_OBJ_END; pos++; return;
                case '[': type = T_ARR_BEGIN; pos++; return;
                case ']': type = T_ARR_END; pos++; return;
                case ',': type = T_COMMA; pos++; return;
                case ':': type = T_COLON; pos++; return;
                case 0: type = T_END; return;
                case '"': string(); return;
                default:
            }
            if (c == '-' || (c >= '0' && c <= '9')) {
                if (!decodeInvalidNumbers && invalidNumber()) {
                    tokenError("invalid number");
                    return;
                }
                number();
            } else if (startsWith("true")) {
                type = T_BOOLEAN;
                value = LuaValue.TRUE;
                pos += 4;
            } else if (startsWith("false")) {
                type = T_BOOLEAN;
                value = LuaValue.FALSE;
                pos += 5;
            } else if (startsWith("null")) {
                type = T_NULL;
                pos += 4;
            } else if ((c == '+' || c == 'i' || c == 'I' || c == 'n' || c == 'N') && decodeInvalidNumbers && invalidNumber()) {
                number();
            } else {
                tokenError("invalid token");
            }
        }

        private boolean startsWith(String word) {
            for (int i = 0; i < word.length(); i++) {
                if (at(pos + i) != word.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private boolean startsWithIgnoringCase(int from, String word) {
            for (int i = 0; i < word.length(); i++) {
                if (Character.toLowerCase(at(from + i)) != word.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        /** json_is_invalid_number: what strtod takes but strict JSON refuses. */
        private boolean invalidNumber() {
            int p = pos;
            if (at(p) == '+') {
                return true;
            }
            if (at(p) == '-') {
                p++;
            }
            if (at(p) == '0') {
                int c2 = at(p + 1);
                return (c2 | 0x20) == 'x' || (c2 >= '0' && c2 <= '9');
            }
            if (at(p) <= '9') {
                return false;
            }
            return startsWithIgnoringCase(p, "inf") || startsWithIgnoringCase(p, "nan");
        }

        private void number() {
            int end = Strtod.scan(data, pos);
            if (end == pos) {
                tokenError("invalid number");
                return;
            }
            type = T_NUMBER;
            value = LuaValue.valueOf(Strtod.value(data, pos, end));
            pos = end;
        }

        private void string() {
            pos++;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                int c = at(pos);
                if (c == '"') {
                    break;
                }
                if (c == 0) {
                    tokenError("unexpected end of string");
                    return;
                }
                if (c == '\\') {
                    int e = at(pos + 1);
                    if (e == 'u') {
                        if (!unicodeEscape(out)) {
                            tokenError("invalid unicode escape code");
                            return;
                        }
                        continue;
                    }
                    int translated = escape(e);
                    if (translated < 0) {
                        tokenError("invalid escape code");
                        return;
                    }
                    c = translated;
                    pos++;
                }
                out.write(c);
                pos++;
            }
            pos++;
            type = T_STRING;
            value = LuaString.valueUsing(out.toByteArray());
        }

        private int escape(int e) {
            switch (e) {
                case '"': return '"';
                case '\\': return '\\';
                case '/': return '/';
                case 'b': return '\b';
                case 't': return '\t';
                case 'n': return '\n';
                case 'f': return '\f';
                case 'r': return '\r';
                default: return -1;
            }
        }

        private int hex4(int from) {
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int d = Character.digit(at(from + i), 16);
                if (d < 0) {
                    return -1;
                }
                v = (v << 4) | d;
            }
            return v;
        }

        private boolean unicodeEscape(ByteArrayOutputStream out) {
            int codepoint = hex4(pos + 2);
            if (codepoint < 0) {
                return false;
            }
            int length = 6;
            if ((codepoint & 0xF800) == 0xD800) {
                if ((codepoint & 0x400) != 0 || at(pos + 6) != '\\' || at(pos + 7) != 'u') {
                    return false;
                }
                int low = hex4(pos + 8);
                if (low < 0 || (low & 0xFC00) != 0xDC00) {
                    return false;
                }
                codepoint = (((codepoint & 0x3FF) << 10) | (low & 0x3FF)) + 0x10000;
                length = 12;
            }
            if (codepoint <= 0x7F) {
                out.write(codepoint);
            } else if (codepoint <= 0x7FF) {
                out.write(0xC0 | (codepoint >> 6));
                out.write(0x80 | (codepoint & 0x3F));
            } else if (codepoint <= 0xFFFF) {
                out.write(0xE0 | (codepoint >> 12));
                out.write(0x80 | ((codepoint >> 6) & 0x3F));
                out.write(0x80 | (codepoint & 0x3F));
            } else {
                out.write(0xF0 | (codepoint >> 18));
                out.write(0x80 | ((codepoint >> 12) & 0x3F));
                out.write(0x80 | ((codepoint >> 6) & 0x3F));
                out.write(0x80 | (codepoint & 0x3F));
            }
            pos += length;
            return true;
        }

        private void descend() {
            depth++;
            if (depth > decodeMaxDepth) {
                throw new LuaError("Found too many nested data structures (" + depth + ") at character " + pos);
            }
        }

        LuaValue value() {
            switch (type) {
                case T_STRING:
                case T_NUMBER:
                case T_BOOLEAN:
                    return value;
                case T_NULL:
                    return NULL;
                case T_OBJ_BEGIN:
                    return object();
                case T_ARR_BEGIN:
                    return array();
                default:
                    throw error("value");
            }
        }

        private LuaValue object() {
            descend();
            LuaTable t = new LuaTable();
            next();
            if (type == T_OBJ_END) {
                depth--;
                return t;
            }
            while (true) {
                if (type != T_STRING) {
                    throw error("object key string");
                }
                LuaValue key = value;
                next();
                if (type != T_COLON) {
                    throw error("colon");
                }
                next();
                t.rawset(key, value());
                next();
                if (type == T_OBJ_END) {
                    depth--;
                    return t;
                }
                if (type != T_COMMA) {
                    throw error("comma or object end");
                }
                next();
            }
        }

        private LuaValue array() {
            descend();
            LuaTable t = new LuaTable();
            next();
            if (type == T_ARR_END) {
                depth--;
                return t;
            }
            for (int i = 1; ; i++) {
                t.rawset(i, value());
                next();
                if (type == T_ARR_END) {
                    depth--;
                    return t;
                }
                if (type != T_COMMA) {
                    throw error("comma or array end");
                }
                next();
            }
        }
    }

    /** The longest prefix C's strtod reads (decimal, hex float, inf, infinity, nan, nan(...)). */
    static final class Strtod {
        private Strtod() {}

        private static int at(byte[] b, int i) {
            return i < b.length ? b[i] & 0xFF : 0;
        }

        private static boolean word(byte[] b, int from, String w) {
            for (int i = 0; i < w.length(); i++) {
                if (Character.toLowerCase(at(b, from + i)) != w.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        /** The index after the number that starts at from, or from when there is none. */
        static int scan(byte[] b, int from) {
            int p = from;
            if (at(b, p) == '+' || at(b, p) == '-') {
                p++;
            }
            if (word(b, p, "infinity")) {
                return p + 8;
            }
            if (word(b, p, "inf")) {
                return p + 3;
            }
            if (word(b, p, "nan")) {
                p += 3;
                if (at(b, p) == '(') {
                    int q = p + 1;
                    while (Character.isLetterOrDigit(at(b, q)) || at(b, q) == '_') {
                        q++;
                    }
                    if (at(b, q) == ')') {
                        return q + 1;
                    }
                }
                return p;
            }
            boolean hex = at(b, p) == '0' && (at(b, p + 1) | 0x20) == 'x' && isDigit(b, p + 2, 16, true);
            int radix = hex ? 16 : 10;
            int q = hex ? p + 2 : p;
            int digits = 0;
            while (isDigit(b, q, radix, false)) {
                q++;
                digits++;
            }
            if (at(b, q) == '.') {
                int r = q + 1;
                int fraction = 0;
                while (isDigit(b, r, radix, false)) {
                    r++;
                    fraction++;
                }
                if (digits + fraction > 0) {
                    q = r;
                    digits += fraction;
                }
            }
            if (digits == 0) {
                return from;
            }
            int exponentMark = hex ? 'p' : 'e';
            if ((at(b, q) | 0x20) == exponentMark) {
                int r = q + 1;
                if (at(b, r) == '+' || at(b, r) == '-') {
                    r++;
                }
                if (isDigit(b, r, 10, false)) {
                    while (isDigit(b, r, 10, false)) {
                        r++;
                    }
                    q = r;
                }
            }
            return q;
        }

        private static boolean isDigit(byte[] b, int i, int radix, boolean orPoint) {
            int c = at(b, i);
            return Character.digit(c, radix) >= 0 || (orPoint && c == '.' && Character.digit(at(b, i + 1), radix) >= 0);
        }

        static double value(byte[] b, int from, int end) {
            String s = new String(b, from, end - from, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
            boolean negative = s.startsWith("-");
            String unsigned = s.startsWith("-") || s.startsWith("+") ? s.substring(1) : s;
            double d;
            if (unsigned.startsWith("inf")) {
                d = Double.POSITIVE_INFINITY;
            } else if (unsigned.startsWith("nan")) {
                d = Double.NaN;
            } else if (unsigned.startsWith("0x")) {
                d = Double.parseDouble(unsigned.contains("p") ? unsigned : unsigned + "p0");
            } else {
                d = Double.parseDouble(unsigned);
            }
            return negative ? -d : d;
        }
    }
}
