// Transports and protocols (asyncio's lower-level I/O API): Protocol, BufferedProtocol,
// DatagramProtocol, and the transports the loop's create* methods return.
export { BaseProtocol, Protocol, BufferedProtocol, DatagramProtocol, type StreamProtocolLike } from "./protocols.js";
export { Transport } from "./transport.js";
export { BaseTransport, ReadTransport, WriteTransport } from "./base-transport.js";
export type { CreateConnectionOptions, CreateServerOptions } from "./create-connection.js";
export { DatagramTransport, type DatagramProtocolLike } from "./datagram-transport.js";
export type { DatagramEndpointOptions } from "./create-datagram-endpoint.js";
