/**
 * Calls `onGone` once the process that started this one has exited. `npx` and `npm start` run the
 * CLI under a shell of their own and do not pass SIGTERM on: a supervisor that stops them would
 * otherwise leave the server listening, and its recording unfinished. On POSIX an orphan is
 * adopted (its `ppid` changes); on Windows it is not, so the old parent is also asked whether it
 * still exists. Started by init, or adopted already, there is no parent to watch. Returns a
 * function that stops watching.
 */
export function watchParent(onGone: () => void, intervalMs = 1_000): () => void {
  const parent = process.ppid;
  if (parent <= 1) return () => {};
  const timer = setInterval(() => {
    if (process.ppid === parent && exists(parent)) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  // The watch alone keeps nobody alive.
  timer.unref();
  return () => clearInterval(timer);
}

function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, run by someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
