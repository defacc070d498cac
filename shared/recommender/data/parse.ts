import type { Interaction } from './interactions';

/**
 * Parses `user item rating [timestamp]` lines separated by tabs, spaces, commas or `::` (MovieLens 100K, 1M and CSV
 * layouts). Blank lines and lines starting with `#` are skipped; anything else malformed throws with its line number.
 */
export function parseInteractions(text: string): Interaction[] {
  const rows: Interaction[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const fields = trimmed.split(/::|\s*,\s*|\s+/);
    const [user, item, rating] = fields;
    const value = Number(rating);
    if (fields.length < 3 || fields.length > 4 || !user || !item || rating === '' || !Number.isFinite(value)) {
      throw new Error(`Line ${index + 1}: expected "user item rating [timestamp]", got ${JSON.stringify(line)}`);
    }
    rows.push({ user, item, value });
  });
  return rows;
}
