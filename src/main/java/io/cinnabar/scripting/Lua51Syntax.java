package io.cinnabar.scripting;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Lua 5.1's syntax check and error messages ("'=' expected near '&lt;eof&gt;'", "unexpected
 * symbol near '+'", "unfinished string near ''two'"). luaj's compiler parses Lua 5.2, which takes
 * some text Lua 5.1 refuses, and words its errors its own way without the "near ..." part. So
 * every script is first read with the rules and messages of Lua 5.1's llex.c and lparser.c, and
 * the first error they meet is the compile error. It only parses (no code is generated). Limits
 * Lua counts against its C stack ("chunk has too many syntax levels", too many locals or
 * upvalues) are not modelled: such a script is left to luaj's compiler and its message.
 */
final class Lua51Syntax {
    private static final int EOS = -1;
    private static final int NAME = -2;
    private static final int STRING = -3;
    private static final int NUMBER = -4;
    private static final int CONCAT = -5;
    private static final int DOTS = -6;
    private static final int EQ = -7;
    private static final int GE = -8;
    private static final int LE = -9;
    private static final int NE = -10;
    private static final String[] RESERVED = {
        "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "if", "in", "local",
        "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
    };
    /** Reserved words are tokens -100 - index. */
    private static final int FIRST_RESERVED = -100;
    private static final int AND = word("and");
    private static final int BREAK = word("break");
    private static final int DO = word("do");
    private static final int ELSE = word("else");
    private static final int ELSEIF = word("elseif");
    private static final int END = word("end");
    private static final int FALSE = word("false");
    private static final int FOR = word("for");
    private static final int FUNCTION = word("function");
    private static final int IF = word("if");
    private static final int IN = word("in");
    private static final int LOCAL = word("local");
    private static final int NIL = word("nil");
    private static final int NOT = word("not");
    private static final int OR = word("or");
    private static final int REPEAT = word("repeat");
    private static final int RETURN = word("return");
    private static final int THEN = word("then");
    private static final int TRUE = word("true");
    private static final int UNTIL = word("until");
    private static final int WHILE = word("while");
    private static final int UNARY_PRIORITY = 8;
    /** A nesting deeper than this gives up (Lua's own limit depends on its C call depth). */
    private static final int MAX_DEPTH = 180;

    /** Thrown at the first syntax error, with Lua 5.1's message. */
    private static final class SyntaxError extends RuntimeException {
        SyntaxError(String message) {
            super(message, null, false, false);
        }
    }

    /** Thrown where this recognizer leaves the verdict to luaj. */
    private static final class GiveUp extends RuntimeException {
        GiveUp() {
            super(null, null, false, false);
        }
    }

    private final byte[] text;
    private final int end;
    private final String chunkId;
    private int position;
    private int current;
    private int lineNumber = 1;
    private int lastLine = 1;
    private final StringBuilder buffer = new StringBuilder();
    private int token;
    private int lookahead = EOS;
    private boolean hasLookahead;
    private String lookaheadBuffer;
    private int depth;
    /** One entry per function being parsed: whether it is vararg, and its open loops. */
    private final Deque<int[]> functions = new ArrayDeque<>();

    private Lua51Syntax(byte[] text, int offset, int length, String chunkName) {
        this.text = text;
        this.position = offset;
        this.end = offset + length;
        this.chunkId = ScriptErrors.chunkId(chunkName);
    }

    /**
     * The message Lua 5.1 gives for the first syntax error in the text ("user_script:1: ..."), or
     * null when it finds none or leaves the verdict to luaj.
     */
    static String firstError(byte[] text, int offset, int length, String chunkName) {
        Lua51Syntax parser = new Lua51Syntax(text, offset, length, chunkName);
        try {
            parser.mainFunction();
            return null;
        } catch (SyntaxError e) {
            return e.getMessage();
        } catch (GiveUp | StackOverflowError e) {
            return null;
        }
    }

    private static int word(String w) {
        for (int i = 0; i < RESERVED.length; i++) {
            if (RESERVED[i].equals(w)) {
                return FIRST_RESERVED - i;
            }
        }
        throw new IllegalArgumentException(w);
    }

    // ---- lexer (llex.c)

    private void next() {
        current = position < end ? text[position++] & 0xFF : -1;
    }

