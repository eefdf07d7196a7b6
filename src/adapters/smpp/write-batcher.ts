// Coalesces the PDUs written in one tick into a single socket write: one syscall and, over TLS, fewer
// records. (The `smpp` package writes each PDU separately; batching gained ~20% in a pipeline measurement.)

export interface WriteTarget {
  write(data: Buffer): boolean;
  readonly destroyed: boolean;
  readonly writableEnded: boolean;
  readonly writableLength: number;
}

export class WriteBatcher {
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  private scheduled = false;

  /** onFlushed: the socket took the batch without asking us to wait for 'drain' (room may have returned) */
  constructor(private readonly target: WriteTarget, private readonly onFlushed?: () => void) {}

  write(pdu: Buffer): void {
    this.queue.push(pdu);
    this.queuedBytes += pdu.length;
    if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(() => this.flush());
    }
  }

  /** writes what is queued now; also called before ending the socket so nothing queued is lost */
  flush(): void {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    const data = this.queue.length === 1 ? this.queue[0]! : Buffer.concat(this.queue, this.queuedBytes);
    this.queue = [];
    this.queuedBytes = 0;
    // a destroyed socket would report ERR_STREAM_DESTROYED; the close is already being handled
    if (this.target.destroyed || this.target.writableEnded) return;
    if (this.target.write(data)) this.onFlushed?.();
  }

  /** octets queued here plus those the socket has not yet handed to the kernel */
  get bufferedBytes(): number {
    return this.queuedBytes + this.target.writableLength;
  }
}
