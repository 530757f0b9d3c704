package io.cinnabar.scripting;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;

/**
 * A table scripts may read but not change once sealed, as Redis 7.0 locks the globals and every
 * library table. An assignment in script code fails with the position of the assigning line
 * ("user_script:1: Attempt to modify a readonly table"); a change through a library function
 * (rawset, setmetatable, table.insert) fails without one, because in Lua the error is then raised
 * inside a C function.
 *
 * <p>It is a luaj Globals so that it can also be the globals table of scripts: luaj runs its
 * instruction hook (SCRIPT KILL) only in functions whose environment is a Globals. As a plain
 * library table the extra fields stay unused.
 */
class ReadOnlyTable extends Globals {
    static final String READONLY = "Attempt to modify a readonly table";

    private boolean sealed;

    void seal() {
        sealed = true;
    }

    boolean sealed() {
        return sealed;
    }

    /** Runs a change while sealed (EVAL sets KEYS and ARGV this way). */
    void rawsetUnsealed(String key, LuaValue value) {
        super.rawset(LuaValue.valueOf(key), value);
    }

    /** An assignment in script code to a sealed table. */
    private void checkAssign() {
        if (sealed) {
            throw new LuaError(READONLY);
        }
    }

    /** A change to a sealed table through a library function. */
    private void checkLibraryChange() {
        if (sealed) {
            throw new ScriptErrors.UnpositionedError(READONLY);
        }
    }

    @Override
    public void set(int key, LuaValue value) {
        checkAssign();
        super.set(key, value);
    }

    @Override
    public void set(LuaValue key, LuaValue value) {
        checkAssign();
        super.set(key, value);
    }

    @Override
    public void rawset(int key, LuaValue value) {
        checkLibraryChange();
        super.rawset(key, value);
    }

    @Override
    public void rawset(LuaValue key, LuaValue value) {
        checkLibraryChange();
        super.rawset(key, value);
    }

    @Override
    public LuaValue setmetatable(LuaValue metatable) {
        checkLibraryChange();
        return super.setmetatable(metatable);
    }

    @Override
    public LuaValue remove(int pos) {
        checkLibraryChange();
        return super.remove(pos);
    }

    @Override
    public void insert(int pos, LuaValue value) {
        checkLibraryChange();
        super.insert(pos, value);
    }

    @Override
    public void sort(LuaValue comparator) {
        checkLibraryChange();
        super.sort(comparator);
    }
}