    private void saveAndNext() {
        buffer.append((char) current);
        next();
    }

    private boolean isNewline() {
        return current == '\n' || current == '\r';
    }

    private void incLineNumber() {
        int old = current;
        next();
        if (isNewline() && current != old) {
            next();
        }
        lineNumber++;
    }

    private String tokenText(int t) {
        if (t == NAME || t == STRING || t == NUMBER) {
            int nul = buffer.indexOf("\0");
            return nul < 0 ? buffer.toString() : buffer.substring(0, nul);
        }
        return tokenName(t);
    }

    private static String tokenName(int t) {
        switch (t) {
            case EOS: return "<eof>";
            case NAME: return "<name>";
            case STRING: return "<string>";
            case NUMBER: return "<number>";
            case CONCAT: return "..";
            case DOTS: return "...";
            case EQ: return "==";
            case GE: return ">=";
            case LE: return "<=";
            case NE: return "~=";
            default:
                if (t <= FIRST_RESERVED) {
                    return RESERVED[FIRST_RESERVED - t];
                }
                return t < 32 || t == 127 ? "char(" + t + ")" : String.valueOf((char) t);
        }
    }

    private SyntaxError lexError(String message, int t) {
        String text = chunkId + ":" + lineNumber + ": " + message;
        if (t != 0) {
            text += " near '" + tokenText(t) + "'";
        }
        return new SyntaxError(text);
    }

    private SyntaxError syntaxError(String message) {
        return lexError(message, token);
    }

    /** skip_sep: the count of '=' in "[==[" or "]==]", or -count-1 when the bracket does not repeat. */
    private int skipSeparator() {
        int count = 0;
        int bracket = current;
        saveAndNext();
        while (current == '=') {
            saveAndNext();
            count++;
        }
        return current == bracket ? count : -count - 1;
    }

    private void readLongString(boolean isString, int separator) {
        saveAndNext();
        if (isNewline()) {
            incLineNumber();
        }
        for (;;) {
            switch (current) {
                case -1:
                    throw lexError(isString ? "unfinished long string" : "unfinished long comment", EOS);
                case '[':
                    // Redis builds Lua without LUA_COMPAT_LSTR: an inner "[[" is plain text.
                    if (skipSeparator() == separator) {
                        saveAndNext();
                    }
                    break;
                case ']':
                    if (skipSeparator() == separator) {
                        saveAndNext();
                        return;
                    }
                    break;
                case '\n', '\r':
                    buffer.append('\n');
                    incLineNumber();
                    if (!isString) {
                        buffer.setLength(0);
                    }
                    break;
                default:
                    if (isString) {
                        saveAndNext();
                    } else {
                        next();
                    }
            }
        }
    }

    private void readString(int delimiter) {
        saveAndNext();
        while (current != delimiter) {
            switch (current) {
                case -1:
                    throw lexError("unfinished string", EOS);
                case '\n', '\r':
                    throw lexError("unfinished string", STRING);
                case '\\': {
                    next();
                    int c;
                    switch (current) {
                        case 'a': c = 7; break;
                        case 'b': c = '\b'; break;
                        case 'f': c = '\f'; break;
                        case 'n': c = '\n'; break;
                        case 'r': c = '\r'; break;
                        case 't': c = '\t'; break;
                        case 'v': c = 11; break;
                        case '\n', '\r':
                            buffer.append('\n');
                            incLineNumber();
                            continue;
                        case -1:
                            continue;
                        default:
                            if (!isDigit(current)) {
                                saveAndNext();
                            } else {
                                int i = 0;
                                c = 0;
                                do {
                                    c = 10 * c + (current - '0');
                                    next();
                                } while (++i < 3 && isDigit(current));
                                if (c > 255) {
                                    throw lexError("escape sequence too large", STRING);
                                }
                                buffer.append((char) c);
                            }
                            continue;
                    }
                    buffer.append((char) c);
                    next();
                    break;
                }
                default:
                    saveAndNext();
            }
        }
        saveAndNext();
    }

