// Reads all of stdin as a stream. `readFileSync(0)` is not safe for this: when the pipe's open file is non-blocking
// (a parent, or the other end of a shell pipeline, may have made it so) and the producer has not written yet, the
// read fails with EAGAIN instead of waiting.

/** Every byte until the end of stdin. */
export async function readStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}
