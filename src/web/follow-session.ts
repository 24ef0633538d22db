// Feeds a listen session's events to the inspector: exchanges as they start and finish, the public URL, the connection.

import type { Session } from '../session.js';
import type { Inspector } from './server.js';

/** Subscribes through the session's public events only; returns the unsubscribe function. */
export function followSession(session: Session, inspector: Inspector): () => void {
  const onExchange = inspector.announce.bind(inspector);
  const onReady = (welcome: { url: string }) => inspector.setInfo({ publicUrl: welcome.url });
  const onStatus = (status: { state: string }) => inspector.setInfo({ connection: status.state });
  session.on('exchange', onExchange);
  session.on('ready', onReady);
  session.on('status', onStatus);
  return () => {
    session.off('exchange', onExchange);
    session.off('ready', onReady);
    session.off('status', onStatus);
  };
}
