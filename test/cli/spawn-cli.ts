import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type RunResult, runProcess } from '../run-process.ts';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** Runs the real CLI (the TypeScript source, on the Node that runs the tests) and collects its output. */
export function runCli(args: string[], timeoutMs = 10_000): Promise<RunResult> {
  return runProcess(process.execPath, [MAIN, ...args], { timeoutMs });
}

export interface ServingCli {
  child: ChildProcessWithoutNullStreams;
  /** The base URL the CLI printed, e.g. `http://127.0.0.1:40123/api/v1`. */
  baseUrl: string;
  output: () => string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `serve` and resolves once it prints its base URL (pretty, or the JSON banner's `baseUrl`). */
export function startServe(args: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<ServingCli> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, 'serve', '--port', '0', ...args], { env });
    let output = '';
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not print its URL in time: ${output}`));
    }, 10_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /listening at (http:\/\/\S+)/.exec(output) ?? /"baseUrl":"(http:\/\/[^"]+)"/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({
          child,
          baseUrl: match[1],
          output: () => output,
          stop: (signal = 'SIGTERM') => {
            child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}) before printing its URL: ${output}`));
    });
  });
}
