// A job module for toThread (deno-denied.ts: without --allow-read, Deno refuses to import it).
export function twice(x) {
  return 2 * x;
}
