// asyncio's transport interfaces as abstract classes, so `t instanceof ReadTransport` works. asyncio
// mixes ReadTransport and WriteTransport into Transport; with single inheritance the chain here is
// BaseTransport ← ReadTransport ← WriteTransport ← Transport (every transport wasio makes for a
// stream reads and writes), and DatagramTransport extends BaseTransport.

/** What every transport has. */
export abstract class BaseTransport {
  /** Extra information ("peername", "sockname", "peercert"…), `dflt` when unknown. */
  abstract getExtraInfo(name: string, dflt?: unknown): unknown;
  abstract isClosing(): boolean;
  /** Closes once buffered data is sent; the protocol's connectionLost follows. */
  abstract close(): void;
  abstract getProtocol(): unknown;
  abstract setProtocol(protocol: never): void;
}

/** A transport that receives. */
export abstract class ReadTransport extends BaseTransport {
  abstract isReading(): boolean;
  abstract pauseReading(): void;
  abstract resumeReading(): void;
}

/** A transport that sends. */
export abstract class WriteTransport extends ReadTransport {
  abstract write(data: Uint8Array | string): void;
  abstract writelines(chunks: Iterable<Uint8Array | string>): void;
  abstract writeEof(): void;
  abstract canWriteEof(): boolean;
  abstract abort(): void;
  abstract getWriteBufferSize(): number;
  abstract getWriteBufferLimits(): [number, number];
  abstract setWriteBufferLimits(high?: number, low?: number): void;
}
