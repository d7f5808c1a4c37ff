// Unix domain sockets: the streams API (openUnixConnection, startUnixServer); the protocol API
// is the loop's createUnixConnection / createUnixServer.
export {
  openUnixConnection,
  startUnixServer,
  type UnixStreamOptions,
  type StartUnixServerOptions,
} from "./open-unix-connection.js";
