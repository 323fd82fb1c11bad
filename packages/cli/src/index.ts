/**
 * The `greenlight` command line: reports pipeline events to Greenlight and
 * asks its gates for decisions.
 *
 * @packageDocumentation
 */

import { run } from './cli';

run(process.argv.slice(2)).then(
  code => {
    process.exitCode = code;
  },
  error => {
    process.stderr.write(`greenlight: ${error?.stack ?? error}\n`);
    process.exitCode = 1;
  },
);
