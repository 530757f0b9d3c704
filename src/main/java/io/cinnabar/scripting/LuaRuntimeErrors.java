package io.cinnabar.scripting;

import java.util.Map;
import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;

/**
 * Lua 5.1's wording of the errors a Lua instruction raises ("attempt to index field 'a' (a nil
 * value)", "bad argument #1 to 'insert' (table expected, got nil)"), where luaj words them its own
 * way and without names ("attempt to index ? (a nil value)", "bad argument: table expected, got
 * nil").
 *
 * <p>Nothing here runs unless a script fails: when luaj unwinds an error through the innermost Lua
 * function it asks the debug hook for a traceback, and {@link ScriptHook} then records that
 * function, the failing instruction and its registers as the error's site. Translating the message
 * later rebuilds Lua 5.1's text from the instruction and the operand values, and names the operand
 * as ldebug.c's getobjname does: a local from the prototype's debug info, else the instruction that
 * last set the register (a global or field read, an upvalue, a method lookup). luaj compiles Lua
 * 5.2 code (globals are reads from the _ENV upvalue), so the 5.1 rules are applied to 5.2 opcodes.
 * A message the failing instruction cannot explain (an error inside a library function that is
 * not an argument check, say) is left as luaj wrote it.
 */
final class LuaRuntimeErrors {
    private static final LuaString ENV = LuaValue.valueOf("_ENV");

    /** Where the last error of this thread was raised: the running closure, pc, and registers. */
    private record Site(LuaClosure closure, int pc, LuaValue[] registers, String fileline) {}

    private static final ThreadLocal<Site> LAST_SITE = new ThreadLocal<>();

    /**
     * The parameters Lua 5.1's libraries check, by the function's name as the call names it
     * (first letter of the type: string, number, table, function; '.' unchecked). luaj's checks
     * do not say which argument failed: with these, only a parameter of the expected type can be
     * the culprit (string.byte('a', 'x') fails on #2, not on the string 'a').
     */
    private static final Map<String, String> PARAMETERS = Map.ofEntries(
            Map.entry("byte", "snn"), Map.entry("sub", "snn"), Map.entry("rep", "sn"),
            Map.entry("upper", "s"), Map.entry("lower", "s"), Map.entry("len", "s"),
            Map.entry("reverse", "s"), Map.entry("find", "ssn"), Map.entry("match", "ssn"),
            Map.entry("gmatch", "ss"), Map.entry("gsub", "ss.n"), Map.entry("insert", "t"),
            Map.entry("remove", "tn"), Map.entry("sort", "tf"), Map.entry("concat", "tsnn"),
            Map.entry("setmetatable", "t"), Map.entry("ipairs", "t"), Map.entry("pairs", "t"),
            Map.entry("next", "t"), Map.entry("rawget", "t"), Map.entry("rawset", "t"),
            Map.entry("select", "n"), Map.entry("unpack", "tnn"));

    private LuaRuntimeErrors() {}

    /** Called by the debug hook as luaj unwinds an error through its innermost Lua function. */
    static void recordSite(LuaClosure closure, int pc, LuaValue[] registers) {
        Prototype p = closure.p;
        String line = p.lineinfo != null && pc >= 0 && pc < p.lineinfo.length ? String.valueOf(p.lineinfo[pc]) : "?";
        String source = p.source != null ? p.source.tojstring() : "?";
        LAST_SITE.set(new Site(closure, pc, registers, source + ":" + line));
    }

