// The package version, one place for --version and exports.

export const VERSION = '0.1.0';
