package io.cinnabar.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * INFO's deterministic counters after some commands, for comparing with redis-server: what
 * errorstats, total_error_replies and commandstats (calls, rejected_calls, failed_calls, without
 * times) say after CONFIG RESETSTAT and the commands, preceded by the commands' replies.
 */
public final class CommandCounters {
    private CommandCounters() {}

    public static List<String> after(RespClient client, String[]... commands) {
        client.call("CONFIG", "RESETSTAT");
        List<String> seen = new ArrayList<>();
        for (String[] command : commands) {
            seen.add(client.call(command).text());
        }
        List<String> counters = new ArrayList<>();
        for (String line : client.call("INFO", "everything").text().split("\r\n")) {
            if (line.startsWith("total_error_replies:") || line.startsWith("errorstat_")) {
                counters.add(line);
            } else if (line.startsWith("cmdstat_") && !line.startsWith("cmdstat_config|resetstat:")) {
                counters.add(line.replaceFirst("usec=\\d+,usec_per_call=[\\d.]+,", ""));
            }
        }
        counters.sort(null);
        seen.addAll(counters);
        return seen;
    }
}
