// Debug mode's switch: a loop's `debug` option, else the WASIO_DEBUG environment variable
// (asyncio's PYTHONASYNCIODEBUG): any non-empty value but "0" turns it on. Read once per process;
// where the environment cannot be read (Deno without --allow-env, a browser), it is off.

let fromEnvironment: boolean | null = null;

/** True when WASIO_DEBUG asks for debug mode. */
export function debugFromEnvironment(): boolean {
  if (fromEnvironment !== null) return fromEnvironment;
  let value: string | undefined;
  try {
    const g = globalThis as {
      process?: { env?: Record<string, string | undefined> };
      Deno?: { env: { get(k: string): string | undefined } };
    };
    value = g.Deno !== undefined ? g.Deno.env.get("WASIO_DEBUG") : g.process?.env?.WASIO_DEBUG;
  } catch {
    value = undefined;
  }
  return (fromEnvironment = value !== undefined && value !== "" && value !== "0");
}

/** True once any loop has been in debug mode (until then tasks skip debug mode's checks). */
export let debugEverOn = false;

/** Called when a loop enters debug mode. */
export function noteDebugOn(): void {
  debugEverOn = true;
}
