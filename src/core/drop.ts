/** Thrown into a body stream to drop the connection mid-body (`stream-drop`, a replayed cut). */
export class DroppedConnection extends Error {
  override name = 'DroppedConnection';
}

const EMPTY = new Uint8Array(0);

/**
 * How a cut body ends: an empty chunk, so the head goes out even when no byte of the body did (MSW
 * and node:http send it with the first write), then, a turn of the event loop later so what was
 * written reaches the client first, the error that drops the connection. The client sees the
 * status, what was sent, then the body ending early: never a 500.
 */
export async function* dropConnection(reason: string): AsyncGenerator<Uint8Array, never> {
  yield EMPTY;
  await new Promise((resolve) => setTimeout(resolve, 0));
  throw new DroppedConnection(reason);
}
