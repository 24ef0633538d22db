// One pass over a public request's rawHeaders: the counts the limits need and the few values the relay reads.
//
// Reading `req.headers` makes Node build a lower-cased object of every header on each request; the relay needs four
// values, so it takes them here from rawHeaders, with Node's own rules for duplicates (nodejs.org/api/http.html,
// message.headers: duplicates of host and content-length are discarded, other duplicates are joined with ", ").

export interface RequestHead {
  /** Header lines as received. */
  count: number;
  /** Bytes of the header lines as sent (`name: value\r\n`); Node's own count is not exact. */
  bytes: number;
  /** The first Host. */
  host: string | undefined;
  /** The first Content-Length. */
  contentLength: string | undefined;
  /** Every X-Forwarded-For, joined with ", ". */
  forwardedFor: string | undefined;
  /** Every X-Forwarded-Proto, joined with ", ". */
  forwardedProto: string | undefined;
  /** Every X-Forwarded-Host, joined with ", ". */
  forwardedHost: string | undefined;
  /** Every Transfer-Encoding, joined with ", ". */
  transferEncoding: string | undefined;
}

const join = (previous: string | undefined, value: string) => (previous === undefined ? value : `${previous}, ${value}`);

/** Reads a request head's counts and the headers the relay uses. */
export function scanHead(raw: string[]): RequestHead {
  const head: RequestHead = {
    count: raw.length >>> 1,
    bytes: 0,
    host: undefined,
    contentLength: undefined,
    forwardedFor: undefined,
    forwardedProto: undefined,
    forwardedHost: undefined,
    transferEncoding: undefined,
  };
  let bytes = 0;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i];
    const value = raw[i + 1];
    bytes += name.length + value.length + 4;
    // Compare by length first: most headers are none of these, and lower-casing each name would allocate.
    switch (name.length) {
      case 4:
        if (head.host === undefined && name.toLowerCase() === 'host') head.host = value;
        break;
      case 14:
        if (head.contentLength === undefined && name.toLowerCase() === 'content-length') head.contentLength = value;
        break;
      case 15:
        if (name.toLowerCase() === 'x-forwarded-for') head.forwardedFor = join(head.forwardedFor, value);
        break;
      case 16:
        if (name.toLowerCase() === 'x-forwarded-host') head.forwardedHost = join(head.forwardedHost, value);
        break;
      case 17: {
        const lower = name.toLowerCase();
        if (lower === 'x-forwarded-proto') head.forwardedProto = join(head.forwardedProto, value);
        else if (lower === 'transfer-encoding') head.transferEncoding = join(head.transferEncoding, value);
        break;
      }
    }
  }
  head.bytes = bytes;
  return head;
}
