// Which id a HELLO gets on a clustered node: the same rules as a single relay (tunnel-registry.ts and handshake.ts),
// decided against Redis, so names, resume tokens and "connected elsewhere" hold across every node.

import { randomBytes } from 'node:crypto';
import { tunnelNameProblem, type HelloMeta } from '../../src/protocol.js';
import { anotherClientsId, randomTunnelId, type Claim, type TunnelRegistry } from '../tunnel-registry.js';
import type { TunnelDirectory } from './directory.js';

const newResumeToken = () => randomBytes(24).toString('base64url');

export async function clusterClaim(
  hello: HelloMeta,
  tokenKey: string | undefined,
  deps: { directory: TunnelDirectory; registry: TunnelRegistry; maxTunnelsPerToken: number },
): Promise<Claim> {
  const { directory, registry } = deps;
  const name = hello.name;
  const problem = name === undefined ? undefined : tunnelNameProblem(name);
  if (problem) return { ok: false, code: 'bad_name', message: problem, fatal: true };
  // Ownership first: --force must not help a client whose token does not own the name.
  const owner = tokenKey && name !== undefined ? await directory.nameOwner(name) : undefined;
  if (owner && owner !== tokenKey) return reserved(name!);
  const resumed = hello.resumeToken ? await directory.findResume(hello.resumeToken) : undefined;
  // As on a single relay (tunnel-registry.ts): a random id is its client's on every node, with or without tokens, so
  // one held on (or last seen by) another node is refused here too. Only its resume token brings it back.
  const randomName = name !== undefined && (await directory.isRandom(name));
  if (randomName && resumed !== name) return { ok: false, code: 'name_reserved', message: anotherClientsId(name!), fatal: true };
  // As on a single relay (handshake.ts): with a token, a known id no token owns is another client's.
  if (tokenKey && name !== undefined && !owner && resumed !== name && (await directory.known(name))) {
    return { ok: false, code: 'name_reserved', message: anotherClientsId(name), fatal: true };
  }

  let claim: Claim & { ok: true };
  if (name !== undefined) {
    const ownsIt = resumed === name;
    const local = registry.get(name);
    const holder = await directory.locate(name);
    // A claim naming this node without a local client is stale (this node restarted): nobody holds the name.
    const elsewhere = holder !== undefined && holder !== directory.nodeUrl;
    if ((local || elsewhere) && !ownsIt && !hello.force) return taken(name);
    // Random only when its own client names it (refused otherwise, above): it stays random.
    claim = { ok: true, id: name, resumeToken: ownsIt ? hello.resumeToken! : newResumeToken(), random: randomName, displaced: local };
  } else if (resumed) {
    claim = { ok: true, id: resumed, resumeToken: hello.resumeToken!, random: await directory.isRandom(resumed), displaced: registry.get(resumed) };
  } else {
    let id = randomTunnelId();
    while (await directory.known(id)) id = randomTunnelId();
    claim = { ok: true, id, resumeToken: newResumeToken(), random: true };
  }

  if (tokenKey) {
    // Counted per node: a token's tunnels are spread over nodes by the load balancer.
    const open = registry.countFor(tokenKey) - (claim.displaced?.tokenKey === tokenKey ? 1 : 0);
    if (open >= deps.maxTunnelsPerToken) {
      const message = `this token already has ${open} tunnels open on the relay, its limit; stop one, or raise the relay's --max-tunnels-per-token`;
      return { ok: false, code: 'too_many_tunnels', message, fatal: true };
    }
    // Another node may have bound the name since the check above: the first binding wins.
    if (name !== undefined && !owner && (await directory.reserveName(name, tokenKey)) !== tokenKey) return reserved(name);
  }
  // Another node may have taken the name since it was located above (the same name claimed on two nodes at once):
  // Redis decides as it registers, and the later claim gets the answer it would have got a moment later. Only --force
  // and the name's own resume token take it from another node (a resumed random id is its client's alone).
  const unlessHeldElsewhere = name !== undefined && resumed !== name && !hello.force;
  const nameOwner = tokenKey && name !== undefined ? tokenKey : '';
  if (!(await directory.register(claim.id, claim.resumeToken, { random: claim.random, nameOwner, ack: hello.ack, clientTimeoutMs: hello.timeoutMs, unlessHeldElsewhere }))) return taken(name!);
  return claim;
}

function taken(name: string): Claim {
  return { ok: false, code: 'name_taken', message: `name "${name}" is in use by another connected client; pass --force to take it over`, fatal: true };
}

function reserved(name: string): Claim {
  const message = `name "${name}" is reserved by another token on this relay; pick another --name, or ask the relay's operator to give it to your token (\`hooktunnel relay name give ${name} <token> --redis URL\`, which keeps what is queued for it)`;
  return { ok: false, code: 'name_reserved', message, fatal: true };
}
