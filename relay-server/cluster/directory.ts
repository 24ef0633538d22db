// The cluster's tunnel registry in Redis: which node holds each connected tunnel, resume tokens valid on every node,
// and reserved names. The node keeps its own claims alive (refresh) and writes them again after Redis lost them.

import { createHash } from 'node:crypto';
import type { ResumeStore } from '../resume-store.js';
import { DELETE_IF, FIND_RESUME, REFRESH, REGISTER, RESERVE_NAME } from './directory-scripts.js';
import { redisKeys } from './redis-keys.js';
import type { RedisConnection } from './redis-connection.js';

export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export interface DirectoryTimes {
  /** A claim on a tunnel lapses this long after its node's last refresh. */
  locationTtlMs: number;
  /** A disconnected id keeps its URL this long (--resume-ttl). */
  resumeTtlMs: number;
}

export class TunnelDirectory {
  /** Tunnels this node registered: id → hash of its resume token, and the owner of the id as a reserved name. */
  private readonly held = new Map<string, { hash: string; owner: string }>();

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

  private args(id: string, hash: string): [string[], (string | number)[]] {
    return [
      [redisKeys.location(id), redisKeys.reservation(id), redisKeys.resume(hash)],
      [this.nodeUrl, this.times.locationTtlMs, this.keepMs, hash, id],
    ];
  }

  /** The node holding this tunnel's client, if any node does. Rejects while Redis is down. */
  async locate(id: string): Promise<string | undefined> {
    return (await this.redis.command.get(redisKeys.location(id))) ?? undefined;
  }

  /** Connected somewhere, reserved for a resume token, or a reserved name: its senders get 202/503, not 404. */
  async known(id: string): Promise<boolean> {
    return (await this.redis.command.exists(redisKeys.location(id), redisKeys.reservation(id), redisKeys.name(id))) > 0;
  }

  async findResume(token: string): Promise<string | undefined> {
    const hash = tokenHash(token);
    return ((await this.redis.run(FIND_RESUME, [redisKeys.resume(hash)], [hash])) as string | null) ?? undefined;
  }

  async nameOwner(name: string): Promise<string | undefined> {
    return (await this.redis.command.get(redisKeys.name(name))) ?? undefined;
  }

  /** Binds a name to a token unless another token got it first; returns the owner. */
  async reserveName(name: string, owner: string): Promise<string> {
    return (await this.redis.run(RESERVE_NAME, [redisKeys.name(name)], [owner])) as string;
  }

  /** This node holds the tunnel from now on; the node that held it before lets go on its next refresh. */
  async register(id: string, resumeToken: string, nameOwner = ''): Promise<void> {
    const hash = tokenHash(resumeToken);
    await this.redis.run(REGISTER, ...this.args(id, hash));
    this.held.set(id, { hash, owner: nameOwner });
    this.publish(`moved ${id} ${this.nodeUrl}`);
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
    for (const [id, { hash, owner }] of [...this.held]) {
      if (!live(id)) {
        this.release(id);
        continue;
      }
      const [keys, args] = this.args(id, hash);
      const kept = await this.redis.run(REFRESH, [...keys, redisKeys.name(id)], [...args, owner]);
      // Registered again here meanwhile (a --force on this node): the new claim is not lost.
      if (kept === 0 && this.held.get(id)?.hash === hash) {
        this.held.delete(id);
        lost.push(id);
      }
    }
    return lost;
  }

  publish(message: string): void {
    this.redis.command.publish(redisKeys.events, message).catch((error: Error) => this.log(`could not announce "${message}": ${error.message}`));
  }

  /**
   * The ResumeStore the node's TunnelRegistry writes to. Claims are made (and awaited) by the cluster's own claim, so
   * here only a client's departure matters; lookups go to Redis through the async methods above.
   */
  resumeStore(): ResumeStore {
    return {
      find: () => undefined,
      save: () => {},
      release: (id) => this.release(id),
      extend: () => {},
      knows: () => false,
      releaseAll: () => {},
      sweep: () => {},
    };
  }
}
