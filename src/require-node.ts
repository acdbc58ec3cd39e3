// Imported first by every entry point: on an older Node the package would load and then fail
// mid-test with "Promise.withResolvers is not a function"; this says why, before anything runs.
import { nodeVersionProblem, runningNodeVersion } from './node-version.ts';

const problem = nodeVersionProblem(runningNodeVersion());
if (problem) throw new Error(problem);
