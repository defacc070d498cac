export * from './limits';
export * from './rate';
export * from './store';
