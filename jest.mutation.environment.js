/**
 * The test environment of `npm run mutation`: node's, plus a bail. Once a test fails while a mutant is active, the
 * mutant is killed, so every later test and describe block of that mutant's run is skipped (their beforeAll hooks,
 * which start local clouds, included). Jest has no bail when Stryker runs it programmatically, and without one each
 * killed mutant would still run all of its covering tests. The dry run (no active mutant) runs every test.
 *
 * A test under a mutant also gets 30 s (jest's usual limit here) instead of the dry run's 180 s, unless it sets its
 * own: a mutant that makes a test wait for what never comes is then killed after 30 s, not after Stryker's timeout
 * (1.5 × the covering tests' whole dry-run time).
 */
const { TestEnvironment } = require('jest-environment-node');

/** Set by Stryker's jest runner in this process for each mutant run. */
const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__';

const MUTANT_TEST_TIMEOUT_MS = 30_000;

/** The mutant whose run has already failed a test in this process, if any. Outlives the environment of one file. */
let killedMutant;

class BailOnKilledMutant extends TestEnvironment {
  async handleTestEvent(event) {
    const mutant = process.env[ACTIVE_MUTANT];
    if (mutant === undefined) return;
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') killedMutant = mutant;
    else if (killedMutant === mutant && event.name === 'run_describe_start') event.describeBlock.mode = 'skip';
    else if (killedMutant === mutant && event.name === 'test_start') event.test.mode = 'skip';
    else if (event.name === 'test_start') event.test.timeout ??= MUTANT_TEST_TIMEOUT_MS;
  }
}

module.exports = BailOnKilledMutant;
