// Exception groups: Python's BaseExceptionGroup and ExceptionGroup, with `split`, `subgroup`,
// `derive`, and `exceptStar`, which does for a thrown group what Python's `except*` clauses do.
//
// ExceptionGroup extends BaseExceptionGroup, which extends AggregateError (`errors` is the list,
// `exceptions` its Python name). An ExceptionGroup refuses base exceptions (TypeError), as
// Python's does; `BaseExceptionGroup.of(message, errors)` picks the narrowest class, as Python's
// BaseExceptionGroup constructor does. Groups nest; `split` and `subgroup` keep the nesting, and
// the groups they build are made by `derive` and carry the original's `cause` and `stack`.
//
// A matcher (`ErrorMatcher`) is an error class (anything whose prototype is an Error's), an array
// of them, or a predicate. A class matches by `instanceof`; a predicate is asked about every
// group and leaf, outermost first, as Python's is.

import { BaseException } from "./errors.js";

/** What `split`, `subgroup` and `exceptStar` match with: an error class, a list of them, or a predicate. */
export type ErrorMatcher =
  | (abstract new (...args: any[]) => unknown)
  | readonly (abstract new (...args: any[]) => unknown)[]
  | ((error: unknown) => boolean);

/** True for a base exception: a BaseException, or a BaseExceptionGroup that is not an ExceptionGroup. */
export function isBaseException(e: unknown): boolean {
  return e instanceof BaseException || (e instanceof BaseExceptionGroup && !(e instanceof ExceptionGroup));
}

/** Several errors at once, base exceptions allowed (Python's BaseExceptionGroup). */
export class BaseExceptionGroup extends AggregateError {
  override name = "BaseExceptionGroup";

  constructor(message: string, errors: Iterable<unknown>) {
    if (typeof message !== "string") throw new TypeError(`an exception group's message must be a string, got ${typeof message}`);
    const list = errors === null || errors === undefined || typeof (errors as Iterable<unknown>)[Symbol.iterator] !== "function"
      ? null : [...errors];
    if (list === null) throw new TypeError("an exception group's second argument must be an iterable of errors");
    if (list.length === 0) throw new RangeError("an exception group's second argument must be a non-empty sequence");
    super(list, message);
  }

  /** A group of `errors`: an ExceptionGroup unless one of them is a base exception. */
  static of(message: string, errors: Iterable<unknown>): BaseExceptionGroup {
    const list = [...errors];
    return list.some(isBaseException) ? new BaseExceptionGroup(message, list) : new ExceptionGroup(message, list);
  }

  /** The errors (Python's name for `errors`). */
  get exceptions(): unknown[] {
    return this.errors;
  }

  /** A group like this one (same message) of other errors; subclasses override it to keep their class. */
  derive(errors: Iterable<unknown>): BaseExceptionGroup {
    return BaseExceptionGroup.of(this.message, errors);
  }

  /** The part of this group that matches, nesting kept; null when nothing does. */
  subgroup(matcher: ErrorMatcher): BaseExceptionGroup | null {
    return this.split(matcher)[0];
  }

  /** [what matches, the rest], each a group with the nesting kept, or null when empty. */
  split(matcher: ErrorMatcher): [BaseExceptionGroup | null, BaseExceptionGroup | null] {
    const test = toPredicate(matcher);
    if (test(this)) return [this, null];
    const matched: unknown[] = [];
    const rest: unknown[] = [];
    for (const e of this.errors) {
      if (e instanceof BaseExceptionGroup) {
        const [m, r] = e.split(test);
        if (m !== null) matched.push(m);
        if (r !== null) rest.push(r);
      } else if (test(e)) {
        matched.push(e);
      } else {
        rest.push(e);
      }
    }
    return [this._derived(matched), this._derived(rest)];
  }

  /** @internal `derive(errors)` with this group's cause and stack, or null for none. */
  _derived(errors: unknown[]): BaseExceptionGroup | null {
    if (errors.length === 0) return null;
    if (errors.length === this.errors.length && errors.every((e, i) => e === this.errors[i])) return this;
    const g = this.derive(errors);
    if ("cause" in this) g.cause = this.cause;
    if (this.stack !== undefined) g.stack = this.stack;
    return g;
  }
}

/** Several errors at once, none of them a base exception (Python's ExceptionGroup): what a TaskGroup throws. */
export class ExceptionGroup extends BaseExceptionGroup {
  override name = "ExceptionGroup";

  constructor(message: string, errors: Iterable<unknown>) {
    super(message, errors);
    for (const e of this.errors) {
      if (isBaseException(e)) throw new TypeError(`Cannot nest BaseExceptions in an ExceptionGroup (${(e as Error).name})`);
    }
  }
}

function isErrorClass(x: unknown): boolean {
  return typeof x === "function" && (x === Error || (x as { prototype?: unknown }).prototype instanceof Error);
}

function toPredicate(matcher: ErrorMatcher): (e: unknown) => boolean {
  if (Array.isArray(matcher)) {
    for (const c of matcher) if (!isErrorClass(c)) throw new TypeError("a list matcher must hold error classes only");
    return (e) => matcher.some((c) => e instanceof c);
  }
  if (isErrorClass(matcher)) return (e) => e instanceof (matcher as abstract new () => unknown);
  if (typeof matcher === "function") return matcher as (e: unknown) => boolean;
  throw new TypeError("a matcher must be an error class, a list of error classes, or a predicate");
}

/**
 * Handles a thrown error as a row of Python `except*` clauses: `error` (a group, or a lone error
 * treated as a group of one) is split by each matcher in turn and the matching part passed to its
 * handler. What no clause matched is thrown again, together with whatever the handlers threw
 * (a group of them); returns normally when everything was handled.
 *
 *   try { yield* asyncWith(new TaskGroup(), body); }
 *   catch (e) { exceptStar(e, [TimeoutError, (g) => log(g)], [RangeError, () => {}]); }
 */
export function exceptStar(
  error: unknown, ...clauses: [ErrorMatcher, (group: BaseExceptionGroup) => void][]
): void {
  let rest: BaseExceptionGroup | null = error instanceof BaseExceptionGroup ? error : BaseExceptionGroup.of("", [error]);
  const raised: unknown[] = [];
  for (const [matcher, handler] of clauses) {
    if (rest === null) break;
    if (typeof handler !== "function") throw new TypeError("exceptStar() clauses are [matcher, handler] pairs");
    const [matched, left]: [BaseExceptionGroup | null, BaseExceptionGroup | null] = rest.split(matcher);
    rest = left;
    if (matched === null) continue;
    try {
      handler(matched);
    } catch (e) {
      raised.push(e);
    }
  }
  if (raised.length === 0) {
    if (rest === null) return;
    throw rest === error || error instanceof BaseExceptionGroup ? rest : (rest.errors[0] ?? rest);
  }
  throw BaseExceptionGroup.of("", rest === null ? raised : [...raised, rest]);
}