    /**
     * Lua 5.1's message for the luaj message of an error raised at {@code fileline}, or null when
     * no recorded site explains it.
     */
    static String translate(String luajMessage, String fileline) {
        Site site = LAST_SITE.get();
        LAST_SITE.remove();
        if (site == null || !site.fileline.equals(fileline)) {
            return null;
        }
        Prototype p = site.closure.p;
        if (site.pc < 0 || site.pc >= p.code.length) {
            return null;
        }
        int instruction = p.code[site.pc];
        int op = Lua.GET_OPCODE(instruction);
        int a = Lua.GETARG_A(instruction);
        int b = Lua.GETARG_B(instruction);
        int c = Lua.GETARG_C(instruction);
        if (luajMessage.startsWith("attempt to perform arithmetic")) {
            if (op == Lua.OP_UNM) {
                return typeError(site, b, "perform arithmetic on");
            }
            if (op >= Lua.OP_ADD && op <= Lua.OP_POW) {
                // ldebug.c luaG_aritherror: the first operand that is not a number (or numeric string).
                int culprit = isNumeric(rk(site, b)) ? c : b;
                return typeError(site, culprit, "perform arithmetic on");
            }
        } else if (luajMessage.startsWith("attempt to concatenate") && op == Lua.OP_CONCAT) {
            return typeError(site, concatCulprit(site, b, c), "concatenate");
        } else if (luajMessage.startsWith("attempt to get length") && op == Lua.OP_LEN) {
            return typeError(site, b, "get length of");
        } else if (luajMessage.startsWith("attempt to compare") && (op == Lua.OP_LT || op == Lua.OP_LE)) {
            String left = rk(site, b).typename();
            String right = rk(site, c).typename();
            return left.equals(right) ? "attempt to compare two " + left + " values" : "attempt to compare " + left + " with " + right;
        } else if (luajMessage.startsWith("attempt to call")) {
            if (op == Lua.OP_CALL || op == Lua.OP_TAILCALL) {
                return typeError(site, a, "call");
            }
            if (op == Lua.OP_TFORCALL) {
                return "attempt to call a " + register(site, a).typename() + " value";
            }
        } else if (luajMessage.startsWith("attempt to index") || luajMessage.startsWith("index expected")) {
            switch (op) {
                case Lua.OP_GETTABLE, Lua.OP_SELF:
                    return typeError(site, b, "index");
                case Lua.OP_SETTABLE:
                    return typeError(site, a, "index");
                case Lua.OP_GETTABUP:
                    return upvalueIndexError(site, b);
                case Lua.OP_SETTABUP:
                    return upvalueIndexError(site, a);
                default:
                    break;
            }
        } else if (luajMessage.startsWith("bad argument: ") && op == Lua.OP_CALL && b != 0) {
            return argumentError(site, a, b - 1, luajMessage.substring("bad argument: ".length()));
        } else if (luajMessage.startsWith("bad argument #") && op == Lua.OP_CALL) {
            return numberedArgumentError(site, a, luajMessage);
        } else if (luajMessage.startsWith("table index") && op == Lua.OP_SETTABLE) {
            LuaValue key = rk(site, b);
            if (key.isnil()) {
                return "table index is nil";
            }
            if (key.type() == LuaValue.TNUMBER && Double.isNaN(key.todouble())) {
                return "table index is NaN";
            }
        }
        return null;
    }

    /** "attempt to OP local 'x' (a nil value)", or "attempt to OP a nil value" for a constant. */
    private static String typeError(Site site, int operand, String action) {
        LuaValue value = rk(site, operand);
        String[] name = Lua.ISK(operand) ? null : objectName(site.closure.p, site.pc, operand);
        if (name == null) {
            return "attempt to " + action + " a " + value.typename() + " value";
        }
        return "attempt to " + action + " " + name[0] + " '" + name[1] + "' (a " + value.typename() + " value)";
    }

    /** Lua 5.1 reads an upvalue into a register before indexing it, so the name is "upvalue". */
    private static String upvalueIndexError(Site site, int upvalue) {
        Prototype p = site.closure.p;
        LuaValue value = site.closure.upValues[upvalue].getValue();
        return "attempt to index upvalue '" + upvalueName(p, upvalue) + "' (a " + value.typename() + " value)";
    }

