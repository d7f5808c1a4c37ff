// The protocol loop.sendfile puts on a transport while it writes a file (asyncio's
// _SendfileFallbackProtocol): reading is paused, the transport's pauseWriting/resumeWriting come
// here so that drain() can wait for the write buffer to go down, and restore() gives the
// transport back to its protocol (resuming reading, and writing if it was paused). Data or EOF
// arriving meanwhile is a state error; a lost connection fails a pending drain and is passed on.

import type { Coroutine } from "../../tasks/coroutine.js";
import { Future } from "../../tasks/future.js";
import type { StreamProtocolLike } from "../transports/protocols.js";
import type { Transport } from "../transports/transport.js";
import type { EventLoop } from "../../loop/event-loop.js";

export class SendfileFallbackProtocol {
  private readonly proto: StreamProtocolLike;
  private readonly wasReading: boolean;
  private readonly wasPaused: boolean;
  private writeReady: Future<boolean> | null = null;

  constructor(
    private readonly loop: EventLoop,
    private readonly transport: Transport,
  ) {
    this.proto = transport.getProtocol();
    this.wasReading = transport.isReading();
    // over the high-water mark the transport has paused its protocol and will resume it
    this.wasPaused = transport.getWriteBufferSize() > transport.getWriteBufferLimits()[1];
    transport.pauseReading();
    transport.setProtocol(this as unknown as StreamProtocolLike);
    if (this.wasPaused) this.writeReady = new Future<boolean>(loop);
  }

  /** Waits until the transport takes more (its buffer is below the low-water mark). */
  *drain(): Coroutine<void> {
    if (this.transport.isClosing()) throw Object.assign(new Error("Connection closed by peer"), { code: "ECONNRESET" });
    const w = this.writeReady;
    if (w !== null) yield* w;
  }

  connectionMade(): void {
    throw new Error("Invalid state: connection should have been established already.");
  }

  connectionLost(exc: unknown): void {
    const w = this.writeReady;
    if (w !== null && !w.done())
      w.setException(exc ?? Object.assign(new Error("Connection is closed by peer"), { code: "ECONNRESET" }));
    this.proto.connectionLost?.(exc);
  }

  pauseWriting(): void {
    if (this.writeReady === null) this.writeReady = new Future<boolean>(this.loop);
  }

  resumeWriting(): void {
    const w = this.writeReady;
    if (w === null) return;
    this.writeReady = null;
    if (!w.done()) w.setResult(false);
  }

  dataReceived(): void {
    throw new Error("Invalid state: reading should be paused");
  }

  eofReceived(): boolean {
    throw new Error("Invalid state: reading should be paused");
  }

  /** Gives the transport back to its protocol. */
  restore(): void {
    this.transport.setProtocol(this.proto);
    if (this.wasReading) this.transport.resumeReading();
    const w = this.writeReady;
    if (w !== null && !w.done()) w.cancel();
    if (this.wasPaused) this.proto.resumeWriting?.();
  }
}
