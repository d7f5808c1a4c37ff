// A protocol that feeds a StreamReader (asyncio's StreamReaderProtocol for a read-only pipe):
// the host's own chunks are kept by the reader as they are, other bytes land in a shared scratch
// buffer and are appended to the reader in one copy; EOF ends the
// reader and closes the transport (which closes the fd); an error fails the reader. The reader
// asks the transport to pause and resume reading as its buffer fills and drains. `onLost` hears
// the transport's end (EOF, error or close), once.

import type { Transport } from "../transports/transport.js";
import type { StreamReader } from "../streams/stream-reader.js";

const CHUNK = 64 * 1024;
let scratch: Uint8Array | null = null; // shared: bufferUpdated copies out of it at once

export class ReaderProtocol {
  /** Called once when the pipe's transport is lost. */
  onLost: (() => void) | null = null;
  constructor(private readonly reader: StreamReader) {}

  connectionMade(transport: Transport): void {
    this.reader._transport = transport;
  }

  getBuffer(_sizeHint: number): Uint8Array {
    return (scratch ??= new Uint8Array(CHUNK));
  }

  bufferUpdated(n: number): void {
    this.reader._feed(scratch!, n);
  }

  /** @internal An array the transport hands over for good (the host's own chunk): kept as it is. */
  _dataOwned(data: Uint8Array): void {
    this.reader._feedOwned(data);
  }

  eofReceived(): boolean {
    this.reader.feedEof();
    return false;
  }

  connectionLost(exc: unknown): void {
    if (exc === null) this.reader.feedEof();
    else this.reader.setException(exc);
    const lost = this.onLost;
    this.onLost = null;
    lost?.();
  }
}
