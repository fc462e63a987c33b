/**
 * Entry point of the admin CLI (`npx convene …` through bin/convene.mjs, or `npm run cli -- …`).
 * All behaviour lives in run.ts so tests can call it in-process.
 */
import { runCli } from './run.js';

process.exitCode = await runCli(process.argv.slice(2));
