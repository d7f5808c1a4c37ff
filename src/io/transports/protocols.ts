// Protocols: asyncio's callback interfaces for transports. A protocol object is made by the
// factory given to createConnection/createServer/createDatagramEndpoint; its transport calls it:
//
//   connectionMade(transport) → dataReceived(data)* → eofReceived()? → connectionLost(exc)
//
// connectionMade is called once, first; connectionLost once, last (exc is null after a normal
// close or EOF, the error otherwise). pauseWriting/resumeWriting bracket the time the
// transport's write buffer is over its high-water mark. The methods here do nothing: subclass
// and override what you need (a plain object with these methods works as well).

import type { Transport } from "./transport.js";
import type { DatagramTransport } from "./datagram-transport.js";

/** The callbacks every protocol has. */
export class BaseProtocol {
  /** The connection is up; `transport` is how to write to it. */
  connectionMade(_transport: any): void {}
  /** The connection is gone: `exc` null after a normal close or EOF, the error otherwise. */
  connectionLost(_exc: unknown): void {}
  /** The transport's write buffer went over its high-water mark: stop writing for now. */
  pauseWriting(): void {}
  /** The write buffer is back down to its low-water mark. */
  resumeWriting(): void {}
}

/** A stream protocol: bytes arrive through dataReceived. */
export class Protocol extends BaseProtocol {
  override connectionMade(_transport: Transport): void {}
  /** Bytes arrived (a fresh array the protocol may keep). */
  dataReceived(_data: Uint8Array): void {}
  /**
   * The peer closed its write side. Return true to keep the transport open (half-closed, writes
   * still allowed); anything else closes it.
   */
  eofReceived(): boolean | void {}
}

/**
 * A stream protocol that supplies its own receive buffer: the transport reads straight into
 * `getBuffer(sizeHint)` and reports how many bytes landed with `bufferUpdated(n)` (no copy).
 */
export class BufferedProtocol extends BaseProtocol {
  override connectionMade(_transport: Transport): void {}
  /** A non-empty buffer to receive into; `sizeHint` is how much the transport would like (-1: any). */
  getBuffer(_sizeHint: number): Uint8Array {
    throw new Error("BufferedProtocol.getBuffer() must be overridden");
  }
  /** `nbytes` bytes were written at the start of the buffer getBuffer returned. */
  bufferUpdated(_nbytes: number): void {}
  eofReceived(): boolean | void {}
}

/** A datagram protocol (UDP). */
export class DatagramProtocol extends BaseProtocol {
  override connectionMade(_transport: DatagramTransport): void {}
  /** A datagram arrived from `addr` ([host, port]). */
  datagramReceived(_data: Uint8Array, _addr: [string, number]): void {}
  /** A send or receive failed (ECONNREFUSED after an ICMP port-unreachable, …); the endpoint stays open. */
  errorReceived(_exc: Error): void {}
}

/** What a stream transport needs of its protocol (Protocol or BufferedProtocol shaped). */
export interface StreamProtocolLike {
  connectionMade(transport: Transport): void;
  connectionLost(exc: unknown): void;
  pauseWriting?(): void;
  resumeWriting?(): void;
  dataReceived?(data: Uint8Array): void;
  getBuffer?(sizeHint: number): Uint8Array;
  bufferUpdated?(nbytes: number): void;
  eofReceived?(): boolean | void;
  /**
   * @internal The library's own protocols: bytes in an array handed over for good (nobody else
   * holds it), taken in preference to getBuffer when the host can hand its chunks over.
   */
  _dataOwned?(data: Uint8Array): void;
}

/** Checks a protocol factory argument: a function. */
export function checkProtocolFactory(factory: unknown): void {
  if (typeof factory !== "function")
    throw new TypeError(
      `protocolFactory must be a function returning a protocol, got ${factory === null ? "null" : typeof factory}`,
    );
}

/** Calls the factory and checks that it returned an object with the stream protocol callbacks. */
export function makeStreamProtocol<P>(factory: () => P): P & StreamProtocolLike {
  const p = factory() as P & StreamProtocolLike;
  if (p === null || typeof p !== "object" || typeof p.connectionMade !== "function") {
    throw new TypeError(
      `protocolFactory must return a protocol object (with connectionMade), got ${p === null ? "null" : typeof p}`,
    );
  }
  if (typeof p.getBuffer !== "function" && typeof p.dataReceived !== "function") {
    throw new TypeError(
      "the protocol needs dataReceived() (a Protocol) or getBuffer()/bufferUpdated() (a BufferedProtocol)",
    );
  }
  return p;
}
