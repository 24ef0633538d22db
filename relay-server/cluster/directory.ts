// The cluster's tunnel registry in Redis: which node holds each connected tunnel, resume tokens valid on every node,
// and reserved names. The node keeps its own claims alive (refresh) and writes them again after Redis lost them.

import type { AckSettings } from '../../src/protocol.js';
import type { ResumeStore } from '../resume-store.js';
import { resumeTokenHash } from '../tunnel-registry.js';
import { DELETE_IF, FIND_RESUME, REFRESH, REGISTER, RESERVE_NAME } from './directory-scripts.js';
import { redisReason } from './load-redis.js';
import { redisKeys } from './redis-keys.js';
import type { RedisConnection } from './redis-connection.js';

export interface DirectoryTimes {
  /** A claim on a tunnel lapses this long after its node's last refresh. */
  locationTtlMs: number;
  /** A disconnected id keeps its URL this long (--resume-ttl). */
  resumeTtlMs: number;
}

interface Held {
  hash: string;
  owner: string;
  ack: string;
  random: boolean;
  /** The client's local timeout in ms, as a string for Redis ('' when not known). */
  timeout: string;
  attached: boolean;
}

/** Where a tunnel's client is connected, as a node passing a request on needs it. */
export interface Holder {
  node: string;
  /** The client's `listen --timeout` in ms (0: forever); undefined when the holding node did not say (an older node). */
  clientTimeoutMs: number | undefined;
}

/**
 * How a node registers a tunnel: see Reservation.random; the token that owns the id as a name; its client's ack
 * settings, and its local timeout (HELLO's timeoutMs).
 */
interface Registration {
  random: boolean;
  nameOwner?: string;
  ack?: AckSettings;
  clientTimeoutMs?: number;
  /** Take it only if no other node holds it (see REGISTER). */
  unlessHeldElsewhere?: boolean;
}

export class TunnelDirectory {
  /**
   * Tunnels this node registered: id → hash of its resume token, the owner of the id as a reserved name, its client's
   * ack settings (JSON, '' for none), whether the relay handed it out, its client's timeout, and whether its connection
   * is attached yet (see resumeStore()).
   */
  private readonly held = new Map<string, Held>();

  constructor(
    private readonly redis: RedisConnection,
    readonly nodeUrl: string,
    private readonly times: DirectoryTimes,
    private readonly log: (line: string) => void,
  ) {}

  /** While connected the reservation outlives the claim by --resume-ttl, so a killed node's clients keep their URLs. */
  private get keepMs(): number {
    return this.times.resumeTtlMs + this.times.locationTtlMs;
  }

  private args(id: string, { hash, ack, random, timeout }: Pick<Held, 'hash' | 'ack' | 'random' | 'timeout'>): [string[], (string | number)[]] {
    return [
      [redisKeys.location(id), redisKeys.reservation(id), redisKeys.resume(hash), redisKeys.ack(id), redisKeys.random(id), redisKeys.clientTimeout(id)],
      [this.nodeUrl, this.times.locationTtlMs, this.keepMs, hash, id, ack, random ? '1' : '', timeout],
    ];
  }

  /** The node holding this tunnel's client, if any node does. Rejects while Redis is down. */
  async locate(id: string): Promise<string | undefined> {
    return (await this.redis.command.get(redisKeys.location(id))) ?? undefined;
  }

  /** The node holding this tunnel's client and that client's timeout, if any node holds it. Rejects while Redis is down. */
  async holder(id: string): Promise<Holder | undefined> {
    const [node, timeout] = await this.redis.command.mget(redisKeys.location(id), redisKeys.clientTimeout(id));
    if (!node) return undefined;
    // Written only by REGISTER from a validated HELLO; a key edited by hand counts as not known.
    const ms = timeout ? Number(timeout) : NaN;
    return { node, clientTimeoutMs: Number.isFinite(ms) && ms >= 0 ? ms : undefined };
  }

  /** Connected somewhere, reserved for a resume token, or a reserved name: its senders get 202/503, not 404. */
  async known(id: string): Promise<boolean> {
    return (await this.redis.command.exists(redisKeys.location(id), redisKeys.reservation(id), redisKeys.name(id))) > 0;
  }

  /**
   * The acknowledge settings the id's client sent in its last HELLO, while its reservation lasts (connected anywhere,
   * or away within --resume-ttl or while requests wait for it). Rejects while Redis is down.
   */
  async ackFor(id: string): Promise<AckSettings | undefined> {
    const json = await this.redis.command.get(redisKeys.ack(id));
    if (!json) return undefined;
    try {
      return JSON.parse(json) as AckSettings;
    } catch {
      // Written only by REGISTER from a validated HELLO; a key edited by hand counts as not acknowledging.
      return undefined;
    }
  }

