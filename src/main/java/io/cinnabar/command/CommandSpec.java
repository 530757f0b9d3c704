package io.cinnabar.command;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One command's metadata, loaded from resources/commands/*.json, plus its handler once a family
 * binds it. A spec without a handler is a Redis command we do not implement yet.
 */
public final class CommandSpec {
    public final String name;              // "get", or "config|get" for a subcommand
    public final String displayName;       // "get", or "config get"
    final byte[] lookupName;               // lowercase bytes of the last path element
    public final int arity;
    public final int flags;
    public final List<String> flagNames;
    public final int firstKey;
    public final int lastKey;
    public final int step;
    public final List<String> aclCategories;
    public final List<String> tips;
    public final List<Object> keySpecs;
    public final String group;
    public final String since;
    public final String complexity;
    public final String summary;
    public final List<String> docFlags;
    public final String deprecatedSince;
    public final String replacedBy;
    public final List<Object> arguments;
    public final CommandSpec parent;
    private CommandSpec[] subcommands = new CommandSpec[0];
    private final Map<String, CommandSpec> subcommandsByName = new java.util.LinkedHashMap<>();

    CommandHandler handler;

    /**
     * Set by the scripting module on EVAL, FCALL and their variants: such a command runs in a
     * task of the data thread, from where a busy script can answer other clients.
     */
    public boolean runsScripts;
    /**
     * True for EXEC, scripts and functions: what they ran propagates, never the command itself
     * (Redis 7.0 replicates scripts by their effects).
     */
    public boolean propagatesByEffects;

    /** Compiled key specs, built on first use by {@link KeyExtractor}. */
    KeyExtractor.Plan keyPlan;

    // statistics for INFO commandstats
    public long calls;
    public long micros;
    public long rejectedCalls;
    public long failedCalls;
    /**
     * INFO latencystats' histogram of this command (kept here as Redis keeps it in its command
     * struct: a per-command map lookup cost more than the recording); owned by LatencyStats.
     */
    public Object latencyHistogram;

    CommandSpec(Map<String, Object> json, CommandSpec parent) {
        this.parent = parent;
        this.name = (String) json.get("name");
        this.displayName = name.replace('|', ' ');
        String last = name.substring(name.lastIndexOf('|') + 1);
        this.lookupName = last.getBytes(StandardCharsets.US_ASCII);
        this.arity = ((Long) json.get("arity")).intValue();
        this.flagNames = strings(json.get("flags"));
        int f = 0;
        for (String n : flagNames) {
            f |= CommandFlag.byWireName(n).bit;
        }
        this.flags = f;
        this.firstKey = ((Long) json.get("first_key")).intValue();
        this.lastKey = ((Long) json.get("last_key")).intValue();
        this.step = ((Long) json.get("step")).intValue();
        this.aclCategories = strings(json.get("acl_categories"));
        this.tips = strings(json.get("tips"));
        this.keySpecs = list(json.get("key_specs"));
        this.group = (String) json.get("group");
        this.since = (String) json.get("since");
        this.complexity = (String) json.get("complexity");
        this.summary = (String) json.get("summary");
        this.docFlags = strings(json.get("doc_flags"));
        this.deprecatedSince = (String) json.get("deprecated_since");
        this.replacedBy = (String) json.get("replaced_by");
        this.arguments = list(json.get("arguments"));
    }

    void setSubcommands(List<CommandSpec> subs) {
        subcommands = subs.toArray(new CommandSpec[0]);
        for (CommandSpec s : subs) {
            subcommandsByName.put(s.name.substring(s.name.indexOf('|') + 1), s);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object o) {
        return o == null ? Collections.emptyList() : Collections.unmodifiableList((List<String>) o);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return o == null ? Collections.emptyList() : Collections.unmodifiableList((List<Object>) o);
    }

    /**
     * True for a command Redis added after 7.0 that we support anyway (CLIENT SETINFO, CLIENT
     * NO-TOUCH), because clients send it; its metadata comes from the release that added it.
     */
    public boolean isExtension() {
        return since != null && !since.startsWith("1.") && !since.startsWith("2.") && since.compareTo("7.1") >= 0;
    }

    public boolean has(CommandFlag flag) {
        return (flags & flag.bit) != 0;
    }

    public boolean implemented() {
        return handler != null || (subcommands.length > 0 && anySubImplemented());
    }

    private boolean anySubImplemented() {
        for (CommandSpec s : subcommands) {
            if (s.handler != null) {
                return true;
            }
        }
        return false;
    }

    public CommandHandler handler() {
        return handler;
    }

    public boolean hasSubcommands() {
        return subcommands.length > 0;
    }

    public CommandSpec[] subcommands() {
        return subcommands.clone();
    }

    /** Finds a subcommand by its name bytes, case-insensitively; null if none. */
    public CommandSpec subcommand(byte[] name) {
        for (CommandSpec s : subcommands) {
            if (CommandTable.equalsIgnoreCase(s.lookupName, name)) {
                return s;
            }
        }
        return null;
    }

    public CommandSpec subcommand(String name) {
        return subcommandsByName.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    /** True if argc satisfies the arity (positive: exact; negative: at least). */
    public boolean arityAccepts(int argc) {
        return arity > 0 ? argc == arity : argc >= -arity;
    }

    public void resetStats() {
        calls = 0;
        micros = 0;
        rejectedCalls = 0;
        failedCalls = 0;
    }

    @Override
    public String toString() {
        return name;
    }
}
