// Combinators, timeouts and TaskGroup: see the files beside this one.
export {};
