/**
 * npm run price-test -- <start|stop|show> <courseId> [options] [--env <envId>]
 *
 * A creator's price test of one course (README, "Creator insights"), written through @cloudbase/node-sdk into the
 * local cloud (`npm start`) or, with --env, a real CloudBase environment (TENCENTCLOUD_SECRETID /
 * TENCENTCLOUD_SECRETKEY). `start` switches it on within the creator's bounds; the nightly `insights` job then sets
 * the course's price each week, from the next Monday on, until it settles. `stop` switches it off, leaving the price
 * in force. Every problem is reported at once, named by its option, and nothing is written. Exit code 1 on a problem,
 * 2 on a usage error.
 */
import { connect, readCommandLine } from './lib/cloudbase-app';
import { showTest, startTest, stopTest, type TestResult } from './lib/price-test';
import { printProblems, runCommand } from './lib/run-command';
import { yuanText } from '../shared/promo/labels';
import type { PriceTestDoc } from '../shared/insights/pricing/price-test-doc';

const USAGE = `用法：npm run price-test -- <命令> <课程 ID> [选项] [--env <环境 ID>]
  start <课程 ID> --min-fen <分> --max-fen <分> [--ladder <分>,<分>,…]
        在价格范围内开启价格测试（不给 --ladder 时用平台默认价格阶梯）；从下周一起每周调整一次价格
  stop  <课程 ID>    停止价格测试，保留当前价格
  show  <课程 ID>    查看价格测试的状态和每周价格`;

const COMMANDS: Record<string, string[]> = {
  start: ['--min-fen', '--max-fen', '--ladder'],
  stop: [],
  show: [],
};

const STATUS: Record<PriceTestDoc['status'], string> = { running: '进行中', settled: '已定价', stopped: '已停止' };

function report(result: TestResult): number {
  if (!result.ok) return printProblems(result.problems);
  const t = result.test;
  const ladder = t.bounds.ladderFen ? `，价格阶梯 ${t.bounds.ladderFen.map(yuanText).join(' / ')}` : '';
  console.log(
    `课程 ${t.courseId} 的价格测试：${STATUS[t.status]}，范围 ${yuanText(t.bounds.minFen)} – ${yuanText(t.bounds.maxFen)}${ladder}`,
  );
  if (t.periods.length === 0 && t.status === 'running') {
    console.log(`  下周一起以 ${yuanText(t.state.priceFen)} 开始第一周`);
  }
  for (const [i, period] of t.periods.entries()) {
    console.log(`  第 ${i + 1} 周（${period.week} 起）：${yuanText(period.priceFen)}`);
  }
  if (t.state.settledPriceFen !== undefined) console.log(`  已定在 ${yuanText(t.state.settledPriceFen)}`);
  else if (t.leader) {
    console.log(
      `  目前看来最好的价格：${yuanText(t.leader.priceFen)}（把握约 ${Math.round(100 * t.leader.probabilityBest)}%）`,
    );
  }
  return 0;
}

async function main(): Promise<number> {
  // The command may come after --env, as in `npm run price-test -- --env <id> start <courseId> …`.
  const values = ['--env', ...new Set(Object.values(COMMANDS).flat())];
  const args = readCommandLine(process.argv.slice(2), { values }, USAGE);
  if (typeof args === 'number') return args;
  const [command, ...positional] = args.positional;
  const options = command === undefined ? undefined : COMMANDS[command];
  const foreign = [...args.values.keys()].find((name) => name !== '--env' && !options?.includes(name));
  if (!options || positional.length > 1 || foreign !== undefined) {
    console.error(`${foreign !== undefined && options ? `${command} 不接受选项 ${foreign}\n` : ''}${USAGE}`);
    return 2;
  }
  const [courseId] = positional;
  const { app, description } = await connect(args.values.get('--env'));
  const db = app.database();
  console.error(`→ ${description}`);
  const now = new Date();
  if (command === 'start') {
    const bounds = {
      minFen: args.values.get('--min-fen'),
      maxFen: args.values.get('--max-fen'),
      ladder: args.values.get('--ladder'),
    };
    return report(await startTest(db, courseId, bounds, now));
  }
  return report(command === 'stop' ? await stopTest(db, courseId, now) : await showTest(db, courseId));
}

runCommand(main);
