package io.cinnabar.server;

import io.cinnabar.config.Config;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty side: event loops, listeners (TCP and unix socket) and the per-connection pipeline
 * of {@link RespDecoder} then {@link ClientHandler}. With io-threads 1 the one event loop is
 * also the data thread (Redis's classic model); with more, a separate thread owns the data.
 */
public final class Network {
    private static final Logger log = LoggerFactory.getLogger(Network.class);

    private final Server server;
    private final Config config;
    private EventLoopGroup ioGroup;
    private EventLoopGroup acceptGroup;
    private DataEventLoop separateDataThread;
    private final List<Channel> listeners = new ArrayList<>();
    private List<Channel> tcpListeners = new ArrayList<>();
    private boolean epoll;

    public Network(Server server) {
        this.server = server;
        this.config = server.config();
    }

    public boolean usesEpoll() {
        return epoll;
    }

    /** Starts the event loops and binds every configured address; throws if none can be bound. */
    public void start() throws Exception {
        epoll = Epoll.isAvailable() && !Boolean.getBoolean("cinnabar.nio");
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        int ioThreads = config.ioThreads.intValue();
        if (ioThreads == 1) {
            // The one loop also runs commands, so it is one a busy script can re-enter.
            ioGroup = new MultiThreadIoEventLoopGroup(1, new DataThreadFactory("cinnabar-io"), factory) {
                @Override
                protected IoEventLoop newChild(Executor executor, IoHandlerFactory ioHandlerFactory, Object... args) {
                    return new InlineIoEventLoop(this, executor, ioHandlerFactory);
                }
            };
        } else {
            ioGroup = new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory("cinnabar-io"), factory);
        }
        // Listeners live on their own loop, so the data thread can wait for a rebind (CONFIG SET
        // port/bind) without waiting on itself.
        acceptGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("cinnabar-accept"), factory);
        EventExecutor data;
        if (ioThreads == 1) {
            data = ioGroup.next();
        } else {
            separateDataThread = new DataEventLoop(new DataThreadFactory("cinnabar-data"));
            data = separateDataThread;
        }
        server.start(data);

        if (config.port.value() != 0 || config.unixsocket.value().isEmpty()) {
            tcpListeners = bindTcp();
            listeners.addAll(tcpListeners);
            if (config.port.value() == 0) {
                config.port.set(Integer.toString(port())); // an ephemeral port, as bound
            }
        }
        config.port.onApply(p -> rebindTcp("Unable to listen on this port. Check server logs."));
        config.bind.onApply(p -> rebindTcp("Failed to bind to specified addresses."));
        if (!config.unixsocket.value().isEmpty()) {
            bindUnix(config.unixsocket.value());
        }
    }

    private ServerBootstrap bootstrap(Class<? extends ServerChannel> channelClass) {
        ServerBootstrap b = new ServerBootstrap()
                .group(acceptGroup, ioGroup)
                .channel(channelClass)
                .option(ChannelOption.SO_BACKLOG, config.tcpBacklog.intValue())
                // Reads of 64 KiB into one buffer per loop (Redis reads 16 KiB into a static one):
                // a guess sized to one pipeline would take an extra read when two arrive together.
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new ReusedReadBuffer())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast("resp-decoder", new RespDecoder(server));
                        ch.pipeline().addLast("client", new ClientHandler(server));
                    }
                });
        return b;
    }

    /** CONFIG SET port/bind: listen on the new addresses, then stop listening on the old ones. */
    private void rebindTcp(String failure) throws io.cinnabar.config.ConfigException {
        List<Channel> fresh;
        try {
            fresh = bindTcp();
        } catch (Exception e) {
            log.warn("{} ({})", failure, e.getMessage());
            throw new io.cinnabar.config.ConfigException(failure);
        }
        for (Channel ch : tcpListeners) {
            ch.close();
            listeners.remove(ch);
        }
        tcpListeners = fresh;
        listeners.addAll(fresh);
    }

    private List<Channel> bindTcp() throws Exception {
        List<Channel> bound = new ArrayList<>();
        ServerBootstrap b = bootstrap(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true);
        long keepalive = config.tcpKeepalive.value();
        if (keepalive > 0) {
            b.childOption(ChannelOption.SO_KEEPALIVE, true);
            if (epoll) {
                b.childOption(EpollChannelOption.TCP_KEEPIDLE, (int) keepalive);
                b.childOption(EpollChannelOption.TCP_KEEPINTVL, (int) Math.max(1, keepalive / 3));
                b.childOption(EpollChannelOption.TCP_KEEPCNT, 3);
            }
        }
        int port = config.port.intValue();
        List<String> addresses = new ArrayList<>();
        boolean anyOptional = false;
        for (String a : config.bind.words()) {
            boolean optional = a.startsWith("-");
            anyOptional |= optional;
            addresses.add(a);
        }
        if (addresses.isEmpty()) {
            addresses.add("*");
        }
        for (String a : addresses) {
            boolean optional = a.startsWith("-");
            String host = optional ? a.substring(1) : a;
            InetSocketAddress addr = host.equals("*") ? new InetSocketAddress(port)
                    : host.equals("::*") ? new InetSocketAddress("::", port)
                    : new InetSocketAddress(host, port);
            if (host.equals("::*") && !bound.isEmpty() && addresses.contains("*")) {
                continue; // the wildcard bind already covers IPv6 on a dual-stack socket
            }
            try {
                Channel ch = b.bind(addr).sync().channel();
                bound.add(ch);
                if (port == 0) {
                    port = ((InetSocketAddress) ch.localAddress()).getPort();
                    b = b.clone();
                }
            } catch (Exception e) {
                if (optional) {
                    log.debug("Optional bind {} failed: {}", a, e.getMessage());
                    continue;
                }
                for (Channel ch : bound) {
                    ch.close();
                }
                throw new java.io.IOException("Could not create server TCP listening socket " + host + ":" + port + ": " + e.getMessage(), e);
            }
        }
        if (bound.isEmpty() && !anyOptional) {
            throw new java.io.IOException("Failed listening on port " + port + " (tcp), aborting.");
        }
        return bound;
    }


    private void bindUnix(String path) throws Exception {
        if (!epoll) {
            log.warn("unixsocket {} needs native epoll, which did not load; not listening on it", path);
            return;
        }
        new File(path).delete();
        Channel ch = bootstrap(EpollServerDomainSocketChannel.class).bind(new DomainSocketAddress(path)).sync().channel();
        listeners.add(ch);
        int perm = config.unixsocketperm.intValue();
        if (perm != 0) {
            Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
            PosixFilePermission[] order = {
                PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
            };
            for (int i = 0; i < order.length; i++) {
                if ((perm & (1 << i)) != 0) {
                    perms.add(order[i]);
                }
            }
            Files.setPosixFilePermissions(new File(path).toPath(), perms);
        }
    }

    /** The TCP port actually bound (useful with port 0). */
    public int port() {
        for (Channel ch : listeners) {
            if (ch.localAddress() instanceof InetSocketAddress) {
                return ((InetSocketAddress) ch.localAddress()).getPort();
            }
        }
        return -1;
    }

    /** Closes listeners and connections and stops the threads; waits briefly for them. */
    public void stop() {
        for (Channel ch : listeners) {
            ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        if (server.dataThread() != null) {
            server.dataThread().submit(server::stop).awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        if (ioGroup != null) {
            ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (acceptGroup != null) {
            acceptGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (separateDataThread != null) {
            separateDataThread.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (!config.unixsocket.value().isEmpty()) {
            new File(config.unixsocket.value()).delete();
        }
    }
}
