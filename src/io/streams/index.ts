// Streams over host sockets (asyncio.streams): openConnection, startServer and their readers,
// writers, transports and servers.
export { openConnection, type OpenConnectionOptions } from "./open-connection.js";
export { startServer, Server, type ClientConnected, type StartServerOptions } from "./server.js";
export { StreamReader, DEFAULT_LIMIT, type StreamReaderOptions } from "./stream-reader.js";
export { StreamWriter } from "./stream-writer.js";
export { StreamReaderProtocol } from "./stream-reader-protocol.js";
export type { SocketError } from "./socket-errors.js";
