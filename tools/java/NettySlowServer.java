// NettySlowServer: the slow-handler server of tools/go/slowserver, on
// Netty (Debian's libnetty-java) -- its native epoll transport
// (edge-triggered; Netty keeps the readiness in user space) or its NIO
// transport (the JDK's epoll selector, level-triggered).
//
// Each connection carries messages of --size bytes.  Reads are --head
// bytes each (a fixed receive buffer) and only on request (auto-read off):
// for each message the server reads the first --head bytes, works for
// --work-ms (a timer: the event loop goes on serving other connections),
// then reads the rest -- queued long before, so without a new edge -- and
// echoes the whole message.  The connection ends at the client's EOF.
//
// On SIGTERM (a shutdown hook; the JVM then exits 143) it prints
//
//	served conns=N msgs=N bytes_in=N bytes_out=N digest=HEX
//
// digest: the SHA-256 of the sorted hex SHA-256s of the messages, one a
// line, as the Go and tokio servers print it.
//
// usage: NettySlowServer --check
//        NettySlowServer --transport epoll|nio --addr HOST:PORT
//                        [--head N] [--size N] [--work-ms N]
// --check prints whether the native epoll transport can load, and why not,
// and exits 0 if it can, 3 if not.
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

public class NettySlowServer {
	static int head = 10, size = 100, workMs = 1500;
	static final Object lock = new Object();
	static int conns, msgs;
	static long bytesIn, bytesOut;
	static final List<String> sums = new ArrayList<>();

	static String sha256(byte[] b) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
		} catch (Exception e) {
			throw new RuntimeException(e);
		}
	}

	static String report() {
		synchronized (lock) {
			List<String> s = new ArrayList<>(sums);
			Collections.sort(s);
			return String.format("served conns=%d msgs=%d bytes_in=%d bytes_out=%d digest=%s",
					conns, msgs, bytesIn, bytesOut, sha256(String.join("\n", s).getBytes()));
		}
	}

	/* One connection: a message in the making, and whether its work is done. */
	static class Slow extends ChannelInboundHandlerAdapter {
		final ByteBuf msg = Unpooled.buffer(size);
		boolean worked;

		@Override
		public void channelActive(ChannelHandlerContext ctx) {
			ctx.read();
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object o) {
			ByteBuf in = (ByteBuf) o;
			while (in.isReadable()) {
				int n = Math.min(in.readableBytes(), size - msg.readableBytes());
				msg.writeBytes(in, n);
				if (msg.readableBytes() == size) {
					byte[] b = new byte[size];
					msg.readBytes(b);
					msg.clear();
					worked = false;
					synchronized (lock) {
						msgs++;
						bytesIn += size;
						sums.add(sha256(b));
					}
					ctx.writeAndFlush(Unpooled.wrappedBuffer(b)).addListener(f -> {
						if (f.isSuccess()) {
							synchronized (lock) {
								bytesOut += size;
							}
						}
					});
				}
			}
			in.release();
		}

		@Override
		public void channelReadComplete(ChannelHandlerContext ctx) {
			if (msg.readableBytes() >= head && !worked) {
				// The head is in: work, then read the rest.
				worked = true;
				ctx.executor().schedule(() -> {
					ctx.read();
				}, workMs, TimeUnit.MILLISECONDS);
			} else {
				ctx.read();
			}
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			synchronized (lock) {
				conns++;
			}
			msg.release();
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable e) {
			System.err.println("NettySlowServer: " + e);
			ctx.close();
		}
	}

	public static void main(String[] args) throws Exception {
		String transport = "epoll", addr = "127.0.0.1:0";
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
			case "--check":
				if (Epoll.isAvailable()) {
					System.out.println("netty native epoll: available");
					System.exit(0);
				}
				System.out.print("netty native epoll: unavailable:");
				for (Throwable t = Epoll.unavailabilityCause(); t != null; t = t.getCause())
					System.out.print(" " + t);
				System.out.println();
				System.exit(3);
			case "--transport": transport = args[++i]; break;
			case "--addr": addr = args[++i]; break;
			case "--head": head = Integer.parseInt(args[++i]); break;
			case "--size": size = Integer.parseInt(args[++i]); break;
			case "--work-ms": workMs = Integer.parseInt(args[++i]); break;
			default:
				System.err.println("NettySlowServer: unknown argument " + args[i]);
				System.exit(2);
			}
		}
		EventLoopGroup boss, workers;
		Class<? extends ServerChannel> server;
		if (transport.equals("epoll")) {
			Epoll.ensureAvailability();
			boss = new EpollEventLoopGroup(1);
			workers = new EpollEventLoopGroup(2);
			server = EpollServerSocketChannel.class;
		} else if (transport.equals("nio")) {
			boss = new NioEventLoopGroup(1);
			workers = new NioEventLoopGroup(2);
			server = NioServerSocketChannel.class;
		} else {
			System.err.println("NettySlowServer: --transport epoll or nio");
			System.exit(2);
			return;
		}
		Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println(report())));
		int colon = addr.lastIndexOf(':');
		Channel ch = new ServerBootstrap().group(boss, workers).channel(server)
				.childOption(ChannelOption.AUTO_READ, false)
				.childOption(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(head))
				.childHandler(new ChannelInitializer<SocketChannel>() {
					@Override
					protected void initChannel(SocketChannel c) {
						c.pipeline().addLast(new Slow());
					}
				})
				.bind(addr.substring(0, colon), Integer.parseInt(addr.substring(colon + 1)))
				.sync().channel();
		ch.closeFuture().sync();
	}
}
