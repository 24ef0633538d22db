// Imports the Ink app with React's production build. Importing nothing else, it keeps Ink out of plain runs.

/**
 * React's development build logs every component render to the performance timeline, with a deep diff of the
 * props; in a long session that costs more than the render itself and the entries pile up. hooktunnel runs no
 * user code in this process, so the production build is always the right one here.
 */
export async function loadTui(): Promise<typeof import('./run-tui.js')> {
  process.env.NODE_ENV = 'production';
  return import('./run-tui.js');
}
