// KeyboardInterrupt is one of the base exceptions (errors.ts); signals re-export it from here.

export { KeyboardInterrupt } from "../../errors.js";
