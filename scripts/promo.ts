/**
 * npm run promo -- <command> [options] [--env <envId>]
 *
 * Creators' selling tools, writing through @cloudbase/node-sdk into the local cloud (`npm start`) or, with --env, a
 * real CloudBase environment (TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY). Options are named like the document
 * fields they set (shared/promo/documents.ts); every problem is reported at once and nothing is written. Exit code 1
 * on a problem, 2 on a usage error. The commands and their options are in USAGE below and in the README ("Selling").
 */
import { connect, readCommandLine } from './lib/cloudbase-app';
import { printProblems, runCommand } from './lib/run-command';
import { couponLabel, scopeText, yuanText } from '../shared/promo/labels';
import { createCodes } from './lib/promo/codes';
import { createCoupon, createDiscount, saveBundle } from './lib/promo/create';
import type { Options } from './lib/promo/options';
import { revoke } from './lib/promo/revoke';
import { usageReport } from './lib/promo/usage';
import { virtualItems } from './lib/promo/virtual-items';

const USAGE = `用法：npm run promo -- <命令> [选项] [--env <环境 ID>]
  coupon   --title <名称> --kind amount|percent|threshold --stock <张数> [--perLearner 1]
           立减 --amountFen <分>；折扣 --percentOff <1-99> [--maxOffFen <分>]；满减 --thresholdFen <分> --amountFen <分>
           (--all | --courseIds a,b | --categories c | --bundleIds v) [--startsAt <ISO>] (--endsAt <ISO> | --days <天>) [--id]
  discount (--course <id> | --bundle <id>) --priceFen <分> [--label 限时特惠] [--startsAt] (--endsAt | --days) [--id]
  bundle   --id <id> [--title] [--subtitle] [--kind membership|column] [--termDays <天>] [--priceFen <分>]
           [--courseIds a,b,c] [--cover cloud://…] [--status published|draft|archived]   （已存在则更新所给字段）
  codes    (--course <id> | --bundle <id>) --count <个数> [--expiresAt <ISO> | --days <天>] [--note <备注>] [--id]
  usage                                   每张优惠券的领取与使用、每批兑换码的使用、限时价
  revoke   coupon|discount|batch|bundle <id>
  virtual-items                           需要在虚拟支付后台登记的道具`;

const WINDOW = ['startsAt', 'endsAt', 'days'];
const COMMANDS: Record<string, { values: string[]; flags: string[] }> = {
  coupon: {
    values: [
      'id',
      'title',
      'kind',
      'stock',
      'perLearner',
      'amountFen',
      'percentOff',
      'maxOffFen',
      'thresholdFen',
      'courseIds',
      'categories',
      'bundleIds',
      ...WINDOW,
    ],
    flags: ['all'],
  },
  discount: { values: ['id', 'course', 'bundle', 'priceFen', 'label', ...WINDOW], flags: [] },
  bundle: {
    values: ['id', 'title', 'subtitle', 'kind', 'termDays', 'priceFen', 'courseIds', 'cover', 'status'],
    flags: [],
  },
  codes: { values: ['id', 'course', 'bundle', 'count', 'expiresAt', 'days', 'note'], flags: [] },
  usage: { values: [], flags: [] },
  revoke: { values: [], flags: [] },
  'virtual-items': { values: [], flags: [] },
};

const dashed = (names: readonly string[]) => names.map((n) => `--${n}`);

