package io.cinnabar.command;

/** The logic of one command; arity, flags and access were checked before it runs. */
@FunctionalInterface
public interface CommandHandler {
    void execute(CommandContext ctx);
}
