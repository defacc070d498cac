import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCron, type CronSchedule } from './cron';

/**
 * Defaults of a CloudBase function without settings: a 3 s timeout and 256 MB, as the cloud gives a new function.
 * Kept at the cloud's value on purpose, so a function that only works with a longer timeout fails here first.
 */
export const DEFAULT_TIMEOUT_SECONDS = 3;
export const DEFAULT_MEMORY_MB = 256;
/** The largest timeout SCF accepts. */
const MAX_TIMEOUT_SECONDS = 900;

export interface TimerTrigger {
  name: string;
  /** The 7-field cron text as written in config.json. */
  config: string;
  schedule: CronSchedule;
}

/** A function's `config.json`, validated, with defaults applied. */
export interface FunctionConfig {
  timeoutSeconds: number;
  memoryMb: number;
  timers: TimerTrigger[];
  /** The cloud-call (云调用) APIs of `permissions.openapi`, which only WeChat DevTools can grant. */
  openapi: string[];
}

export class FunctionConfigError extends Error {
  constructor(file: string, reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'FunctionConfigError';
  }
}

/** Function names as CloudBase allows them; anything else (dots, slashes) can never name a function folder. */
export const FUNCTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,59}$/;

/** The functions in `functionsDir`: every folder with a valid name and an `index.ts`. */
export function listFunctions(functionsDir: string): string[] {
  if (!existsSync(functionsDir)) return [];
  return readdirSync(functionsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && FUNCTION_NAME.test(entry.name))
    .filter((entry) => existsSync(path.join(functionsDir, entry.name, 'index.ts')))
    .map((entry) => entry.name)
    .sort();
}

/** Reads `<functionDir>/config.json` (absent means all defaults); throws FunctionConfigError when it is invalid. */
export function readFunctionConfig(functionDir: string): FunctionConfig {
  const file = path.join(functionDir, 'config.json');
  if (!existsSync(file)) {
    return { timeoutSeconds: DEFAULT_TIMEOUT_SECONDS, memoryMb: DEFAULT_MEMORY_MB, timers: [], openapi: [] };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new FunctionConfigError(file, `not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(raw)) throw new FunctionConfigError(file, 'must be a JSON object');
  const timeoutSeconds = raw.timeout ?? DEFAULT_TIMEOUT_SECONDS;
  if (typeof timeoutSeconds !== 'number' || !(timeoutSeconds > 0 && timeoutSeconds <= MAX_TIMEOUT_SECONDS)) {
    throw new FunctionConfigError(file, `timeout must be a number of seconds in (0, ${MAX_TIMEOUT_SECONDS}]`);
  }
  const memoryMb = raw.memorySize ?? DEFAULT_MEMORY_MB;
  if (typeof memoryMb !== 'number' || !Number.isInteger(memoryMb) || memoryMb <= 0) {
    throw new FunctionConfigError(file, 'memorySize must be a positive integer of MB');
  }
  const triggers = raw.triggers ?? [];
  if (!Array.isArray(triggers)) throw new FunctionConfigError(file, 'triggers must be an array');
  const timers: TimerTrigger[] = [];
  for (const trigger of triggers) {
    if (!isObject(trigger) || typeof trigger.type !== 'string') {
      throw new FunctionConfigError(file, 'each trigger needs a type');
    }
    if (trigger.type !== 'timer') continue;
    if (typeof trigger.name !== 'string' || typeof trigger.config !== 'string') {
      throw new FunctionConfigError(file, 'a timer trigger needs a name and a cron config string');
    }
    try {
      timers.push({ name: trigger.name, config: trigger.config, schedule: parseCron(trigger.config) });
    } catch (error) {
      throw new FunctionConfigError(file, (error as Error).message);
    }
  }
  const permissions = raw.permissions ?? {};
  const openapi = isObject(permissions) ? (permissions.openapi ?? []) : undefined;
  if (!Array.isArray(openapi) || !openapi.every((name) => typeof name === 'string' && name !== '')) {
    throw new FunctionConfigError(file, 'permissions.openapi must be an array of API names');
  }
  return { timeoutSeconds, memoryMb, timers, openapi: [...(openapi as string[])].sort() };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
