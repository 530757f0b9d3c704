package io.cinnabar.scripting;

import io.cinnabar.testing.RandomDiff;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lua 5.1's error wording, compared byte for byte with real Redis: compile errors of generated
 * token sequences (most of them invalid, some valid, so a script Lua 5.1 accepts must compile
 * too), and runtime errors of generated expressions over locals, upvalues, fields and constants of
 * every type. Unclosed long brackets are of level 1: inside a level-0 one, "[[" is an error to
 * luaj's lexer but text to Redis's Lua. Replay with -DluaErrorsSeed=seed.
 */
@Timeout(300)
class LuaErrorsRandomDiffTest {
    private static final String[] TOKENS = {
        "x", "y", "t", "f", "t.a", "t[1]", "f()", "t:m()", "1", "0x10", "1e5", "3.", ".5", "1e", "0x", "3x", "'a'",
        "\"b\"", "[[c]]", "[=[d]=]", "'open", "[=[open", "[=x", "'\\300'", "'\\65'",
        "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "if", "in", "local", "nil",
        "not", "or", "repeat", "return", "then", "true", "until", "while", "=", "==", "~=", "<=", ">=", "<",
        ">", "+", "-", "*", "/", "%", "^", "#", "..", "...", "(", ")", "{", "}", "[", "]", ";", ":", ",", ".",
        "~", "::", "\n", "\n", "--c\n", "--[[c]]", "--[=[open", "&", "@", "$", "\t",
    };
    private static final String[] STATEMENTS = {
        "local x = 1", "x = 1", "t = {}", "t.a = 1", "local function f(a, ...) return ... end", "if x then end",
        "while x do break end", "for i = 1, 2 do end", "for k, v in pairs(t) do end", "repeat until true",
        "do end", "return", "return 1, 2", "f(1)", "local t = {1, 2; a = 3, [4] = 5}", "x, y = 1, 2",
    };
    private static final String[] VALUES = {"nil", "1", "'s'", "'10'", "{}", "true", "function() end"};
    private static final String[] BINARY = {"+", "-", "*", "/", "%", "^", "..", "<", "<=", ">", ">=", "=="};

    @Test
    void compileErrorsMatchRedis() {
        RandomDiff.run("luaErrorsSeed", 20261201L, 3000, r -> new String[] {"SCRIPT", "LOAD", script(r)});
    }

    @Test
    void runtimeErrorsMatchRedis() {
        RandomDiff.run("luaErrorsSeed", 20261202L, 3000, r -> new String[] {"EVAL", runtime(r), "0"});
    }

    private static String script(Random r) {
        StringBuilder b = new StringBuilder();
        int n = 1 + r.nextInt(10);
        for (int i = 0; i < n; i++) {
            if (r.nextInt(4) == 0) {
                b.append(STATEMENTS[r.nextInt(STATEMENTS.length)]);
            } else {
                b.append(TOKENS[r.nextInt(TOKENS.length)]);
            }
            b.append(r.nextInt(5) == 0 ? "\n" : " ");
        }
        return b.toString();
    }

    /** A script whose last line most likely fails at run time on one of its operands. */
    private static String runtime(Random r) {
        String a = VALUES[r.nextInt(VALUES.length)];
        String b = VALUES[r.nextInt(VALUES.length)];
        String c = VALUES[r.nextInt(VALUES.length)];
        String prelude = "local a, b = " + a + ", " + b + " local t = {f = " + c + ", g = {}} u = nil ";
        String[] operands = {"a", "b", "t.f", "t.g", "t.h", "t[1]", "up", "KEYS[1]", VALUES[r.nextInt(VALUES.length)]};
        String x = operands[r.nextInt(operands.length)];
        String y = operands[r.nextInt(operands.length)];
        String body;
        switch (r.nextInt(8)) {
            case 0:
                body = "return " + x + " " + BINARY[r.nextInt(BINARY.length)] + " " + y;
                break;
            case 1:
                body = "return " + x + ".k.j";
                break;
            case 2:
                body = x + ".k = 1";
                break;
            case 3:
                body = "return " + x + "()";
                break;
            case 4:
                body = "return " + x + ":m()";
                break;
            case 5:
                body = "return #" + x + ", -" + y;
                break;
            case 6:
                body = "return 'p' .. " + x + " .. " + y + " .. 'q'";
                break;
            default: {
                String[] calls = {"table.insert(" + x + ", 1)", "string.rep(" + x + ")", "math.floor(" + x + ")",
                    "string.sub(" + x + ", " + y + ")", "setmetatable(" + x + ", {})", "ipairs(" + x + ")",
                    "string.byte(" + x + ", " + y + ")", "string.rep(" + x + ", " + y + ")", "table.concat(" + x + ", " + y + ")",
                    "string.find(" + x + ", " + y + ")", "select(" + x + ", " + y + ")", "(" + x + "):upper()"};
                body = "return " + calls[r.nextInt(calls.length)];
                break;
            }
        }
        if (r.nextBoolean()) {
            return prelude + "local up = " + a + " local function inner() " + body + " end return inner()";
        }
        return prelude + "local up = " + b + " " + (r.nextBoolean() ? body : "local ok, e = pcall(function() " + body + " end) return e");
    }
}
