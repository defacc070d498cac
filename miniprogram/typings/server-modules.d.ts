/**
 * The mini-program imports only types from `shared/contract`, but type-checking them follows `shared/`'s own imports
 * of Node modules (server-side code that never reaches the mini-program). Declaring the few members they use keeps
 * Node's globals (`Buffer`, `process`, …) out of the mini-program's type scope.
 */
declare module 'node:crypto' {
  export function randomUUID(): string;
}
