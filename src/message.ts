// Every message the library prints or throws carries one prefix, written here once.

export const TAG = '[openrouter-images-mock]';

/** `text` as the library says it: with its prefix. */
export const said = (text: string): string => `${TAG} ${text}`;

/** `text` without the library's prefix, for a CLI that prints its own. */
export const unsaid = (text: string): string =>
  text.startsWith(`${TAG} `) ? text.slice(TAG.length + 1) : text;

/**
 * Misuse of the library: an argument or a file the caller gave that cannot work (a catalog model
 * that breaks the contract, a recording that cannot be replayed). The message names what to fix;
 * `detail` is it without the prefix, for the CLI's one-line errors.
 */
export class MisuseError extends Error {
  readonly detail: string;

  constructor(detail: string, options?: ErrorOptions) {
    super(said(detail), options);
    this.name = 'MisuseError';
    this.detail = detail;
  }
}
