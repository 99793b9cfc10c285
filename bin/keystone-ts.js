#!/usr/bin/env node
// Entry point of the `keystone-ts` command: runs the compiled CLI (npm run build writes dist/).
import { main } from '../dist/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`keystone-ts: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
