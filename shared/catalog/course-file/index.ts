/**
 * Course files: what a creator writes to publish a course with `npm run course:import` (the format is in
 * examples/courses/README.md), and the pure half of the import: parse and validate, list the files to upload, build
 * documents and decide what changed. The command itself (scripts/course-import.ts) reads files, uploads and upserts.
 * Prices are integer fen, as everywhere in the product: no decimal point to get wrong, and the database's field name.
 */
export * from './assets';
export * from './documents';
export * from './schema';
export * from './revision';
