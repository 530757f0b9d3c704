package io.cinnabar.scripting;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaValue;

/**
 * The globals table scripts see, sealed like a {@link ReadOnlyTable}. It has to be luaj's
 * Globals itself: luaj runs its instruction hook (SCRIPT KILL) only in functions whose
 * environment is a Globals.
 */
final class SandboxGlobals extends Globals {
    private boolean sealed;

    void seal() {
        sealed = true;
    }

    boolean sealed() {
        return sealed;
    }

    /** Sets KEYS and ARGV for the next script. */
    void rawsetUnsealed(String key, LuaValue value) {
        super.rawset(LuaValue.valueOf(key), value);
    }

    @Override
    public void set(int key, LuaValue value) {
        ReadOnlyTable.checkAssign(sealed);
        super.set(key, value);
    }

    @Override
    public void set(LuaValue key, LuaValue value) {
        ReadOnlyTable.checkAssign(sealed);
        super.set(key, value);
    }

    @Override
    public void rawset(int key, LuaValue value) {
        ReadOnlyTable.checkLibraryChange(sealed);
        super.rawset(key, value);
    }

    @Override
    public void rawset(LuaValue key, LuaValue value) {
        ReadOnlyTable.checkLibraryChange(sealed);
        super.rawset(key, value);
    }

    @Override
    public LuaValue setmetatable(LuaValue metatable) {
        ReadOnlyTable.checkLibraryChange(sealed);
        return super.setmetatable(metatable);
    }

    @Override
    public LuaValue remove(int pos) {
        ReadOnlyTable.checkLibraryChange(sealed);
        return super.remove(pos);
    }

    @Override
    public void insert(int pos, LuaValue value) {
        ReadOnlyTable.checkLibraryChange(sealed);
        super.insert(pos, value);
    }

    @Override
    public void sort(LuaValue comparator) {
        ReadOnlyTable.checkLibraryChange(sealed);
        super.sort(comparator);
    }
}