function windowText(window: { startsAt: string; endsAt: string }): string {
  return `${window.startsAt} – ${window.endsAt}`;
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  const spec = command === undefined ? undefined : COMMANDS[command];
  if (command === '--help' || command === undefined || !spec) {
    console.error(USAGE);
    return command === '--help' ? 0 : 2;
  }
  const args = readCommandLine(rest, { values: ['--env', ...dashed(spec.values)], flags: dashed(spec.flags) }, USAGE);
  if (typeof args === 'number') return args;
  if (command === 'revoke' ? args.positional.length !== 2 : args.positional.length > 0) {
    console.error(USAGE);
    return 2;
  }
  const options: Options = {};
  for (const [name, value] of args.values) if (name !== '--env') options[name.slice(2)] = value;
  for (const flag of args.flags) options[flag.slice(2)] = true;

  const { app, description } = await connect(args.values.get('--env'));
  const db = app.database();
  const now = new Date();
  console.error(`→ ${description}`);
  switch (command) {
    case 'coupon': {
      const result = await createCoupon(db, options, now);
      if (!result.ok) return printProblems(result.problems);
      const c = result.doc;
      console.log(
        `已创建优惠券 ${c._id}：${c.title}，${couponLabel(c)}，库存 ${c.stock}，每人限领 ${c.perLearner}，` +
          `${windowText(c)}，适用${scopeText(c.appliesTo)}`,
      );
      return 0;
    }
    case 'discount': {
      const result = await createDiscount(db, options, now);
      if (!result.ok) return printProblems(result.problems);
      const p = result.doc;
      console.log(
        `已创建限时价 ${p._id}：${p.target.kind} ${p.target.id} ${yuanText(p.priceFen)}（${p.label}），${windowText(p)}`,
      );
      return 0;
    }
    case 'bundle': {
      const result = await saveBundle(db, options, now);
      if (!result.ok) return printProblems(result.problems);
      const b = result.doc;
      const kind = b.kind === 'membership' ? `会员（${b.termDays} 天）` : '专栏（永久）';
      console.log(
        `${result.created ? '已创建' : '已更新'}${kind} ${b._id}：${b.title}，${yuanText(b.priceFen)}，` +
          `${b.courseIds.length} 门课程，状态 ${b.status}`,
      );
      return 0;
    }
    case 'codes': {
      const result = await createCodes(db, options, now, process.env);
      if (!result.ok) return printProblems(result.problems);
      const { batch, codes, keySource } = result.issued;
      const key = keySource === 'variable' ? '环境变量 REDEEM_CODE_SECRET' : 'settings/secrets';
      console.error(
        `已生成 ${codes.length} 个兑换码（批次 ${batch._id}，${batch.target.kind} ${batch.target.id}` +
          `${batch.expiresAt ? `，${batch.expiresAt} 前有效` : ''}，密钥：${key}）。兑换码只显示这一次，请保存下面的输出：`,
      );
      for (const code of codes) console.log(code);
      return 0;
    }
    case 'usage': {
      const report = await usageReport(db, now);
      console.log('优惠券（已领 / 库存，持有中，已使用）：');
      for (const u of report.coupons) {
        console.log(
          `  ${u.coupon._id}  ${u.coupon.title}  ${u.claimed} / ${u.coupon.stock}，持有中 ${u.held}，已使用 ${u.used}` +
            `  ${u.coupon.status}  ${windowText(u.coupon)}`,
        );
      }
      console.log('限时价：');
      for (const p of report.promotions) {
        console.log(
          `  ${p.promotion._id}  ${p.promotion.target.kind} ${p.promotion.target.id} ${yuanText(p.promotion.priceFen)}` +
            `  ${p.running ? '进行中' : p.promotion.status}  ${windowText(p.promotion)}`,
        );
      }
      console.log('兑换码批次（已使用 / 数量）：');
      for (const b of report.batches) {
        console.log(
          `  ${b.batch._id}  ${b.batch.target.kind} ${b.batch.target.id}  ${b.used} / ${b.batch.count}` +
            `  ${b.batch.status}${b.batch.note ? `  ${b.batch.note}` : ''}`,
        );
      }
      if (report.unreadable.length > 0) console.log(`无法读取（请在控制台修正）：${report.unreadable.join('，')}`);
      return 0;
    }
    case 'revoke': {
      const [kind, id] = args.positional as [string, string];
      const result = await revoke(db, kind, id, now);
      if (!result.ok) return printProblems(result.problems);
      console.log(result.changed ? `已撤销 ${kind} ${id}` : `${kind} ${id} 已是撤销状态，未改动`);
      return 0;
    }
    case 'virtual-items': {
      const { items, belowMinimum } = await virtualItems(db, now);
      console.log(`需要登记的道具（${items.length} 个；道具 ID、价格、名称）：`);
      for (const item of items) console.log(`  ${item.productId}\t${yuanText(item.priceFen)}\t${item.name}`);
      for (const target of belowMinimum) {
        console.log(
          `  不能用虚拟支付出售（低于 ¥1）：${target.target.kind} ${target.target.id} ${yuanText(target.listPriceFen)}`,
        );
      }
      return 0;
    }
  }
  return 2;
}

runCommand(main);
