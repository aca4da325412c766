/**
 * A string table for packed page data: `id(v)` is v's index in `table` (added on first sight), so a
 * repeated string crosses into the page once. `id(undefined)` is -1.
 */
export function stringTable(): { readonly table: string[]; id(v: string | undefined): number } {
  const table: string[] = [];
  const ids = new Map<string, number>();
  return {
    table,
    id(v) {
      if (v === undefined) return -1;
      let k = ids.get(v);
      if (k === undefined) {
        k = table.length;
        table.push(v);
        ids.set(v, k);
      }
      return k;
    },
  };
}
