import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunResult, runProcess } from '../run-process.ts';

/** The repository root. */
export const REPO = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The environment for commands run as a user would run them, from a project outside this one.
 *
 * @note `PATH` starts with this repository's `node_modules/.bin`, where the `node@24`
 * devDependency puts its `node`: the machine's own Node may be 20, and msw 3 (so this package,
 * whose `engines` says >= 22.12) needs 22.12 or later. `npx` and the package's bin
 * (`#!/usr/bin/env node`) then run on Node 24, as they would on a user's machine with a current Node.
 * @note The `npm_*` variables that `npx vitest` exports are dropped: `npm_config_local_prefix`
 * would point every `npm install` in the temporary project back at this repository.
 */
export function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(name) || name === 'INIT_CWD' || name === 'NODE') continue;
    env[name] = value;
  }
  env.PATH = `${REPO}node_modules/.bin${delimiter}${process.env.PATH ?? ''}`;
  env.npm_config_update_notifier = 'false';
  return env;
}

/** Runs a command to completion as a user would (see {@link userEnv}); rejects only on a timeout. */
export function run(command: string, args: string[], cwd: string, timeoutMs = 120_000): Promise<RunResult> {
  return runProcess(command, args, { cwd, env: userEnv(), timeoutMs });
}

/** Like {@link run}, but rejects with the command's output unless it exits 0. */
export async function runOk(command: string, args: string[], cwd: string, timeoutMs?: number) {
  const result = await run(command, args, cwd, timeoutMs);
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
  }
  return result;
}

export interface Serving {
  baseUrl: string;
  /** SIGTERM to the process group (SIGKILL after 10 s); resolves with how it ended and all it printed. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
}

/** Spawns a long-running command and resolves once its output shows `listening at <url>`. */
export function startListening(command: string, args: string[], cwd: string): Promise<Serving> {
  return new Promise((resolve, reject) => {
    // Its own process group, so that stop() signals npx and the server under it together, as
    // Ctrl-C in a terminal does; and waits for both (the server holds the output pipes open).
    const child: ChildProcessWithoutNullStreams = spawn(command, args, {
      cwd,
      env: userEnv(),
      detached: true,
    });
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-(child.pid as number), signal);
      } catch {
        // Already gone.
      }
    };
    let output = '';
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.on('close', (code, signal) => done({ code, signal })),
    );
    const timer = setTimeout(() => {
      signalGroup('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} printed no URL in 30 s: ${output}`));
    }, 30_000);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`${command} ${args.join(' ')} exited (${code}) before listening: ${output}`));
    };
    child.on('exit', onExit);
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /listening at (http:\/\/\S+)/.exec(output);
      if (!match?.[1]) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve({
        baseUrl: match[1],
        stop() {
          signalGroup('SIGTERM');
          const force = setTimeout(() => signalGroup('SIGKILL'), 10_000);
          return closed.then((how) => {
            clearTimeout(force);
            return { ...how, output };
          });
        },
      });
    });
  });
}
