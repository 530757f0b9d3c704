package io.cinnabar.config;

/** A rejected configuration value; the message is the reason Redis would give. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
