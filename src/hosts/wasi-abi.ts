// Reading and writing WASI preview1 structures in a module's memory, without BigInt: u64 values
// are split into two u32 halves (exact up to 2^53). The errno values are in errno.ts.

export const EVENTTYPE_CLOCK = 0;
export const EVENTTYPE_FD_READ = 1;
export const EVENTTYPE_FD_WRITE = 2;
export const FD_READWRITE_HANGUP = 1;
export const SUBSCRIPTION_SIZE = 48;
export const EVENT_SIZE = 32;

const TWO_32 = 4294967296;

export function getU64(view: DataView, at: number): number {
  return view.getUint32(at, true) + view.getUint32(at + 4, true) * TWO_32;
}

export function setU64(view: DataView, at: number, value: number): void {
  if (value < TWO_32) {
    view.setUint32(at, value, true); // no floating-point modulo for the usual small value
    view.setUint32(at + 4, 0, true);
    return;
  }
  view.setUint32(at, value % TWO_32, true);
  view.setUint32(at + 4, Math.floor(value / TWO_32), true);
}
