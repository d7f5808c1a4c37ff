// KeyboardInterrupt: what `run()` throws when SIGINT (Ctrl-C) cancelled its main task and the main
// task ended by that cancellation — Python's KeyboardInterrupt out of asyncio.run.

import { messageText } from "../../errors.js";

/** The program was interrupted by SIGINT (Ctrl-C). */
export class KeyboardInterrupt extends Error {
  override name = "KeyboardInterrupt";
  constructor(message?: string) {
    super(messageText(message));
  }
}
