// TLS over node:tls: the ssl options of openConnection/startServer/createConnection/createServer,
// StreamWriter.startTls and loop.startTls.
export type { TlsOptions, Pem } from "../../hosts/tls-api.js";
export type { TlsCallOptions } from "./tls-args.js";
export type { StartTlsOptions } from "./start-tls.js";