    /**
     * lvm.c's luaV_concat joins from the right, runs of strings and numbers at once, and reports
     * (ldebug.c luaG_concaterror) the left of the first failing pair unless that one is a string or
     * number.
     */
    private static int concatCulprit(Site site, int first, int last) {
        int top = last;
        while (top > first) {
            LuaValue left = register(site, top - 1);
            LuaValue right = register(site, top);
            if (!isStringOrNumber(left) || !isStringOrNumber(right)) {
                return isStringOrNumber(left) ? top : top - 1;
            }
            top--;
        }
        return first;
    }

    /**
     * lauxlib.c's luaL_argerror: "bad argument #n to 'f' (expected)". luaj's check helpers name
     * neither the argument nor the function, so the argument is the first of the call whose type
     * the message reports and the check refuses, and the function is named from the call.
     */
    private static String argumentError(Site site, int callee, int argCount, String detail) {
        int expectedEnd = detail.indexOf(" expected, got ");
        if (expectedEnd < 0) {
            return null;
        }
        String expected = detail.substring(0, expectedEnd);
        if (expected.equals("double") || expected.equals("int") || expected.equals("long")) {
            expected = "number";
        }
        String got = detail.substring(expectedEnd + " expected, got ".length());
        String[] name = objectName(site.closure.p, site.pc, callee);
        String function = name == null ? "?" : name[1];
        String parameters = name == null ? null : PARAMETERS.get(function);
        int culprit = -1;
        for (int n = 1; n <= argCount + 1 && culprit < 0; n++) {
            LuaValue arg = n <= argCount ? register(site, callee + n) : LuaValue.NIL;
            boolean checkedAsExpected = parameters == null
                    || (n <= parameters.length() && parameters.charAt(n - 1) == expected.charAt(0));
            if (checkedAsExpected && arg.typename().equals(got) && !accepts(expected, arg)) {
                culprit = n;
            }
        }
        if (culprit < 0) {
            return null;
        }
        String gotText = culprit > argCount ? "no value" : got;
        return argumentText(name, culprit, expected + " expected, got " + gotText);
    }

    /** luaj's "bad argument #n: detail" with the function's name, as luaL_argerror words it. */
    private static String numberedArgumentError(Site site, int callee, String luajMessage) {
        int colon = luajMessage.indexOf(": ");
        if (colon < 0) {
            return null;
        }
        int n;
        try {
            n = Integer.parseInt(luajMessage.substring("bad argument #".length(), colon));
        } catch (NumberFormatException e) {
            return null;
        }
        return argumentText(objectName(site.closure.p, site.pc, callee), n, luajMessage.substring(colon + 2));
    }

    /** luaL_argerror's text; a method's self is not counted, and is "bad self" when it fails. */
    private static String argumentText(String[] calleeName, int argument, String detail) {
        String function = calleeName == null ? "?" : calleeName[1];
        if (calleeName != null && calleeName[0].equals("method")) {
            argument--;
            if (argument == 0) {
                return "calling '" + function + "' on bad self (" + detail + ")";
            }
        }
        return "bad argument #" + argument + " to '" + function + "' (" + detail + ")";
    }

    private static boolean accepts(String expected, LuaValue arg) {
        switch (expected) {
            case "number":
                return arg.type() == LuaValue.TNUMBER || (arg.type() == LuaValue.TSTRING && arg.tonumber().isnumber());
            case "string":
                return arg.type() == LuaValue.TSTRING || arg.type() == LuaValue.TNUMBER;
            default:
                return arg.typename().equals(expected);
        }
    }

