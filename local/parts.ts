/**
 * The lifecycle every part of the local cloud implements, as each firebase-tools emulator implements
 * `EmulatorInstance`: `attach` builds the part and registers its routes and server-API actions, `connect` runs once
 * the cloud listens (for a part that needs the cloud's URL), `close` runs when the cloud closes. `cloud.parts` holds
 * the attached parts by name; local/start.ts lists them in start order.
 */
import type { LocalCloud } from './cloud';
import type { LocalDatabase } from './db/database';
import type { FunctionHost } from './functions/host';
import type { OpenApis } from './openapi';
import type { PaySandbox } from './sandbox/pay';
import type { SecuritySandbox } from './sandbox/security';
import type { XpaySandbox } from './sandbox/xpay';
import type { Storage } from './storage/storage';

/** Every part by name, and what its `attach` gives: `cloud.parts.get('storage')` is the Storage. */
export interface PartTypes {
  database: LocalDatabase;
  functions: FunctionHost;
  storage: Storage;
  openApi: OpenApis;
  security: SecuritySandbox;
  pay: PaySandbox;
  xpay: XpaySandbox;
}

export type PartName = keyof PartTypes;

/** The parts that mimic a WeChat platform service; which of them run is `LocalCloudOptions.sandboxes`. */
export const SANDBOX_NAMES = ['security', 'pay', 'xpay'] as const satisfies readonly PartName[];
export type SandboxName = (typeof SANDBOX_NAMES)[number];

export interface CloudPart<N extends PartName> {
  readonly name: N;
  /** Builds the part and serves it on the cloud; the parts it uses are attached before it. */
  attach(cloud: LocalCloud): PartTypes[N];
  /** Once the cloud listens (at once for a part attached to a listening cloud). */
  connect?(cloud: LocalCloud, part: PartTypes[N]): void;
  /** When the cloud closes, in reverse attach order. */
  close?(part: PartTypes[N]): void | Promise<void>;
}

/** An attached part, its lifecycle bound to the value its `attach` gave. */
interface Attached {
  value: unknown;
  connect(): void;
  close(): void | Promise<void>;
}

/** The attached parts of one cloud, in attach order: firebase-tools' `EmulatorRegistry`. */
export class PartRegistry {
  private readonly attached = new Map<PartName, Attached>();
  private connected = false;

  constructor(private readonly cloud: LocalCloud) {}

  /** Attaches a part, and connects it when the cloud already listens. One part of each name. */
  add<N extends PartName>(part: CloudPart<N>): PartTypes[N] {
    if (this.attached.has(part.name)) throw new Error(`the ${part.name} part is already attached to this cloud`);
    const value = part.attach(this.cloud);
    const entry: Attached = {
      value,
      connect: () => part.connect?.(this.cloud, value),
      close: () => part.close?.(value),
    };
    this.attached.set(part.name, entry);
    if (this.connected) entry.connect();
    return value;
  }

  get<N extends PartName>(name: N): PartTypes[N] {
    const entry = this.attached.get(name);
    if (!entry) throw new Error(`no ${name} part is attached to this cloud`);
    return entry.value as PartTypes[N];
  }

  has(name: PartName): boolean {
    return this.attached.has(name);
  }

  /** The cloud listens: connects every part attached so far, in attach order. */
  connect(): void {
    this.connected = true;
    for (const entry of this.attached.values()) entry.connect();
  }

  async close(): Promise<void> {
    for (const entry of [...this.attached.values()].reverse()) await entry.close();
  }
}
