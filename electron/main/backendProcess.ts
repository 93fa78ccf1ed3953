import { MessageChannelMain, utilityProcess, type UtilityProcess, type WebContents } from 'electron';

/** IPC channel names between main and preload (main ↔ backend use MessagePorts only). */
export const portChannels = { request: 'concordat:connect', deliver: 'concordat:port' } as const;

/**
 * Runs the backend in a utility process and hands each window its own MessagePort to it.
 * Main never runs SQL. If the backend dies it is restarted and every window is reconnected.
 */
export class BackendProcess {
  private child: UtilityProcess | undefined;
  private readonly windows = new Set<WebContents>();
  private stopping = false;
  private restarts: number[] = [];

  constructor(
    private readonly hostScript: string,
    private readonly dataDir: string,
    /** The workstation key's secret (from safeStorage), sent to the backend first, in memory only. */
    private readonly keySecret: () => Buffer | null = () => null,
  ) {}

  start(): void {
    this.child = utilityProcess.fork(this.hostScript, [`--data-dir=${this.dataDir}`], {
      serviceName: 'Concordat backend',
      stdio: 'inherit',
    });
    const secret = this.keySecret();
    this.child.postMessage({ type: 'init', keySecret: secret ? secret.toString('base64') : null });
    this.child.on('exit', (code) => {
      this.child = undefined;
      if (this.stopping) return;
      // Restart, but not in a tight loop: more than 3 crashes a minute means something is broken.
      const now = Date.now();
      this.restarts = this.restarts.filter((t) => now - t < 60_000);
      if (this.restarts.length >= 3) {
        console.error(`The Concordat backend keeps stopping (exit code ${code}); not restarting it.`);
        return;
      }
      this.restarts.push(now);
      console.error(`The Concordat backend stopped (exit code ${code}); restarting it.`);
      this.start();
      for (const contents of this.windows) this.connect(contents);
    });
  }

  /** Creates a channel and gives one end to the backend, the other to the window's preload. */
  connect(contents: WebContents): void {
    if (!this.child) return;
    const { port1, port2 } = new MessageChannelMain();
    this.child.postMessage({ type: 'connect' }, [port1]);
    contents.postMessage(portChannels.deliver, null, [port2]);
    if (!this.windows.has(contents)) {
      this.windows.add(contents);
      contents.once('destroyed', () => this.windows.delete(contents));
    }
  }

  stop(): void {
    this.stopping = true;
    this.child?.kill();
  }
}
