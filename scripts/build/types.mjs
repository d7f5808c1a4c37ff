// The shipped declarations: tsc's per-file output (build/types/) rolled into one self-contained
// file, dist/wasio.d.ts (and its twin dist/wasio.d.cts for `require`). "Self-contained" means:
// no import of a path outside the package, no `node:*` types, and nothing the user's lib must
// supply beyond ES2022: the `WebAssembly` and `URL` globals the sources use are replaced by small
// structural interfaces (a real Memory or URL still fits), `AbortSignal` and `EventTarget` by
// types that are the lib's own where the user's lib declares them (DOM, @types/node, Deno) and
// the part wasio uses otherwise, and `Symbol.dispose`/`Disposable` (and their async twins) are
// declared the way @types/node declares them, so they merge with an esnext lib when present.

import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { rollup } from "rollup";
import { dts } from "rollup-plugin-dts";

/** Globals that must not appear in the shipped declarations (they need DOM or @types/node). */
const FORBIDDEN = [
  /\bWebAssembly\.\w/,
  /\bNodeJS\./,
  /from ["']node:/,
  /[:<|]\s*Buffer\b/,
  /\| URL\b/,
  /[:<|(]\s*(AbortSignal|EventTarget)\b(?!Like)/,
];

const SHIMS = `
/** The part of a WebAssembly memory that wasio reads (a real \`Memory\` fits). */
interface WasmMemory {
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
}
/** A URL naming a module (a real \`URL\` fits). */
interface URLLike {
    readonly href: string;
}
/** The lib's AbortSignal where it declares one; else the part wasio uses (a real AbortSignal fits). */
type AbortSignalLike = typeof globalThis extends { AbortSignal: { prototype: infer S } } ? S : {
    readonly aborted: boolean;
    readonly reason: any;
    addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
    removeEventListener(type: "abort", listener: () => void): void;
};
/** The lib's EventTarget where it declares one; else the part wasio uses (a real EventTarget fits). */
type EventTargetLike = typeof globalThis extends { EventTarget: { prototype: infer E } } ? E : {
    addEventListener(type: string, listener: (...args: any[]) => void, options?: any): void;
    removeEventListener(type: string, listener: (...args: any[]) => void, options?: any): void;
};
declare global {
    interface SymbolConstructor {
        readonly dispose: unique symbol;
        readonly asyncDispose: unique symbol;
    }
    interface Disposable {
        [Symbol.dispose](): void;
    }
    interface AsyncDisposable {
        [Symbol.asyncDispose](): PromiseLike<void>;
    }
}
`;

/** Rolls `build/types/index.d.ts` into `dist/wasio.d.ts` and `dist/wasio.d.cts`. */
export async function rollTypes(root) {
  const bundle = await rollup({
    input: join(root, "build/types/index.d.ts"),
    plugins: [dts()],
    onwarn(w, warn) {
      if (w.code !== "UNRESOLVED_IMPORT") warn(w);
    },
  });
  const out = join(root, "dist/wasio.d.ts");
  await bundle.write({ file: out, format: "es" });
  await bundle.close();
  let text = foldAugmentations(readFileSync(out, "utf8"))
    .replaceAll("WebAssembly.Memory", "WasmMemory")
    .replace(/\bstring \| URL\b/g, "string | URLLike")
    .replace(/([:(<|]\s*)(AbortSignal|EventTarget)\b/g, "$1$2Like");
  text = `// wasio: type declarations (generated from src/ by npm run build).\n${SHIMS.trimStart()}${text}`;
  const bad = FORBIDDEN.map((re) => {
    const m = re.exec(text);
    return m && text.slice(m.index - 60, m.index + 20);
  }).filter(Boolean);
  if (bad.length) throw new Error(`dist/wasio.d.ts needs globals outside ES2022: ${bad.join(", ")}`);
  writeFileSync(out, text);
  copyFileSync(out, join(root, "dist/wasio.d.cts"));
}

/**
 * Folds the declaration merging that crosses layers into the rolled file. src/io/event-loop.ts
 * adds its class's members to the loop layer's `EventLoop` interface with
 * `declare module "../loop/event-loop.js" { interface EventLoop extends PublicEventLoop {} }`;
 * rolled, that block would augment the bundle itself (and its `EventLoop` class, recursively), so
 * the `extends` moves onto the rolled interface (renamed `EventLoop$1` beside the class) and the
 * block goes. Any other module augmentation is an error here.
 */
function foldAugmentations(text) {
  const block = /^declare module "[^"]+" \{\n(?:\s*\/\*\*.*\*\/\n)?\s*interface (\w+) extends (\w+) \{\n\s*\}\n\}\n/gm;
  const merges = [...text.matchAll(block)].map((m) => ({ name: m[1], base: m[2] }));
  text = text.replace(block, "");
  for (const { name, base } of merges) {
    const target = new RegExp(`^interface (${name}\\$\\d+) extends ([^{]+?) \\{`, "m");
    if (!target.test(text)) throw new Error(`dist/wasio.d.ts: no rolled interface ${name}$N to merge ${base} into`);
    text = text.replace(target, (_m, local, bases) => `interface ${local} extends ${bases}, ${base} {`);
  }
  if (/^declare module "/m.test(text)) throw new Error("dist/wasio.d.ts: a module augmentation the roller cannot fold");
  return text;
}
