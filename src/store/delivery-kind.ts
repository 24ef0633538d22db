// Which recorded exchanges are the same kind of delivery, for the duplicate and out-of-order marks and for which
// exchange a provider event id names. A delivery that came from a sender through a relay has the public URL it was
// sent to (`url`); one sent from here (`trigger`) or imported from a foreign archive has none. `trigger --to <the
// tunnel's public URL>` is then recorded twice, once by trigger and once by the listen it reached: one delivery seen
// from both ends, which must not make either a duplicate (or out of order) of the other.

/**
 * The SQL term: this row is of the kind of a delivery whose `url` is the bound parameter. Equality of the two
 * IS NULLs, so one statement serves both kinds; url comes early in the row, so reading it costs no overflow page.
 */
export const SAME_KIND = '(url IS NULL) = (? IS NULL)';