  /** Known and handed out by the relay (see Reservation.random): no --name takes it. Rejects while Redis is down. */
  async isRandom(id: string): Promise<boolean> {
    return (await this.redis.command.exists(redisKeys.random(id))) > 0;
  }

  async findResume(token: string): Promise<string | undefined> {
    const hash = resumeTokenHash(token);
    return ((await this.redis.run(FIND_RESUME, [redisKeys.resume(hash)], [hash])) as string | null) ?? undefined;
  }

  async nameOwner(name: string): Promise<string | undefined> {
    return (await this.redis.command.get(redisKeys.name(name))) ?? undefined;
  }

  /** Binds a name to a token unless another token got it first; returns the owner. */
  async reserveName(name: string, owner: string): Promise<string> {
    return (await this.redis.run(RESERVE_NAME, [redisKeys.name(name)], [owner])) as string;
  }

  /**
   * This node holds the tunnel from now on, with the client's ack settings (none: earlier ones are forgotten); the
   * node that held it before lets go on its next refresh. With `unlessHeldElsewhere`, false (and nothing changed)
   * when another node holds it: decided in Redis, so of two nodes claiming it at once only one gets it.
   */
  async register(id: string, resumeToken: string, { random, nameOwner = '', ack, clientTimeoutMs, unlessHeldElsewhere = false }: Registration): Promise<boolean> {
    const timeout = clientTimeoutMs === undefined ? '' : String(clientTimeoutMs);
    const held = { hash: resumeTokenHash(resumeToken), owner: nameOwner, ack: ack ? JSON.stringify(ack) : '', random, timeout, attached: false };
    const [keys, args] = this.args(id, held);
    if ((await this.redis.run(REGISTER, keys, [...args, unlessHeldElsewhere ? '0' : '1'])) === 0) return false;
    this.held.set(id, held);
    this.publish(`moved ${id} ${this.nodeUrl}`);
    return true;
  }

  /** The client left: its location goes (if still ours); the reservation keeps the URL for --resume-ttl. */
  release(id: string): void {
    if (!this.held.delete(id)) return;
    this.unclaim(id, this.nodeUrl).catch(() => {
      // Redis is down: the claim lapses by itself within the location TTL.
    });
  }

  /** Removes a node's claim on a tunnel (a node that did not answer), if the claim is still that node's. */
  async unclaim(id: string, node: string): Promise<void> {
    await this.redis.run(DELETE_IF, [redisKeys.location(id)], [node]);
  }

  /**
   * Refreshes every claim held here; `live(id)` says whether the tunnel is still connected here. Returns the ids
   * another node (or another token, by --force) took, whose local clients must go.
   */
  async refresh(live: (id: string) => boolean): Promise<string[]> {
    const lost: string[] = [];
    for (const [id, held] of [...this.held]) {
      if (!live(id)) {
        this.release(id);
        continue;
      }
      const [keys, args] = this.args(id, held);
      const kept = await this.redis.run(REFRESH, [...keys, redisKeys.name(id)], [...args, held.owner]);
      // Registered again here meanwhile (a --force on this node): the new claim is not lost.
      if (kept === 0 && this.held.get(id)?.hash === held.hash) {
        this.held.delete(id);
        lost.push(id);
      }
    }
    return lost;
  }

  publish(message: string): void {
    this.redis.command.publish(redisKeys.events, message).catch((error: Error) => this.log(`could not announce "${message}": ${redisReason(error)}`));
  }

  /**
   * The ResumeStore the node's TunnelRegistry writes to. Claims are made (and awaited) by the cluster's own claim, so
   * here only a client's departure matters; lookups go to Redis through the async methods above (ackFor too: only
   * the cluster's queueing asks for an away client's settings).
   *
   * A takeover on this node registers the new connection before the old one is displaced, and the old one's
   * departure reaches release() before the new one is attached (save()): that release must not drop the new claim.
   */
  resumeStore(): ResumeStore {
    return {
      find: () => undefined,
      save: (_hash, { tunnelId }) => {
        const held = this.held.get(tunnelId);
        if (held) held.attached = true;
      },
      ackFor: () => undefined,
      release: (id) => {
        if (this.held.get(id)?.attached === false) return;
        this.release(id);
      },
      extend: () => {},
      knows: () => false,
      isRandom: () => false,
      releaseAll: () => {},
      sweep: () => {},
    };
  }
}
