package io.cinnabar.commands;

import io.cinnabar.server.Server;

/** Installs every command family's handlers into the server's command table. */
public final class Families {
    private Families() {}

    public static void install(Server server) {
        ConnectionCommands.install(server);
        ClientCommands.install(server);
        TrackingCommands.install(server);
        ServerCommands.install(server);
        CommandCommands.install(server);
        KeyCommands.install(server);
        StringCommands.install(server);
        ListCommands.install(server);
        HashCommands.install(server);
        BitmapCommands.install(server);
        HyperLogLogCommands.install(server);
        TransactionCommands.install(server);
        SetCommands.install(server);
        ScriptingCommands.install(server);
        FunctionCommands.install(server);
        ZSetCommands.install(server);
        PubSubCommands.install(server);
        SortCommand.install(server);
        StreamCommands.install(server);
        GeoCommands.install(server);
        DumpCommands.install(server);
        MigrateCommand.install(server);
        LatencyCommands.install(server);
        MemoryCommands.install(server);
    }
}