    /**
     * ldebug.c's getobjname for Lua 5.1: {kind, name} of what register {@code reg} holds at
     * {@code pc}, or null when its origin has no name.
     */
    private static String[] objectName(Prototype p, int pc, int reg) {
        LuaString local = p.getlocalname(reg + 1, pc);
        if (local != null) {
            return new String[] {"local", local.tojstring()};
        }
        int setter = lastSetter(p, pc, reg);
        if (setter < 0) {
            return null;
        }
        int instruction = p.code[setter];
        switch (Lua.GET_OPCODE(instruction)) {
            case Lua.OP_MOVE: {
                int from = Lua.GETARG_B(instruction);
                return from < Lua.GETARG_A(instruction) ? objectName(p, pc, from) : null;
            }
            case Lua.OP_GETTABUP: {
                LuaString table = upvalueNameOrNull(p, Lua.GETARG_B(instruction));
                String kind = ENV.equals(table) ? "global" : "field";
                return new String[] {kind, constantName(p, Lua.GETARG_C(instruction))};
            }
            case Lua.OP_GETTABLE:
                return new String[] {"field", constantName(p, Lua.GETARG_C(instruction))};
            case Lua.OP_GETUPVAL:
                return new String[] {"upvalue", upvalueName(p, Lua.GETARG_B(instruction))};
            case Lua.OP_SELF:
                return new String[] {"method", constantName(p, Lua.GETARG_C(instruction))};
            default:
                return null;
        }
    }

    /**
     * The pc of the last instruction before {@code lastPc} that set {@code reg}, as ldebug.c's
     * symbexec finds it (forward jumps that stay before lastPc are followed), or -1.
     */
    private static int lastSetter(Prototype p, int lastPc, int reg) {
        int last = -1;
        for (int pc = 0; pc < lastPc; pc++) {
            int instruction = p.code[pc];
            int op = Lua.GET_OPCODE(instruction);
            int a = Lua.GETARG_A(instruction);
            switch (op) {
                case Lua.OP_LOADNIL:
                    if (a <= reg && reg <= a + Lua.GETARG_B(instruction)) {
                        last = pc;
                    }
                    break;
                case Lua.OP_TFORCALL:
                    if (reg >= a + 2) {
                        last = pc;
                    }
                    break;
                case Lua.OP_CALL, Lua.OP_TAILCALL:
                    if (reg >= a) {
                        last = pc;
                    }
                    break;
                case Lua.OP_JMP: {
                    int dest = pc + 1 + Lua.GETARG_sBx(instruction);
                    if (pc < dest && dest <= lastPc) {
                        pc += Lua.GETARG_sBx(instruction);
                    }
                    break;
                }
                default:
                    if (Lua.testAMode(op) && reg == a) {
                        last = pc;
                    }
                    break;
            }
        }
        return last;
    }

    /** ldebug.c's kname: a string constant's text, else "?". */
    private static String constantName(Prototype p, int rk) {
        if (Lua.ISK(rk)) {
            LuaValue k = p.k[Lua.INDEXK(rk)];
            if (k.type() == LuaValue.TSTRING) {
                return k.tojstring();
            }
        }
        return "?";
    }

    private static String upvalueName(Prototype p, int index) {
        LuaString name = upvalueNameOrNull(p, index);
        return name == null ? "?" : name.tojstring();
    }

    private static LuaString upvalueNameOrNull(Prototype p, int index) {
        return p.upvalues != null && index < p.upvalues.length ? p.upvalues[index].name : null;
    }

    private static LuaValue rk(Site site, int operand) {
        return Lua.ISK(operand) ? site.closure.p.k[Lua.INDEXK(operand)] : register(site, operand);
    }

    private static LuaValue register(Site site, int index) {
        LuaValue v = index < site.registers.length ? site.registers[index] : null;
        return v == null ? LuaValue.NIL : v;
    }

    private static boolean isNumeric(LuaValue v) {
        return v.type() == LuaValue.TNUMBER || (v.type() == LuaValue.TSTRING && v.tonumber().isnumber());
    }

    private static boolean isStringOrNumber(LuaValue v) {
        return v.type() == LuaValue.TSTRING || v.type() == LuaValue.TNUMBER;
    }
}
