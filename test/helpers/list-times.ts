// Arrival times and how the lists (`ls`, the web inspector's) show them, for the tests of both formatters.

/** Local times, so the texts are the same in any time zone the tests run in; "now" is LIST_NOW. */
export const LIST_TIMES: [Date, string][] = [
  [new Date(2026, 11, 7, 0, 0, 1), '00:00:01'],
  [new Date(2026, 11, 6, 23, 59, 59), 'Dec 06 23:59:59'],
  [new Date(2026, 0, 5, 14, 3, 11), 'Jan 05 14:03:11'],
  [new Date(2025, 11, 5, 14, 3, 11), 'Dec 05 2025 14:03:11'],
];

export const LIST_NOW = new Date(2026, 11, 7, 9, 30, 0).getTime();
