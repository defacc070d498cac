export * from './moderation';
export * from './service';
export * from './summary';
