// The hooktunnel wire protocol: the one module both the relay and the CLI import. Import from here, not from the
// files under src/protocol/, which hold its parts:
//
//   limits.ts    every size limit and timeout, as named constants
//   errors.ts    stable error codes with their HTTP statuses, and ProtocolError for malformed frames
//   messages.ts  version, endpoint, message type tags and the meta of each message
//   frames.ts    the binary frame layout: encode() and decode() (which validates, with meta.ts)
//   tunnel-name.ts  what a tunnel name may be

export * from './protocol/limits.js';
export * from './protocol/errors.js';
export * from './protocol/messages.js';
export * from './protocol/tunnel-name.js';
export { decode, encode, FLAG_END } from './protocol/frames.js';
