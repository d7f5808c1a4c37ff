// The simulated DNS: a table of names and their addresses, names made to fail, and IP literals
// answered as themselves. "localhost" is 127.0.0.1 unless a test says otherwise. A name that is
// not in the table does not exist (ENOTFOUND); a failed one answers its error code (EAI_AGAIN by
// default, the resolver could not be reached).

export interface LookupAnswer {
  /** An error code ("ENOTFOUND", "EAI_AGAIN", …) or null. */
  error: string | null;
  addresses: { address: string; family: 4 | 6 }[];
}

export class SimResolver {
  private readonly names = new Map<string, string[]>([["localhost", ["127.0.0.1"]]]);
  private readonly failing = new Map<string, string>();

  /** Makes `name` resolve to `addresses`. */
  set(name: string, addresses: string[]): void {
    if (typeof name !== "string" || name === "")
      throw new TypeError(`a name must be a non-empty string, got ${String(name)}`);
    if (!Array.isArray(addresses) || addresses.some((a) => ipFamily(a) === 0)) {
      throw new TypeError(`addresses must be an array of IP addresses, got ${JSON.stringify(addresses)}`);
    }
    this.names.set(key(name), [...addresses]);
  }

  /** Makes lookups of `name` fail with `code` until `restore(name)`. */
  fail(name: string, code = "EAI_AGAIN"): void {
    this.failing.set(key(name), code);
  }

  restore(name: string): void {
    this.failing.delete(key(name));
  }

  /** Answers a lookup of `name` (family 0: any). */
  lookup(name: string, family: 0 | 4 | 6): LookupAnswer {
    const lit = ipFamily(name);
    if (lit !== 0)
      return { error: null, addresses: family === 0 || family === lit ? [{ address: name, family: lit }] : [] };
    const k = key(name);
    const failed = this.failing.get(k);
    if (failed !== undefined) return { error: failed, addresses: [] };
    const list = this.names.get(k);
    if (list === undefined) return { error: "ENOTFOUND", addresses: [] };
    const addresses = list
      .map((a) => ({ address: a, family: ipFamily(a) as 4 | 6 }))
      .filter((a) => family === 0 || a.family === family);
    return { error: addresses.length === 0 ? "ENOTFOUND" : null, addresses };
  }
}

function key(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

/** 4 or 6 for an IP literal, 0 otherwise. */
export function ipFamily(s: string): 0 | 4 | 6 {
  if (/^(\d{1,3})(\.\d{1,3}){3}$/.test(s)) return s.split(".").every((p) => +p <= 255) ? 4 : 0;
  return /^[0-9a-fA-F:.]+$/.test(s) && s.includes(":") ? 6 : 0;
}