    private void readNumeral() {
        do {
            saveAndNext();
        } while (isDigit(current) || current == '.');
        if (current == 'E' || current == 'e') {
            saveAndNext();
            if (current == '+' || current == '-') {
                saveAndNext();
            }
        }
        while (isAlnum(current) || current == '_') {
            saveAndNext();
        }
        if (!isNumeral(buffer)) {
            throw lexError("malformed number", NUMBER);
        }
    }

    /** What luaO_str2d accepts: a whole C strtod number (decimal or hex), or a hex integer. */
    private static boolean isNumeral(CharSequence s) {
        int n = s.length();
        boolean hex = n > 1 && s.charAt(0) == '0' && (s.charAt(1) == 'x' || s.charAt(1) == 'X');
        int radix = hex ? 16 : 10;
        int start = hex ? 2 : 0;
        int i = digitsEnd(s, start, radix);
        int digits = i - start;
        if (i < n && s.charAt(i) == '.') {
            int fractionEnd = digitsEnd(s, i + 1, radix);
            digits += fractionEnd - i - 1;
            i = fractionEnd;
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && Character.toLowerCase(s.charAt(i)) == (hex ? 'p' : 'e')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int exponentEnd = digitsEnd(s, i, 10);
            i = exponentEnd == i ? -1 : exponentEnd;
        }
        return i == n;
    }

