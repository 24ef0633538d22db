// The --db flag every history command takes. Kept apart from open-store.ts so `--help` never loads SQLite.

export const dbOption = ['--db <file>', 'capture database (default: the db of ./hooktunnel.yml, else $XDG_DATA_HOME/hooktunnel/hooktunnel.db)'] as const;
