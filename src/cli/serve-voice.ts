import { readFileSync } from 'node:fs';
import { redactText } from '../secrets/redact.ts';
import { isLoopbackHost } from '../server/control/access.ts';
import type { MockServer, MockServerOptions } from '../server/mock-server.ts';
import type { LogFormat } from '../server/request-log.ts';

const NAME = 'openrouter-images-mock';

/** Whether the control routes answer, and what they need. */
export type ControlState =
  | { state: 'on'; url: string }
  | { state: 'token'; url: string; header: string }
  | { state: 'locked'; url: string; needs: string; because: string }
  | { state: 'off'; because: string };

/** Everything the server says about itself once it listens: one block, or one JSON line. */
export interface Banner {
  baseUrl: string;
  gallery: string;
  journal: string;
  control: ControlState;
  proxy?: string;
  replay?: string;
  record?: string;
  pid: number;
  stop: string;
}

/** As the server decides (src/server/mock-server.ts, control/access.ts), said beforehand. */
function controlState(origin: string, options: MockServerOptions): ControlState {
  const url = `${origin}/__mock/scenarios`;
  if (options.proxy) return { state: 'off', because: '--proxy: the upstream answers' };
  if (options.replay) return { state: 'off', because: '--replay: the recording answers' };
  if (options.control === false) return { state: 'off', because: '--no-control' };
  if (options.controlToken !== undefined)
    return { state: 'token', url, header: 'Authorization: Bearer <--control-token>' };
  if (!isLoopbackHost(options.host ?? '127.0.0.1'))
    return { state: 'locked', url, needs: '--control-token', because: 'bound beyond loopback' };
  return { state: 'on', url };
}

export function bannerOf(server: MockServer, options: MockServerOptions): Banner {
  return {
    baseUrl: server.baseUrl,
    gallery: `${server.url}/__mock/`,
    journal: `${server.url}/__mock/requests`,
    control: controlState(server.url, options),
    ...(options.proxy ? { proxy: options.proxy } : {}),
    ...(options.replay ? { replay: options.replay } : {}),
    ...(options.record ? { record: options.record } : {}),
    pid: process.pid,
    stop: 'SIGINT (Ctrl-C), SIGTERM or SIGHUP',
  };
}

function controlText(control: ControlState): string {
  if (control.state === 'off') return `off (${control.because})`;
  if (control.state === 'locked')
    return `locked: ${control.because}, the routes need ${control.needs} (401 until then)`;
  const routes = `${control.url} (also /responses, /credits, /reset)`;
  return control.state === 'token' ? `${routes}, with ${control.header}` : routes;
}

/** The banner as a short block; its first line is the one scripts wait for (`listening at <url>`). */
export function prettyBanner(banner: Banner): string {
  const rows: [string, string][] = [
    ['gallery', banner.gallery],
    ['journal', banner.journal],
    ['control', controlText(banner.control)],
  ];
  if (banner.proxy) rows.push(['proxy', `${banner.proxy} (each exchange checked against the contract)`]);
  if (banner.replay) rows.push(['replay', banner.replay]);
  if (banner.record) rows.push(['record', `${banner.record} (complete once the server stops)`]);
  rows.push(['stop', `Ctrl-C, or SIGTERM to pid ${banner.pid}`]);
  return [
    `${NAME} listening at ${banner.baseUrl}`,
    ...rows.map(([key, value]) => `  ${key.padEnd(9)}${value}`),
  ]
    .map((line) => `${line}\n`)
    .join('');
}

/** One JSON line: every line `serve --log json` writes has `event` and `time`. */
export function jsonEvent(event: string, fields: object): string {
  return `${JSON.stringify({ event, time: new Date().toISOString(), ...fields })}\n`;
}

/** What `serve` says besides the request log, in the log's format: stdout for news, stderr for trouble. */
export interface Voice {
  listening(banner: Banner): void;
  warning(message: string): void;
  /** The stack goes into JSON lines only: pretty output keeps to one line, as for any CLI error. */
  error(message: string, stack?: string): void;
  closing(reason: string): void;
}

type Write = (text: string) => void;

export function voiceFor(
  format: LogFormat,
  out: Write = (text) => process.stdout.write(text),
  err: Write = (text) => process.stderr.write(text),
): Voice {
  if (format === 'json') {
    return {
      listening: (banner) => out(jsonEvent('listening', banner)),
      warning: (message) => err(jsonEvent('warning', { message })),
      // Messages may echo what a client sent: redacted, as the request log is.
      error: (message, stack) =>
        err(redactText(jsonEvent('error', { message, ...(stack === undefined ? {} : { stack }) }))),
      closing: (reason) => out(jsonEvent('closing', { reason })),
    };
  }
  return {
    listening: (banner) => out(prettyBanner(banner)),
    warning: (message) => err(`${NAME}: warning: ${message}\n`),
    error: (message) => err(`${NAME}: ${message}\n`),
    closing: (reason) => out(`${NAME}: ${reason}, closing\n`),
  };
}

/**
 * Whether `serve`'s arguments ask for JSON lines, read leniently (the last `--log` wins, then a
 * `--config` file's `log`): an error found while they are parsed is said in their format too.
 */
export function asksForJson(argv: string[]): boolean {
  let log: string | undefined;
  let config: string | undefined;
  argv.forEach((arg, i) => {
    if (arg === '--log') log = argv[i + 1];
    else if (arg.startsWith('--log=')) log = arg.slice('--log='.length);
    else if (arg === '--config') config = argv[i + 1];
    else if (arg.startsWith('--config=')) config = arg.slice('--config='.length);
  });
  if (log === undefined && config !== undefined) {
    try {
      log = (JSON.parse(readFileSync(config, 'utf8')) as { log?: string } | null)?.log;
    } catch {
      // The config's own error is reported as it is parsed.
    }
  }
  return log === 'json';
}

/**
 * Colour on a terminal only: never with NO_COLOR (any non-empty value), always with FORCE_COLOR
 * (other than `0` or `false`), else when stdout is a TTY. The same rule as `validate`'s.
 */
export function wantsColor(env: NodeJS.ProcessEnv, isTTY: boolean | undefined): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  return isTTY === true;
}
