// Context variables: Python's contextvars (ContextVar, Token, Context, copyContext) with
// asyncio's rules — a Task runs every step in its own context (a copy of the one current when it
// was created, or the `context` option), and a callback from callSoon/callLater/callAt runs in a
// copy of the context current when it was scheduled (or the `context` option).
//
// A Context maps variables to values. Its map is never changed in place: `set` replaces it with
// a changed copy, so `copyContext()` is O(1) (the copy shares the map) and a copy never sees
// later changes of the original. Sizes are small in practice; a set costs O(variables).
//
// Zero cost until used: `contextsOn` stays false until the first ContextVar, Context or
// copyContext() exists. Until then tasks and handles capture nothing, and a task's step is not
// even wrapped (the `whenContextsOn` hooks install the wrapper then). Contexts of tasks and handles live in WeakMaps, off their shapes.
// A task created before contexts came into use runs in the base context.
//
// Limits: code outside any task or callback (plain async code between loop passes) sees the base
// context, or the one a `Context.run` on its stack entered.

import { messageText } from "../errors.js";

/** Marks "no value" in tokens and lookups. */
const MISSING: unique symbol = Symbol("missing");

/** True once contexts are in use (a ContextVar, Context or copyContext() was made). */
export let contextsOn = false;
const onHooks: (() => void)[] = [];

/** Runs `hook` when contexts come into use (at once if they are). */
export function whenContextsOn(hook: () => void): void {
  if (contextsOn) hook();
  else onHooks.push(hook);
}

function turnOn(): void {
  if (contextsOn) return;
  contextsOn = true;
  for (const hook of onHooks.splice(0)) hook();
}

let base: Context | null = null;
let current: Context | null = null;

/** The context code runs in now. */
function currentContext(): Context {
  return current ?? (base ??= new Context());
}

/** A variable whose value depends on the context (Python's contextvars.ContextVar). */
export class ContextVar<T> {
  readonly name: string;
  /** @internal */ readonly _default: T | typeof MISSING;

  constructor(name: string, options?: { default?: T }) {
    if (typeof name !== "string") throw new TypeError(`a ContextVar's name must be a string, got ${typeof name}`);
    if (options !== undefined && (options === null || typeof options !== "object"))
      throw new TypeError("ContextVar options must be an object");
    turnOn();
    this.name = name;
    this._default = options !== undefined && "default" in options ? (options.default as T) : MISSING;
  }

  /** The value in the current context; else `defaultValue` if given; else the variable's default; else throws LookupError. */
  get(defaultValue?: T): T {
    const vars = currentContext()._vars;
    if (vars.has(this)) return vars.get(this) as T;
    if (arguments.length > 0) return defaultValue as T;
    if (this._default !== MISSING) return this._default;
    throw new LookupError(`ContextVar ${JSON.stringify(this.name)} has no value`);
  }

  /** Sets the value in the current context; the token lets `reset` restore the previous one. */
  set(value: T): Token<T> {
    const ctx = currentContext();
    const old = ctx._vars.has(this) ? ctx._vars.get(this) : MISSING;
    const vars = new Map(ctx._vars);
    vars.set(this, value);
    ctx._vars = vars;
    return new Token(ctx, this, old);
  }

  /** Restores the value `token` replaced (in the context it was made in, once). */
  reset(token: Token<T>): void {
    if (!(token instanceof Token)) throw new TypeError("reset() needs a Token");
    if (token._used) throw new Error(`${token} has already been used once`);
    if (token.var !== this) throw new RangeError(`${token} was created by a different ContextVar`);
    const ctx = currentContext();
    if (token._context !== ctx) throw new RangeError(`${token} was created in a different Context`);
    token._used = true;
    const vars = new Map(ctx._vars);
    if (token.oldValue === Token.MISSING) vars.delete(this);
    else vars.set(this, token.oldValue);
    ctx._vars = vars;
  }

