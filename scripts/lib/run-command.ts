import type { Problem } from '../../shared/contract';

/** Runs a command line's `main` and exits with its code; an unexpected error prints its message and exits 1. */
export function runCommand(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}

/** Every problem of a refused command, one a line (each message starts with the field or option it is about). */
export function printProblems(problems: readonly Problem[]): number {
  console.error(`发现 ${problems.length} 个问题，未写入任何内容：`);
  for (const problem of problems) console.error(`  ${problem.message}`);
  return 1;
}
