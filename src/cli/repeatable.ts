// For commander's argParser: a flag that may be given several times collects every value, in order.

export const repeatable = (value: string, previous: string[] = []): string[] => [...previous, value];