  toString(): string {
    return `<ContextVar name=${JSON.stringify(this.name)}>`;
  }
}

/** What `ContextVar.set` returns: the way back to the previous value. */
export class Token<T> {
  /** `oldValue` when the variable had no value before. */
  static readonly MISSING: unique symbol = MISSING as never;
  /** @internal */ readonly _context: Context;
  /** @internal */ _used = false;
  readonly var: ContextVar<T>;
  readonly oldValue: T | typeof Token.MISSING;

  /** @internal */
  constructor(context: Context, v: ContextVar<T>, old: unknown) {
    if (!(context instanceof Context) || !(v instanceof ContextVar)) {
      throw new TypeError("Tokens are made by ContextVar.set(), not constructed");
    }
    this._context = context;
    this.var = v;
    this.oldValue = old as T;
  }

  toString(): string {
    return `<Token${this._used ? " used" : ""} var=${this.var}>`;
  }
}

/** A variable with no value in the current context (Python's LookupError). */
export class LookupError extends Error {
  override name = "LookupError";
  constructor(message?: unknown) {
    super(messageText(message));
  }
}

/** A mapping of context variables to values (Python's contextvars.Context); `new Context()` is empty. */
export class Context {
  /** @internal Never changed in place (see the top of this file). */
  _vars: Map<ContextVar<any>, unknown> = new Map();
  /** @internal */ _entered = false;

  constructor() {
    turnOn();
  }

  /** Runs `fn(...args)` in this context and returns its result; a context is entered once at a time. */
  run<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): R {
    if (typeof fn !== "function") throw new TypeError(`Context.run() needs a function, got ${typeof fn}`);
    if (this._entered) throw new Error("cannot enter context: it is already entered");
    const prev = current;
    current = this;
    this._entered = true;
    try {
      return fn(...args);
    } finally {
      this._entered = false;
      current = prev;
    }
  }

  /** A new context with the same values. */
  copy(): Context {
    const c = new Context();
    c._vars = this._vars;
    return c;
  }

  get<T>(v: ContextVar<T>, defaultValue?: T): T | undefined {
    return this._vars.has(v) ? (this._vars.get(v) as T) : defaultValue;
  }

  has(v: ContextVar<unknown>): boolean {
    return this._vars.has(v);
  }

  get size(): number {
    return this._vars.size;
  }

  keys(): IterableIterator<ContextVar<unknown>> {
    return this._vars.keys();
  }

  values(): IterableIterator<unknown> {
    return this._vars.values();
  }

  entries(): IterableIterator<[ContextVar<unknown>, unknown]> {
    return this._vars.entries();
  }

  [Symbol.iterator](): IterableIterator<ContextVar<unknown>> {
    return this._vars.keys();
  }
}

/** A copy of the current context (Python's contextvars.copy_context). */
export function copyContext(): Context {
  turnOn();
  return currentContext().copy();
}

// ---------------------------------------------------------------- for tasks and handles

const owned = new WeakMap<object, Context>();

/** @internal Gives `owner` (a Task or Handle) `context`, or a copy of the current one. Only called while contextsOn. */
export function captureContext(owner: object, context: Context | undefined): void {
  if (context !== undefined && !(context instanceof Context))
    throw new TypeError("the context option must be a Context");
  owned.set(owner, context ?? currentContext().copy());
}

/** @internal Makes `owner`'s context current (the base context if it has none); returns what to restore. */
export function enterContextOf(owner: object): Context | null {
  const prev = current;
  current = owned.get(owner) ?? null;
  return prev;
}

/** @internal Restores what `enterContextOf` returned. */
export function leaveContext(prev: Context | null): void {
  current = prev;
}

/** @internal Runs a handle-like `run()` in `owner`'s context (entered as Context.run does when it has one). */
export function runInContextOf(owner: object, run: () => void): void {
  const ctx = owned.get(owner);
  if (ctx === undefined) run();
  else ctx.run(run);
}
