// Imported first by the CLI: on an older Node, one line and exit 1 instead of a stack trace.
import { nodeVersionProblem, runningNodeVersion } from '../node-version.ts';

const problem = nodeVersionProblem(runningNodeVersion());
if (problem) {
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}
