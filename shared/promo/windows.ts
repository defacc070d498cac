/** Every selling window is half-open, [startsAt, endsAt): it runs from `startsAt` and is over at `endsAt`. */
export function inWindow(window: { startsAt: string; endsAt: string }, now: Date): boolean {
  const t = now.getTime();
  return Date.parse(window.startsAt) <= t && t < Date.parse(window.endsAt);
}
