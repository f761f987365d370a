import net from 'node:net';

/**
 * A TCP proxy the test can cut and restore, to make Redis or PostgreSQL go away mid-run without
 * touching the real server other tests use. The two halves of a connection live and die together:
 * when the server side closes or fails (e.g. PostgreSQL terminated the backend), the client side
 * is destroyed too, as it would be without a proxy in between.
 */
export class TcpProxy {
  private server: net.Server | null = null;
  private sockets = new Set<net.Socket>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(port = 0): Promise<number> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.targetHost);
      const pair = [client, upstream];
      const closeBoth = () => pair.forEach((s) => s.destroy());
      for (const s of pair) {
        this.sockets.add(s);
        s.on('close', () => {
          this.sockets.delete(s);
          closeBoth();
        });
        s.on('error', closeBoth);
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', resolve);
    });
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  /** Drops every connection and stops accepting new ones. */
  async cut(): Promise<void> {
    for (const s of this.sockets) {
      s.destroy();
    }
    this.sockets.clear();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
    this.server = null;
  }

  /** Accepts connections again on the same port. */
  async restore(): Promise<void> {
    if (this.server) {
      return;
    }
    await this.start(this.port);
  }
}
