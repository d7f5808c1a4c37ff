// interleaveAddrinfos: the order Happy Eyeballs tries a name's addresses in (asyncio's
// _interleave_addrinfos, RFC 8305 §4). Addresses are grouped by family in the order the families
// first appear; the first `firstFamilyCount` addresses of the first family come first, then the
// families alternate one address at a time until all are used. Within a family the resolver's
// order is kept.

/** Reorders `infos` (anything with a `family`) so that families alternate after the first `firstFamilyCount`. */
export function interleaveAddrinfos<A extends { family: number }>(infos: readonly A[], firstFamilyCount = 1): A[] {
  if (!Number.isInteger(firstFamilyCount) || firstFamilyCount < 1)
    throw new RangeError(`firstFamilyCount must be a positive integer, got ${firstFamilyCount}`);
  const byFamily = new Map<number, A[]>();
  for (const info of infos) {
    const list = byFamily.get(info.family);
    if (list === undefined) byFamily.set(info.family, [info]);
    else list.push(info);
  }
  const lists = [...byFamily.values()];
  if (lists.length === 0) return [];
  const out = lists[0].splice(0, firstFamilyCount - 1);
  for (let i = 0; lists.some((l) => i < l.length); i++) for (const l of lists) if (i < l.length) out.push(l[i]);
  return out;
}
