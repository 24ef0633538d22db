// How a bounded whole number is described in an error: "from 1 to 100", or "of 1 or more" without a real upper bound.

export function range(min: number, max: number): string {
  return max >= Number.MAX_SAFE_INTEGER ? `of ${min} or more` : `from ${min} to ${max}`;
}
