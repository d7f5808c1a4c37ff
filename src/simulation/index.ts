// Deterministic simulation: explore a program under many seeds, replay one, and the test helper
// that waits until every task is blocked. The simulated world itself is the VirtualHost's
// network (src/hosts/sim).
export {
  explore,
  replay,
  type SimProgram,
  type ExploreOptions,
  type ReplayOptions,
  type SimRun,
  type ExploreResult,
} from "./explore.js";
export { waitAllTasksBlocked } from "./wait-all-tasks-blocked.js";
export { onHost } from "./on-host.js";
export type { SimNetwork } from "../hosts/sim/sim-network.js";
export type { FaultOptions } from "../hosts/sim/sim-faults.js";
export type { LinkOptions } from "../hosts/sim/sim-links.js";
