// Real I/O: streams over host sockets, DNS, executors, signals.
export {};
