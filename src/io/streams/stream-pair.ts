// streamPair: a connected fd of the host as a (StreamReader, StreamWriter) pair — a Transport
// driving a StreamReaderProtocol, started at once so the reader is fed from the first readable
// event. What openConnection, startServer, the Unix and TLS variants build on each connection.

import type { SocketHostApi } from "../../hosts/socket-api.js";
import type { EventLoop } from "../../loop/event-loop.js";
import { keepLatest } from "../../keep-latest.js";
import { START_NOW, Transport, type ExtraInfo } from "../transports/transport.js";
import { StreamReaderProtocol } from "./stream-reader-protocol.js";
import { StreamReader } from "./stream-reader.js";
import { StreamWriter } from "./stream-writer.js";

/** Wraps connected `fd`: a reader with buffer limit `limit` and a writer over one transport. */
export function streamPair(
  loop: EventLoop,
  host: SocketHostApi,
  fd: number,
  limit: number,
  extra?: ExtraInfo,
): [StreamReader, StreamWriter] {
  const reader = new StreamReader({ limit, loop });
  const transport = new Transport(loop, host, fd, new StreamReaderProtocol(reader, loop), null, extra, START_NOW);
  const pair: [StreamReader, StreamWriter] = [reader, new StreamWriter(transport, reader)];
  // The streams' classes reach maps and field types no twin made ahead of use has; keeping the
  // latest real pair keeps the code V8 optimized for them valid across loops (keep-latest.ts).
  keepLatest("streams", pair);
  return pair;
}

/** A writer alone over connected `fd` (a child's stdin): no reader, drain() and close() as usual. */
export function streamWriterOn(loop: EventLoop, host: SocketHostApi, fd: number): StreamWriter {
  const transport = new Transport(loop, host, fd, new StreamReaderProtocol(null, loop), null, undefined, START_NOW);
  return new StreamWriter(transport, null);
}
