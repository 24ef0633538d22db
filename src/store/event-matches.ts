// The exchanges that carry one provider event id (evt_…, a GitHub delivery GUID, msg_…), whichever the provider:
// `hooktunnel replay evt_1NxAbc` addresses a webhook by the id the provider's dashboard and CLI show.

/** One exchange recorded with the event id. */
export interface EventMatch {
  id: number;
  provider: string;
  /** The exchange it replays; null for a delivery (the sender's, or trigger's, or an import's). */
  replayOf: number | null;
  /** Came from a sender through a relay (it has the URL the sender called); not trigger's own row (delivery-kind.ts). */
  throughRelay: boolean;
}

/**
 * The only index on event ids is exchanges_event(provider, event_id), provider first, so a lookup by event id alone
 * would scan the table (300,000 rows, gigabytes of bodies). Instead the providers that recorded any event id are
 * walked along that index, one seek each (a handful of them), and the event id is looked up under each provider.
 * The order is left to the caller: a sort here is a temporary B-tree for a few rows.
 */
export const EVENT_MATCHES_SQL = `WITH RECURSIVE providers(name) AS (
    SELECT min(provider) FROM exchanges WHERE event_id IS NOT NULL
    UNION ALL
    SELECT (SELECT min(provider) FROM exchanges WHERE event_id IS NOT NULL AND provider > name) FROM providers WHERE name IS NOT NULL
  )
  SELECT e.id, e.provider, e.replay_of AS replayOf, e.url IS NOT NULL AS throughRelay
  FROM providers JOIN exchanges e ON e.provider = providers.name AND e.event_id = ? AND e.event_id IS NOT NULL`;

/** A row of EVENT_MATCHES_SQL as an EventMatch (SQLite answers the IS NOT NULL with 0 or 1). */
export const toEventMatch = (row: Record<string, unknown>): EventMatch => ({
  id: row.id as number,
  provider: row.provider as string,
  replayOf: (row.replayOf as number | null) ?? null,
  throughRelay: row.throughRelay === 1,
});

/** Oldest first: ids are given in the order exchanges were recorded. */
export const byId = (a: EventMatch, b: EventMatch): number => a.id - b.id;
