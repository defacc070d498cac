export * from './decisions';
export * from './moderation';
export * from './refunded';
export * from './reports';
export * from './service';
export * from './summary';
