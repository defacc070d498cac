/**
 * npm run deploy -- --env <envId> [--dry-run] [--courses <folder>] [--vars <file>]
 *
 * Deploys the product to a CloudBase environment in one command: bundles the functions and creates or updates each
 * with its config.json settings and variables, creates the missing collections and indexes, sets the security rules
 * and imports the courses. Prints the plan first; `--dry-run` stops there. See scripts/lib/deploy/.
 */
import { runDeploy } from './lib/deploy/cli';
import { runCommand } from './lib/run-command';

runCommand(() =>
  runDeploy(process.argv.slice(2), {
    log: (line) => console.log(line),
    error: (line) => console.error(line),
  }),
);
