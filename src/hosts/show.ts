// Values in the hosts' error messages: `String(x)` where that works, the type otherwise (an
// object without a prototype, a Symbol in a template), so making a designed error never throws.

/** `x` as text for a message; never throws. */
export function show(x: unknown): string {
  try {
    return typeof x === "string" ? JSON.stringify(x) : String(x);
  } catch {
    return typeof x;
  }
}
