// Derived values that a figure recomputes in willUpdate only when what they come from has changed.

/** Remembers the last call: the same arguments (by identity) give the same result without recomputing it. */
export function memoLast<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  let last: { args: A; result: R } | undefined;
  return (...args: A) => {
    if (!last || args.length !== last.args.length || args.some((a, i) => a !== last!.args[i])) last = { args, result: fn(...args) };
    return last.result;
  };
}
