package io.cinnabar.testing;

/**
 * Several connections to one server, each speaking the protocol asked for, with their client ids:
 * the shape of a multi-connection scenario (pub/sub, tracking) run against Redis and Cinnabar.
 */
public final class ConnectionSet implements AutoCloseable {
    public final RespClient[] conns;
    public final long[] ids;

    public ConnectionSet(int port, int... protocols) {
        conns = new RespClient[protocols.length];
        ids = new long[protocols.length];
        for (int i = 0; i < protocols.length; i++) {
            conns[i] = new RespClient("127.0.0.1", port);
            if (protocols[i] == 3) {
                conns[i].call("HELLO", "3");
            }
            ids[i] = (Long) conns[i].call("CLIENT", "ID").value;
        }
    }

    @Override
    public void close() {
        for (RespClient c : conns) {
            c.close();
        }
    }
}