    private static int digitsEnd(CharSequence s, int i, int radix) {
        while (i < s.length() && Character.digit(s.charAt(i), radix) >= 0) {
            i++;
        }
        return i;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAlpha(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isAlnum(int c) {
        return isAlpha(c) || isDigit(c);
    }

    private int lex() {
        buffer.setLength(0);
        for (;;) {
            switch (current) {
                case '\n', '\r':
                    incLineNumber();
                    continue;
                case '-':
                    next();
                    if (current != '-') {
                        return '-';
                    }
                    next();
                    if (current == '[') {
                        int separator = skipSeparator();
                        buffer.setLength(0);
                        if (separator >= 0) {
                            readLongString(false, separator);
                            buffer.setLength(0);
                            continue;
                        }
                    }
                    while (!isNewline() && current != -1) {
                        next();
                    }
                    continue;
                case '[': {
                    int separator = skipSeparator();
                    if (separator >= 0) {
                        readLongString(true, separator);
                        return STRING;
                    }
                    if (separator == -1) {
                        return '[';
                    }
                    throw lexError("invalid long string delimiter", STRING);
                }
                case '=':
                    return orWithEquals('=', EQ);
                case '<':
                    return orWithEquals('<', LE);
                case '>':
                    return orWithEquals('>', GE);
                case '~':
                    return orWithEquals('~', NE);
                case '"', '\'':
                    readString(current);
                    return STRING;
                case '.':
                    saveAndNext();
                    if (current == '.') {
                        saveAndNext();
                        if (current == '.') {
                            saveAndNext();
                            return DOTS;
                        }
                        return CONCAT;
                    }
                    if (!isDigit(current)) {
                        return '.';
                    }
                    readNumeral();
                    return NUMBER;
                case -1:
                    return EOS;
                default:
                    if (current == ' ' || (current >= 9 && current <= 13)) {
                        next();
                        continue;
                    }
                    if (isDigit(current)) {
                        readNumeral();
                        return NUMBER;
                    }
                    if (isAlpha(current) || current == '_') {
                        do {
                            saveAndNext();
                        } while (isAlnum(current) || current == '_');
                        String name = buffer.toString();
                        for (int i = 0; i < RESERVED.length; i++) {
                            if (RESERVED[i].equals(name)) {
                                return FIRST_RESERVED - i;
                            }
                        }
                        return NAME;
                    }
                    int c = current;
                    next();
                    return c;
            }
        }
    }

    /** A one-character token, or its two-character form when '=' follows ("<=", "=="). */
    private int orWithEquals(int single, int withEquals) {
        next();
        if (current != '=') {
            return single;
        }
        next();
        return withEquals;
    }

    private void nextToken() {
        lastLine = lineNumber;
        if (hasLookahead) {
            hasLookahead = false;
            token = lookahead;
            buffer.setLength(0);
            buffer.append(lookaheadBuffer);
        } else {
            token = lex();
        }
    }

    private int lookaheadToken() {
        String saved = buffer.toString();
        lookahead = lex();
        lookaheadBuffer = buffer.toString();
        hasLookahead = true;
        buffer.setLength(0);
        buffer.append(saved);
        return lookahead;
    }

    // ---- parser (lparser.c)

    private void mainFunction() {
        next();
        functions.push(new int[] {1, 0});
        nextToken();
        chunk();
        check(EOS);
    }

    private boolean testNext(int t) {
        if (token == t) {
            nextToken();
            return true;
        }
        return false;
    }

    private void check(int t) {
        if (token != t) {
            throw syntaxError("'" + tokenName(t) + "' expected");
        }
    }

    private void checkNext(int t) {
        check(t);
        nextToken();
    }

    private void checkMatch(int what, int who, int where) {
        if (!testNext(what)) {
            if (where == lineNumber) {
                check(what);
            }
            throw syntaxError("'" + tokenName(what) + "' expected (to close '" + tokenName(who) + "' at line " + where + ")");
        }
    }

    private void checkName() {
        check(NAME);
        nextToken();
    }

    private void enterLevel() {
        if (++depth > MAX_DEPTH) {
            throw new GiveUp();
        }
    }

    private static boolean blockFollow(int t) {
        return t == ELSE || t == ELSEIF || t == END || t == UNTIL || t == EOS;
    }

    private void chunk() {
        enterLevel();
        boolean last = false;
        while (!last && !blockFollow(token)) {
            last = statement();
            testNext(';');
        }
        depth--;
    }

    private void block(boolean loop) {
        int[] function = functions.peek();
        if (loop) {
            function[1]++;
        }
        chunk();
        if (loop) {
            function[1]--;
        }
    }

    /** True for a statement that must end its block (return, break). */
    private boolean statement() {
        int line = lineNumber;
        if (token == IF) {
            ifStatement(line);
        } else if (token == WHILE) {
            nextToken();
            expression();
            checkNext(DO);
            block(true);
            checkMatch(END, WHILE, line);
        } else if (token == DO) {
            nextToken();
            block(false);
            checkMatch(END, DO, line);
        } else if (token == FOR) {
            forStatement(line);
        } else if (token == REPEAT) {
            nextToken();
            block(true);
            checkMatch(UNTIL, REPEAT, line);
            expression();
        } else if (token == FUNCTION) {
            nextToken();
            checkName();
            while (token == '.') {
                nextToken();
                checkName();
            }
            if (token == ':') {
                nextToken();
                checkName();
            }
            body(line);
        } else if (token == LOCAL) {
            nextToken();
            if (testNext(FUNCTION)) {
                checkName();
                body(lineNumber);
            } else {
                do {
                    checkName();
                } while (testNext(','));
                if (testNext('=')) {
                    expressionList();
                }
            }
        } else if (token == RETURN) {
            nextToken();
            if (!blockFollow(token) && token != ';') {
                expressionList();
            }
            return true;
        } else if (token == BREAK) {
            nextToken();
            if (functions.peek()[1] == 0) {
                throw syntaxError("no loop to break");
            }
            return true;
        } else {
            expressionStatement();
        }
        return false;
    }

    private void ifStatement(int line) {
        do {
            nextToken();
            expression();
            checkNext(THEN);
            block(false);
        } while (token == ELSEIF);
        if (testNext(ELSE)) {
            block(false);
        }
        checkMatch(END, IF, line);
    }

    private void forStatement(int line) {
        nextToken();
        checkName();
        if (token == '=') {
            nextToken();
            expression();
            checkNext(',');
            expression();
            if (testNext(',')) {
                expression();
            }
        } else if (token == ',' || token == IN) {
            while (testNext(',')) {
                checkName();
            }
            checkNext(IN);
            expressionList();
        } else {
            throw syntaxError("'=' or 'in' expected");
        }
        checkNext(DO);
        block(true);
        checkMatch(END, FOR, line);
    }

    private void body(int line) {
        checkNext('(');
        boolean vararg = false;
        if (token != ')') {
            do {
                if (token == NAME) {
                    nextToken();
                } else if (token == DOTS) {
                    nextToken();
                    vararg = true;
                } else {
                    throw syntaxError("<name> or '...' expected");
                }
            } while (!vararg && testNext(','));
        }
        checkNext(')');
        functions.push(new int[] {vararg ? 1 : 0, 0});
        chunk();
        functions.pop();
        checkMatch(END, FUNCTION, line);
    }

    private void expressionStatement() {
        Kind target = primaryExpression();
        if (target != Kind.CALL) {
            assignment(target);
        }
    }

    /** What a primary expression is, for the assignment check. */
    private enum Kind { ASSIGNABLE, CALL, OTHER }

    private void assignment(Kind target) {
        if (target != Kind.ASSIGNABLE) {
            throw syntaxError("syntax error");
        }
        if (testNext(',')) {
            assignment(primaryExpression());
        } else {
            checkNext('=');
            expressionList();
        }
    }

    private void expressionList() {
        expression();
        while (testNext(',')) {
            expression();
        }
    }

    private void expression() {
        subExpression(0);
    }

    private void subExpression(int limit) {
        enterLevel();
        if (token == NOT || token == '-' || token == '#') {
            nextToken();
            subExpression(UNARY_PRIORITY);
        } else {
            simpleExpression();
        }
        for (;;) {
            int[] priority = binaryPriority(token);
            if (priority == null || priority[0] <= limit) {
                break;
            }
            nextToken();
            subExpression(priority[1]);
        }
        depth--;
    }

    private static int[] binaryPriority(int t) {
        if (t == '+' || t == '-') {
            return new int[] {6, 6};
        }
        if (t == '*' || t == '/' || t == '%') {
            return new int[] {7, 7};
        }
        if (t == '^') {
            return new int[] {10, 9};
        }
        if (t == CONCAT) {
            return new int[] {5, 4};
        }
        if (t == EQ || t == NE || t == '<' || t == LE || t == '>' || t == GE) {
            return new int[] {3, 3};
        }
        if (t == AND) {
            return new int[] {2, 2};
        }
        if (t == OR) {
            return new int[] {1, 1};
        }
        return null;
    }

    private void simpleExpression() {
        if (token == NUMBER || token == STRING || token == NIL || token == TRUE || token == FALSE) {
            nextToken();
        } else if (token == DOTS) {
            if (functions.peek()[0] == 0) {
                throw syntaxError("cannot use '...' outside a vararg function");
            }
            nextToken();
        } else if (token == '{') {
            constructor();
        } else if (token == FUNCTION) {
            nextToken();
            body(lineNumber);
        } else {
            primaryExpression();
        }
    }

    private Kind primaryExpression() {
        Kind kind;
        if (token == NAME) {
            nextToken();
            kind = Kind.ASSIGNABLE;
        } else if (token == '(') {
            int line = lineNumber;
            nextToken();
            expression();
            checkMatch(')', '(', line);
            kind = Kind.OTHER;
        } else {
            throw syntaxError("unexpected symbol");
        }
        for (;;) {
            if (token == '.') {
                nextToken();
                checkName();
                kind = Kind.ASSIGNABLE;
            } else if (token == '[') {
                nextToken();
                expression();
                checkNext(']');
                kind = Kind.ASSIGNABLE;
            } else if (token == ':') {
                nextToken();
                checkName();
                functionArguments();
                kind = Kind.CALL;
            } else if (token == '(' || token == STRING || token == '{') {
                functionArguments();
                kind = Kind.CALL;
            } else {
                return kind;
            }
        }
    }

    private void functionArguments() {
        int line = lineNumber;
        if (token == '(') {
            if (line != lastLine) {
                throw syntaxError("ambiguous syntax (function call x new statement)");
            }
            nextToken();
            if (token != ')') {
                expressionList();
            }
            checkMatch(')', '(', line);
        } else if (token == '{') {
            constructor();
        } else if (token == STRING) {
            nextToken();
        } else {
            throw syntaxError("function arguments expected");
        }
    }

    private void constructor() {
        int line = lineNumber;
        checkNext('{');
        do {
            if (token == '}') {
                break;
            }
            if (token == NAME) {
                if (lookaheadToken() != '=') {
                    expression();
                } else {
                    checkName();
                    checkNext('=');
                    expression();
                }
            } else if (token == '[') {
                nextToken();
                expression();
                checkNext(']');
                checkNext('=');
                expression();
            } else {
                expression();
            }
        } while (testNext(',') || testNext(';'));
        checkMatch('}', '{', line);
    }
}
